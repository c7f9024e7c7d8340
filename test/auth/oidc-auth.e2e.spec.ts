import type { Response } from 'supertest';
import { API_KEY } from '../support/env';
import { AppOfSuite, useTestApp } from '../support/test-app';
import {
  AUDIENCE,
  CALLER_EMAIL,
  CALLER_SUB,
  DEAD_JWKS_URL,
  hmacWithPublicKey,
  ISSUER,
  JwksServer,
  makeKey,
  mintToken,
  SigningKey,
  unsignedToken,
} from './jwks-server';

const ALLOWED_SUB = 'sub-allowed-4242';

/** The settings of an app with OIDC pointed at `jwksUrl`; other variables as given. */
function oidcEnv(jwksUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    ASSAY_AUTH: 'oidc',
    OIDC_JWKS_URL: jwksUrl,
    OIDC_ISSUERS: ISSUER,
    OIDC_AUDIENCES: AUDIENCE,
    OIDC_ALLOWED_EMAILS: CALLER_EMAIL,
    OIDC_ALLOWED_SUBJECTS: ALLOWED_SUB,
    ...env,
  };
}

/**
 * For a describe block: a signing key published as `kid` by a JWKS server, and the OIDC app
 * trusting that server (other variables as given). Booted in beforeAll, closed in afterAll.
 */
function useOidcApp(kid: string, env: Record<string, string> = {}) {
  let signingKey: SigningKey | undefined;
  let server: JwksServer | undefined;
  beforeAll(async () => {
    signingKey = await makeKey(kid);
    server = await JwksServer.start([signingKey]);
  });
  const app = useTestApp(() => oidcEnv(server!.url, env));
  afterAll(async () => {
    await server?.close();
  });
  return {
    http: app.http,
    get key(): SigningKey {
      if (!signingKey) throw new Error('the key is made in beforeAll');
      return signingKey;
    },
    get jwks(): JwksServer {
      if (!server) throw new Error('the JWKS server starts in beforeAll');
      return server;
    },
  };
}

/**
 * The create route let the task through. Its success status is the tasks API's business (202, or
 * 200 in its seed-compatible form); what matters here is that auth did not refuse it.
 */
function expectCreated(res: Response): void {
  expect([200, 202]).toContain(res.status);
}

/** A problem document with this status whose body shows nothing of the token. */
function expectRefusal(res: Response, status: number, detail: RegExp, token: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ status, detail: expect.stringMatching(detail) });
  expect(res.text).not.toContain(token);
  // Nor any part of it (header, claims, signature) or the identity it names.
  for (const part of token.split('.').filter((p) => p.length > 8)) {
    expect(res.text).not.toContain(part);
  }
  expect(res.text).not.toContain(CALLER_EMAIL);
  expect(res.text).not.toContain(CALLER_SUB);
}

/** A wrong API key is refused with 401, in either header. */
async function expectWrongKeyRefused(http: AppOfSuite['http']): Promise<void> {
  await http().get('/api/v1/tasks').set('x-api-key', 'wrong-key-0123456789').expect(401);
  await http().get('/api/v1/tasks').set('authorization', 'Bearer wrong-key-0123456789').expect(401);
}

describe('ASSAY_AUTH=oidc', () => {
  // No cooldown: a token with an unknown kid fetches the key set again at once (rotation).
  const oidc = useOidcApp('e2e-key-1', { OIDC_JWKS_COOLDOWN_MS: '0' });
  const get = (token: string, path = '/api/v1/tasks') =>
    oidc.http().get(path).set('authorization', `Bearer ${token}`);

  it('accepts a valid token: lists tasks and creates one', async () => {
    const token = await mintToken(oidc.key);
    await get(token).expect(200);
    expectCreated(
      await oidc
        .http()
        .post('/api/v1/tasks/create/diagnostic')
        .set('authorization', `Bearer ${token}`)
        .send({ sleep_ms: 0 }),
    );
  });

  it('accepts a token of an allowed sub whose email is not on the list', async () => {
    const token = await mintToken(oidc.key, { sub: ALLOWED_SUB, email: 'other@example.com' });
    await get(token).expect(200);
  });

  it('shares one key cache: many requests with a known kid, on several controllers, fetch nothing', async () => {
    const token = await mintToken(oidc.key);
    await get(token).expect(200);
    const before = oidc.jwks.requests;
    expect(before).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 10; i++) {
      await get(token).expect(200);
      await get(token, '/api/v1/callbacks').expect(200);
      await get(token, '/api/v1/providers').expect(200);
    }
    expect(oidc.jwks.requests).toBe(before);
  });

  describe('refuses an invalid token with 401 and a detail that shows none of it', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: Array<[string, () => Promise<string>, RegExp]> = [
      ['a wrong issuer', () => mintToken(oidc.key, { iss: 'https://evil.test' }), /issuer/],
      ['a wrong audience', () => mintToken(oidc.key, { aud: 'https://other.test' }), /audience/],
      [
        'an expired token',
        () => mintToken(oidc.key, { iat: now() - 7200, exp: now() - 3600 }),
        /token expired/,
      ],
      ['a token not valid yet', () => mintToken(oidc.key, { nbf: now() + 3600 }), /not valid yet/],
      [
        'a bad signature (another key, same kid)',
        async () => mintToken(await makeKey(oidc.key.kid)),
        /signature is not valid/,
      ],
      ['alg none', async () => unsignedToken(oidc.key.kid), /algorithm is not accepted/],
      ['HS256 signed with the public key', () => hmacWithPublicKey(oidc.key), /algorithm/],
      ['a malformed JWT', async () => 'eyJhbGciOi.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', /malformed/],
      ['garbage that is not a JWT', async () => 'not-a-jwt-at-all', /not a JWT/],
    ];

    it.each(cases)('%s', async (_, make, detail) => {
      const token = await make();
      const before = oidc.jwks.requests;
      expectRefusal(await get(token), 401, detail, token);
      // None of these needs the key set again (the kid is known or never looked up).
      expect(oidc.jwks.requests).toBe(before);
    });
  });

  it('answers 403 for a valid token of an email not allowed, or an unverified one', async () => {
    const stranger = await mintToken(oidc.key, {
      email: 'stranger@example.com',
      sub: 'stranger-sub',
    });
    const res = await get(stranger);
    expectRefusal(res, 403, /identity is not allowed/, stranger);
    expect(res.text).not.toContain('stranger');
    // email_verified=false: the email proves nothing, and this sub is not on the list either.
    const unverified = await mintToken(oidc.key, { email_verified: false });
    expectRefusal(await get(unverified), 403, /not verified/, unverified);
  });

  it('answers 401 without credentials, saying to send an OIDC ID token', async () => {
    const res = await oidc.http().get('/api/v1/tasks').expect(401);
    expect(res.body.detail).toMatch(/OIDC ID token required/);
    await oidc.http().get('/api/v1/tasks').set('x-api-key', API_KEY).expect(401);
  });

  it('follows a key rotation with one fetch, and then serves the new kid from cache', async () => {
    const next = await makeKey('e2e-key-2');
    oidc.jwks.publish([next]);
    const before = oidc.jwks.requests;
    const token = await mintToken(next);
    await get(token).expect(200);
    expect(oidc.jwks.requests).toBe(before + 1);
    for (let i = 0; i < 5; i++) await get(token).expect(200);
    expect(oidc.jwks.requests).toBe(before + 1);
    // The retired key is no longer published: its tokens are refused.
    const old = await mintToken(oidc.key);
    expectRefusal(await get(old), 401, /unknown kid/, old);
  });
});

describe('ASSAY_AUTH=api_key,oidc', () => {
  const oidc = useOidcApp('combined-key-1', { ASSAY_AUTH: 'api_key,oidc' });
  const { http } = oidc;

  it('accepts an API key in either header and an OIDC token', async () => {
    await http().get('/api/v1/tasks').set('x-api-key', API_KEY).expect(200);
    await http().get('/api/v1/tasks').set('authorization', `Bearer ${API_KEY}`).expect(200);
    const token = await mintToken(oidc.key);
    await http().get('/api/v1/tasks').set('authorization', `Bearer ${token}`).expect(200);
    const create = () => http().post('/api/v1/tasks/create/diagnostic');
    expectCreated(await create().set('authorization', `Bearer ${token}`).send({ sleep_ms: 0 }));
    expectCreated(await create().set('x-api-key', API_KEY).send({ sleep_ms: 0 }));
  });

  it('refuses a wrong key, a foreign token and no credentials with 401', async () => {
    await expectWrongKeyRefused(http);
    const foreign = await mintToken(await makeKey('someone-elses-kid'));
    expectRefusal(
      await http().get('/api/v1/tasks').set('authorization', `Bearer ${foreign}`),
      401,
      /unknown kid/,
      foreign,
    );
    const res = await http().get('/api/v1/tasks').expect(401);
    expect(res.body.detail).toMatch(/API key .* or an OIDC ID token/);
  });
});

describe('ASSAY_AUTH=oidc with the key set down', () => {
  const { http } = useTestApp(oidcEnv(DEAD_JWKS_URL));

  it('answers 503 (not 500, not 401) with a detail naming the key set', async () => {
    const token = await mintToken(await makeKey('any-kid'));
    const res = await http().get('/api/v1/tasks').set('authorization', `Bearer ${token}`);
    expectRefusal(res, 503, /key set \(OIDC_JWKS_URL\) could not be reached/, token);
    expect(res.body.title).toBe('Service Unavailable');
  });
});

describe('ASSAY_AUTH=none (loopback, development)', () => {
  const { http } = useTestApp({ ASSAY_AUTH: 'none', HOST: '127.0.0.1' });

  it('serves a request without credentials', async () => {
    await http().get('/api/v1/tasks').expect(200);
    expectCreated(await http().post('/api/v1/tasks/create/diagnostic').send({ sleep_ms: 0 }));
  });

  it('still refuses credentials that are sent and wrong', async () => {
    await expectWrongKeyRefused(http);
  });
});
