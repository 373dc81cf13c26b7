import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Tests talk to real servers and spawn the bundled action: give them room, never retry them.
    testTimeout: 60_000,
    // The action prints workflow commands (::add-mask:: …); show them only for failing tests.
    silent: 'passed-only',
    hookTimeout: 30_000,
  },
});
