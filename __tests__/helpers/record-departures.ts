// Loaded into a spawned bundle with NODE_OPTIONS=--import (the bundle itself unchanged): appends
// a JSON line for every HTTP request the process creates (see departures.ts) to the file named by
// DEPARTURES_FILE, synchronously, so that none is lost when the process exits.
import { appendFileSync } from 'node:fs';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const file = process.env.DEPARTURES_FILE;
if (file) {
  diagnosticsChannel.subscribe('http.client.request.created', (message) => {
    const { request } = message as { request: ClientRequest };
    const departure = { at: Date.now(), method: request.method, path: request.path };
    appendFileSync(file, `${JSON.stringify(departure)}\n`);
  });
}
