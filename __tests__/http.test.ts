// Which requests go through a proxy: the Actions toolkit's rules, as runner admins know them.
import { afterEach, describe, expect, it } from 'vitest';
import { proxyFor } from '../src/core/http.ts';
import { setEnv } from './helpers/env.ts';

const VARIABLES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
];
let restore = (): void => undefined;
afterEach(() => restore());

/** Sets exactly these proxy variables (the others empty) and asks which proxy `url` gets. */
function proxyOf(url: string, env: Record<string, string>): string | undefined {
  restore = setEnv({ ...Object.fromEntries(VARIABLES.map((name) => [name, ''])), ...env });
  const choice = proxyFor(new URL(url));
  return choice && `${choice.url.origin} (${choice.variable})`;
}

const API = 'https://api.cloud.zilliz.com';
const PROXY = 'http://proxy.corp.example:3128';

describe('proxyFor', () => {
  it.each([
    ['no variables', API, {}, undefined],
    ['HTTPS_PROXY', API, { HTTPS_PROXY: PROXY }, `${PROXY} (HTTPS_PROXY)`],
    [
      'https_proxy before HTTPS_PROXY',
      API,
      { https_proxy: PROXY, HTTPS_PROXY: 'http://other:1' },
      `${PROXY} (https_proxy)`,
    ],
    ['HTTP_PROXY is not used for https', API, { HTTP_PROXY: PROXY }, undefined],
    [
      'HTTP_PROXY for http',
      'http://api.example.com',
      { HTTP_PROXY: PROXY },
      `${PROXY} (HTTP_PROXY)`,
    ],
    [
      'a proxy without a scheme is http',
      API,
      { HTTPS_PROXY: 'proxy.corp.example:3128' },
      `${PROXY} (HTTPS_PROXY)`,
    ],
    [
      'NO_PROXY exact host',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'api.cloud.zilliz.com' },
      undefined,
    ],
    [
      'NO_PROXY domain suffix',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'example.org, zilliz.com' },
      undefined,
    ],
    ['NO_PROXY leading dot', API, { HTTPS_PROXY: PROXY, NO_PROXY: '.zilliz.com' }, undefined],
    [
      'NO_PROXY partial label does not match',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'illiz.com' },
      `${PROXY} (HTTPS_PROXY)`,
    ],
    [
      'NO_PROXY with the right port',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'zilliz.com:443' },
      undefined,
    ],
    [
      'NO_PROXY with another port',
      API,
      { HTTPS_PROXY: PROXY, NO_PROXY: 'zilliz.com:8443' },
      `${PROXY} (HTTPS_PROXY)`,
    ],
    ['no_proxy *', API, { HTTPS_PROXY: PROXY, no_proxy: '*' }, undefined],
    ['loopback always direct', 'http://127.0.0.1:8080', { HTTP_PROXY: PROXY }, undefined],
    ['localhost always direct', 'http://localhost:8080', { HTTP_PROXY: PROXY }, undefined],
  ])('%s', (_case, url, env, expected) => {
    expect(proxyOf(url, env)).toBe(expected);
  });

  it('refuses a proxy that is not http:// or https://, naming the variable', () => {
    expect(() => proxyOf(API, { HTTPS_PROXY: 'socks5://proxy.corp.example:1080' })).toThrow(
      'HTTPS_PROXY must be an http:// or https:// proxy URL',
    );
  });

  it('keeps the credentials, decoded, for the proxy to receive', () => {
    restore = setEnv({
      https_proxy: '',
      HTTPS_PROXY: 'http://bot:p%40ss@proxy.corp.example:3128',
      NO_PROXY: '',
      no_proxy: '',
    });
    const choice = proxyFor(new URL(API));
    expect(choice?.url.username).toBe('bot');
    expect(choice?.url.password).toBe('p@ss');
  });
});
