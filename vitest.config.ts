import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Tests talk to real servers and spawn the bundled action: give them room, never retry them.
    testTimeout: 60_000,
    // Console output only for failing tests; workflow commands (::add-mask:: …) never.
    silent: 'passed-only',
    setupFiles: ['__tests__/helpers/setup.ts'],
    // Builds dist/ first: the tests that spawn the bundles never run a stale one.
    globalSetup: ['__tests__/helpers/build-bundles.ts'],
    hookTimeout: 30_000,
  },
});
