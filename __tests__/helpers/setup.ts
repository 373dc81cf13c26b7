// Workflow commands (::add-mask::, ::debug::, ::error:: …) are addressed to a runner, which
// hides or reshapes them. Code under test writes them straight to stdout, past Vitest's console
// capture: drop them here so the test output stays readable. Tests that read them spy on
// process.stdout.write, which replaces this filter for the duration of the spy.
const write = process.stdout.write.bind(process.stdout);
const COMMAND = /^::[a-z-]+[ :]/;

process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  COMMAND.test(String(chunk)) ? true : write(chunk, ...rest)) as typeof process.stdout.write;
