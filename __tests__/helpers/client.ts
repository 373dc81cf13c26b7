// A ZillizClient wired to a simulator, with its log lines collected for assertions.
import { createClient, type ZillizClient } from '../../src/api/client.ts';
import { Deadline } from '../../src/core/deadline.ts';
import { createHttpClient } from '../../src/core/http.ts';
import type { Log } from '../../src/core/log.ts';
import type { Simulator } from '../../simulator/server.ts';

export interface TestClient {
  client: ZillizClient;
  lines: string[];
  deadline: Deadline;
  close: () => Promise<void>;
}

export function testLog(lines: string[]): Log {
  return {
    debug: () => undefined,
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    notice: (message) => lines.push(`notice: ${message}`),
    redact: (text) => text,
    clean: (text) => text,
  };
}

export function clientFor(
  sim: Simulator,
  options: { timeoutMs?: number; requestTimeoutMs?: number; apiKey?: string } = {},
): TestClient {
  const lines: string[] = [];
  const log = testLog(lines);
  const http = createHttpClient(sim.url, log);
  const deadline = new Deadline(options.timeoutMs ?? 30_000);
  const client = createClient({
    baseUrl: sim.url,
    token: options.apiKey ?? sim.apiKey,
    deadline,
    log,
    http,
    userAgent: 'zilliz-backup-action/test',
    requestTimeoutMs: options.requestTimeoutMs,
  });
  return { client, lines, deadline, close: async () => http.destroy() };
}
