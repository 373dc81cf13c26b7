// What the simulator tests share for talking to a simulator over plain fetch: a reply read once
// (status, headers, text and its JSON when it is JSON), and waiting for a condition on it.

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** The whole reply; `json` undefined when the body is not JSON (an error page, a fault). */
export async function readReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A request body as the tests give it: a string as it is (malformed on purpose), else JSON. */
export const bodyOf = (body: unknown): string | undefined =>
  body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);

/**
 * Poll `fn` until `done` holds, or fail after timeoutMs: long enough for a busy machine, short
 * enough to say what was last seen before the test's own timeout.
 */
export async function until<T>(
  fn: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (done(v)) return v;
    if (performance.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    // Under the simulated rate limit of 20 requests a second to one endpoint.
    await new Promise((r) => setTimeout(r, 60));
  }
}
