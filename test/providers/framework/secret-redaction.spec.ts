import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/common/config/app.config';
import {
  isSecretName,
  redactCredentialPatterns,
  REDACTED,
  SecretRedactor,
} from '../../../src/common/logging/redact';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { configuredSecrets } from '../../../src/providers/core/provider-secrets';
import { resolveProviderSettings } from '../../../src/providers/core/provider-settings';

const KEY = 'sk-live-4f9c2a7e1b8d3c6f';
/** A key with characters that URL-encoding and JSON change. */
const ODD_KEY = 'ab+cd/ef=gh"ij\\kl:mn';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('SecretRedactor: configured secrets in vendor error text', () => {
  const r = new SecretRedactor([KEY, ODD_KEY]);

  it('replaces a key the vendor repeats, leaving the rest of the message readable', () => {
    expect(r.redact(`Apollo 401: invalid api key ${KEY} (check APOLLO_API_KEY)`)).toBe(
      `Apollo 401: invalid api key ${REDACTED} (check APOLLO_API_KEY)`,
    );
    expect(r.redact(`{"error":"invalid api key ${KEY}"}`)).toBe(
      `{"error":"invalid api key ${REDACTED}"}`,
    );
    expect(r.redact('OpenAI 500 Internal error (no secret here)')).toBe(
      'OpenAI 500 Internal error (no secret here)',
    );
  });

  it('replaces its URL-encoded (either hex case) and JSON-escaped forms', () => {
    const enc = encodeURIComponent(ODD_KEY);
    expect(enc).not.toBe(ODD_KEY);
    expect(r.redact(`GET /v22/api.json?LOOKUP=x&k=${enc} failed`)).toBe(
      `GET /v22/api.json?LOOKUP=x&k=${REDACTED} failed`,
    );
    const json = JSON.stringify(ODD_KEY).slice(1, -1);
    expect(r.redact(`{"error":"bad key ${json}"}`)).toBe(`{"error":"bad key ${REDACTED}"}`);
    const lower = enc.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
    expect(r.redact(`seen ${lower} here`)).toBe(`seen ${REDACTED} here`);
  });

  it('replaces a Basic credential (base64 of user:key) whatever the user name, and base64url', () => {
    for (const user of ['u', 'us', 'svc-account', 'apikey']) {
      const basic = b64(`${user}:${KEY}`);
      expect(r.redact(`Authorization: Basic ${basic} rejected`)).toBe(
        `Authorization: Basic ${REDACTED} rejected`,
      );
      const url = basic.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      expect(r.redact(`token=${url}; retry`)).toBe(`token=${REDACTED}; retry`);
    }
    expect(r.redact(`key: ${b64(KEY)}.`)).toBe(`key: ${REDACTED}.`);
  });

  it('replaces what is left of a key cut short by a truncated message', () => {
    const cut = KEY.slice(0, 13);
    expect(
      r.redact(`Apollo 500: upstream failure while checking ${cut} (check APOLLO_API_KEY)`),
    ).toBe(`Apollo 500: upstream failure while checking ${REDACTED} (check APOLLO_API_KEY)`);
  });

  it('replaces a longer secret whole when it contains a shorter one', () => {
    const inner = 'inner-secret-123';
    const outer = `outer-${inner}-xyz`;
    const both = new SecretRedactor([inner, outer]);
    expect(both.redact(`a ${outer} b ${inner} c`)).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it('ignores values too short to be secrets, and is idempotent', () => {
    const short = new SecretRedactor(['true', 'k', '300', undefined, null, '']);
    expect(short.size).toBe(0);
    expect(short.redact('true: k=300')).toBe('true: k=300');
    const once = r.redact(`x ${KEY} ${b64(`u:${KEY}`)} ?api_key=${KEY}`);
    expect(r.redact(once)).toBe(once);
    expect(once).not.toContain(KEY.slice(0, 10));
  });
});

describe('redactCredentialPatterns: credentials recognised by their shape', () => {
  it('replaces credential query parameters of a URL, and only those', () => {
    expect(
      redactCredentialPatterns(
        'GET https://api.builtwith.com/v22/api.json?KEY=unknown-key-1&LOOKUP=acme.com failed',
      ),
    ).toBe(`GET https://api.builtwith.com/v22/api.json?KEY=${REDACTED}&LOOKUP=acme.com failed`);
    expect(
      redactCredentialPatterns(
        '/x?domain=acme.com&api_key=a1&access_token=t2&X-Amz-Signature=s3&sig=s4&page=2',
      ),
    ).toBe(
      `/x?domain=acme.com&api_key=${REDACTED}&access_token=${REDACTED}&X-Amz-Signature=${REDACTED}&sig=${REDACTED}&page=2`,
    );
    for (const untouched of ['/companies?domain=acme.com&keyword=robots', '/api.json?KEY=***&x=1'])
      expect(redactCredentialPatterns(untouched)).toBe(untouched);
  });

  it('replaces URL passwords, bearer tokens and Basic credentials, but not prose', () => {
    expect(redactCredentialPatterns('connect postgres://assay:hunter2pw@db:5432/assay')).toBe(
      `connect postgres://assay:${REDACTED}@db:5432/assay`,
    );
    expect(redactCredentialPatterns('sent Bearer abc123def456ghi789')).toBe(
      `sent Bearer ${REDACTED}`,
    );
    expect(redactCredentialPatterns(`Basic ${b64('user:pass')}`)).toBe(`Basic ${REDACTED}`);
    for (const prose of ['Bearer authentication required', 'Basic authentication failed']) {
      expect(redactCredentialPatterns(prose)).toBe(prose);
    }
  });
});

describe('isSecretName', () => {
  it.each([
    'APOLLO_API_KEY',
    'JINA_SEARCH_API_KEY',
    'ACME_NEW_VENDOR_API_KEY',
    'ASSAY_API_KEYS',
    'CALLBACK_SIGNING_SECRET',
    'CALLBACK_BEARER_TOKEN',
    'BRIGHTDATA_PASSWORD',
    'STRIPE_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ])('%s holds a secret', (name) => expect(isSecretName(name)).toBe(true));

  it.each([
    'APOLLO_BASE_URL',
    'OPENAI_MODEL',
    'GEMINI_EMBED_MODEL',
    'OPENAI_MAX_TOKENS',
    'CALLBACK_ID_TOKEN_KEY_FILE',
    'CALLBACK_ID_TOKEN_AUDIENCE',
    'CALLBACK_ID_TOKEN_REFRESH_SECONDS',
    'REDIS_PREFIX',
  ])('%s does not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('configuredSecrets: every secret Assay is configured with', () => {
  const signing = `whsec_${randomBytes(32).toString('base64')}`;
  const env = {
    APOLLO_API_KEY: 'apollo-key-0001',
    ACME_API_KEY: 'a-future-vendor-key', // a provider added later: no line anywhere for it
    JINA_API_KEY: 'jina-shared-key-02', // read by jina_search besides jina's own
    BRIGHTDATA_ZONE_PASSWORD: 'zone-password-03',
    ASSAY_API_KEYS: 'operator-key-0123456789,tenant-key-0123456789:tenant-a',
    CALLBACK_SIGNING_SECRET: signing,
    CALLBACK_AUTH: 'bearer',
    CALLBACK_BEARER_TOKEN: 'callback-bearer-04',
    DATABASE_URL: 'postgres://assay:db-password-05@127.0.0.1:5432/assay',
    REDIS_URL: 'redis://:redis-password-06@127.0.0.1:6379',
    OPS_REQUIRE_API_KEY: 'true',
    APOLLO_BASE_URL: 'https://proxy-user:proxy-password-07@proxy.example/apollo',
    APOLLO_MODEL: 'not-a-secret-model',
  };
  const config = loadConfig(env);
  const settings = resolveProviderSettings(
    {
      id: 'apollo',
      capabilities: ['company.profile'],
      cost: {},
      rateLimits: {},
      cacheTtlSeconds: 0,
    },
    config.rawEnv,
    { timeoutMs: 1000, maxConcurrency: 1 },
  );
  const secrets = configuredSecrets(config, [settings]);

  it('has every provider key, platform credential and URL password', () => {
    expect(secrets).toEqual(
      expect.arrayContaining([
        'apollo-key-0001',
        'a-future-vendor-key',
        'jina-shared-key-02',
        'zone-password-03',
        'operator-key-0123456789',
        'tenant-key-0123456789',
        signing,
        signing.slice('whsec_'.length),
        'callback-bearer-04',
        'db-password-05',
        'redis-password-06',
        'proxy-password-07',
      ]),
    );
  });

  it('leaves out tenant names, flags and settings that are not secrets', () => {
    for (const v of ['tenant-a', 'true', 'bearer', 'not-a-secret-model', 'assay'])
      expect(secrets).not.toContain(v);
    const r = new SecretRedactor(secrets);
    expect(r.redact('tenant-a asked assay about not-a-secret-model')).toBe(
      'tenant-a asked assay about not-a-secret-model',
    );
  });
});

describe('ProviderError.redacted', () => {
  const r = new SecretRedactor([KEY]);

  it('keeps code, status, Retry-After, retryable and provider; redacts message, stack and causes', () => {
    const sdk = Object.assign(new Error(`401 Incorrect API key provided: ${KEY}`), {
      code: 'invalid_api_key',
      headers: { authorization: `Bearer ${KEY}` },
      error: { message: `Incorrect API key provided: ${KEY}` },
    });
    (sdk as { cause?: unknown }).cause = new Error(`socket said ${KEY}`);
    const e = new ProviderError('RATE_LIMITED', `OpenAI 429: key ${KEY} is throttled`, {
      status: 429,
      retryAfterMs: 1500,
      providerId: 'openai',
      cause: sdk,
    });
    const out = e.redacted(r.redact);

    expect(out).toBeInstanceOf(ProviderError);
    expect(out).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterMs: 1500,
      retryable: true,
      providerId: 'openai',
      message: `OpenAI 429: key ${REDACTED} is throttled`,
    });
    expect(out.stack).toContain(`key ${REDACTED} is throttled`);
    const cause = out.cause as Error & { code?: string; headers?: unknown };
    expect(cause).toMatchObject({ name: 'Error', code: 'invalid_api_key' });
    expect(cause.message).toBe(`401 Incorrect API key provided: ${REDACTED}`);
    expect(cause.headers).toBeUndefined();
    expect((cause.cause as Error).message).toBe(`socket said ${REDACTED}`);
    const everything = JSON.stringify([
      out.message,
      out.stack,
      cause.message,
      cause.stack,
      (cause.cause as Error).stack,
      Object.entries(cause),
    ]);
    expect(everything).not.toContain(KEY);
  });
});
