// When each HTTP request leaves this process. Node's http client announces every request it
// creates on the diagnostics channel "http.client.request.created", synchronously, as the
// transport hands it over right after the rate limiter gave it its slot. A rate limit is a
// promise about departures: arrival times at a server are not what the client decides (a
// server process waiting for a core takes requests in bunches).
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

export const CHANNEL = 'http.client.request.created';

export interface Departure {
  /** Date.now() when the request was created. */
  at: number;
  method: string;
  path: string;
}

/** Records the requests this process creates until stop() is called. */
export function recordDepartures(): { departures: Departure[]; stop: () => void } {
  const departures: Departure[] = [];
  const onRequest = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    departures.push({ at: Date.now(), method: request.method, path: request.path });
  };
  diagnosticsChannel.subscribe(CHANNEL, onRequest);
  return { departures, stop: () => diagnosticsChannel.unsubscribe(CHANNEL, onRequest) };
}

/** The most of these requests that left within any 1000 ms. */
export function busiestSecond(departures: readonly Departure[]): number {
  const times = departures.map((d) => d.at).sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= 1_000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}
