// Secrets must never appear in anything the action prints or writes. core.setSecret masks them
// in the runner's log; this also covers the step summary, outputs and local runs, where no
// runner masks anything. The API key is known from the start; other secrets (a password in a
// reply) are added the moment they are learnt.
export type Redactor = (text: string) => string;

export interface SecretRedactor extends Redactor {
  /** Redacts `secret` from now on (ignored when empty). */
  add(secret: string): void;
}

export function createRedactor(...secrets: string[]): SecretRedactor {
  const known: string[] = [];
  const redact = ((text: string) =>
    known.reduce((out, secret) => out.split(secret).join('***'), text)) as SecretRedactor;
  redact.add = (secret) => {
    if (!secret || known.includes(secret)) return;
    known.push(secret);
    // Longest first: a secret that contains another is replaced whole.
    known.sort((a, b) => b.length - a.length);
  };
  for (const secret of secrets) redact.add(secret);
  return redact;
}
