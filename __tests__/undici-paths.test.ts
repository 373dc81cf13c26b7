// src/core/http.ts imports undici's modules directly, and the build leaves some out: private
// paths of undici, so its version is pinned, and these tests fail when an upgrade moves them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { LEFT_OUT } from '../scripts/build.ts';
import { ROOT } from '../scripts/actions.ts';

const require = createRequire(import.meta.url);
const UNDICI = join(ROOT, 'node_modules', 'undici');

describe('undici, imported by path', () => {
  it('is pinned to the exact version installed', () => {
    const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const installed = JSON.parse(readFileSync(join(UNDICI, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(ours.dependencies.undici).toBe(installed.version);
  });

  it('finds at each path what the entry exports under that name', () => {
    expect(require('undici/lib/dispatcher/agent.js')).toBe(undici.Agent);
    expect(require('undici/lib/dispatcher/proxy-agent.js')).toBe(undici.ProxyAgent);
    expect(require('undici/lib/dispatcher/dispatcher.js')).toBe(undici.Dispatcher);
    expect(require('undici/lib/api/api-request.js')).toBe(undici.Dispatcher.prototype.request);
    expect(require('undici/lib/api/api-connect.js')).toBe(undici.Dispatcher.prototype.connect);
  });

  it.each(Object.keys(LEFT_OUT))('still has %s, which the bundles leave out', (path) => {
    expect(existsSync(join(UNDICI, 'lib', path))).toBe(true);
  });

  it('loads the HTTP/2 client only where the build expects it', () => {
    // The stub of client-h2.js is loaded at start and must not be called: allowH2 is false.
    const client = readFileSync(join(UNDICI, 'lib', 'dispatcher', 'client.js'), 'utf8');
    expect(client).toContain("require('./client-h2.js')");
  });
});
