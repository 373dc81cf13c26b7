/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The base of an error class that only carries a message, named once here (a name set in code
 * survives minification; the class's own name does not):
 * `export class TargetExistsError extends namedError('TargetExistsError') {}`.
 */
export function namedError(name: string): new (message: string) => Error {
  return class extends Error {
    constructor(message: string) {
      super(message);
      this.name = name;
    }
  };
}
