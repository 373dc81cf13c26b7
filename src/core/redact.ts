// The API key must never appear in anything the action prints or writes. core.setSecret masks
// it in the runner's log; this also covers the step summary, outputs and local runs, where no
// runner masks anything.
export type Redactor = (text: string) => string;

export function createRedactor(secret: string): Redactor {
  if (!secret) return (text) => text;
  return (text) => text.split(secret).join('***');
}
