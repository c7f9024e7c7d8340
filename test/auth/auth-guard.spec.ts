import { HttpException } from '@nestjs/common';
import { AuthGuard } from '../../src/common/auth/auth.guard';
import { OidcVerifier } from '../../src/common/auth/oidc-verifier';
import type { Principal } from '../../src/common/auth/principal';
import { loadConfig } from '../../src/common/config/app.config';
import {
  AUDIENCE,
  CALLER_EMAIL,
  CALLER_SUB,
  DEAD_JWKS_URL,
  ISSUER,
  JwksServer,
  makeKey,
  mintToken,
  SigningKey,
} from './jwks-server';

const OPERATOR_KEY = 'operator-key-0123456789';
const ACME_KEY = 'acme-key-0123456789abc';
const TENANT_EMAIL = 'Acme-Caller@Example.com';
const TENANT_SUB = 'sub-of-globex-42';

/** An AuthGuard as the app builds it, from a config loadConfig accepted. */
function guardFor(env: Record<string, string>): AuthGuard {
  const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', ...env });
  return new AuthGuard(config, new OidcVerifier(config));
}

const req = (headers: Record<string, string> = {}) => ({ headers });
const bearer = (t: string) => req({ authorization: `Bearer ${t}` });

/** The HttpException authenticate() throws (fails the test when it resolves). */
async function refusal(p: Promise<Principal>): Promise<{ status: number; detail: string }> {
  try {
    const principal = await p;
    throw new Error(`accepted as ${JSON.stringify(principal)}`);
  } catch (err) {
    if (!(err instanceof HttpException)) throw err;
    const body = err.getResponse() as { detail: string };
    return { status: err.getStatus(), detail: body.detail };
  }
}

describe('AuthGuard.authenticate()', () => {
  let jwks: JwksServer;
  let key: SigningKey;

  const oidcEnv = (extra: Record<string, string> = {}) => ({
    ASSAY_AUTH: 'oidc',
    OIDC_JWKS_URL: jwks.url,
    OIDC_ISSUERS: ISSUER,
    OIDC_AUDIENCES: AUDIENCE,
    OIDC_ALLOWED_EMAILS: `${CALLER_EMAIL},${TENANT_EMAIL}:acme`,
    OIDC_ALLOWED_SUBJECTS: `${TENANT_SUB}:globex`,
    ...extra,
  });

  beforeAll(async () => {
    key = await makeKey('unit-key-1');
    jwks = await JwksServer.start([key]);
  });
  afterAll(async () => {
    await jwks?.close();
  });
  beforeEach(() => {
    jwks.mode = 'ok';
    jwks.publish([key]);
  });

  describe('api_key', () => {
    const guard = () => guardFor({ ASSAY_API_KEYS: `${OPERATOR_KEY},${ACME_KEY}:acme` });

    it('binds a key:tenant key to its tenant and leaves a plain key an operator', async () => {
      const g = guard();
      const acme = await g.authenticate(req({ 'x-api-key': ACME_KEY }));
      expect(acme).toEqual({
        method: 'api_key',
        tenant: 'acme',
        subject: expect.stringMatching(/^key:[0-9a-f]{12}$/),
      });
      expect(acme.subject).not.toContain(ACME_KEY);
      await expect(g.authenticate(bearer(OPERATOR_KEY))).resolves.toMatchObject({
        method: 'api_key',
        tenant: null,
      });
    });

    it('accepts Basic auth with the key as password (queue dashboard)', async () => {
      const basic = Buffer.from(`anyone:${ACME_KEY}`).toString('base64');
      await expect(
        guard().authenticate(req({ authorization: `Basic ${basic}` })),
      ).resolves.toMatchObject({ method: 'api_key', tenant: 'acme' });
    });

    it('says what to send when nothing is sent, and refuses a wrong key', async () => {
      expect(await refusal(guard().authenticate(req()))).toEqual({
        status: 401,
        detail: expect.stringMatching(/API key required.*X-API-Key/),
      });
      expect(
        await refusal(guard().authenticate(req({ 'x-api-key': 'wrong-key-0123456789' }))),
      ).toMatchObject({ status: 401, detail: 'API key is not valid' });
      expect(await refusal(guard().authenticate(bearer('wrong-key-0123456789')))).toMatchObject({
        status: 401,
        detail: 'API key is not valid',
      });
      expect(
        await refusal(guard().authenticate(req({ authorization: `Digest ${OPERATOR_KEY}` }))),
      ).toMatchObject({ status: 401, detail: expect.stringMatching(/neither Bearer nor Basic/) });
    });

    it('does not hand a JWT to OIDC when oidc is off', async () => {
      const token = await mintToken(key);
      expect(await refusal(guard().authenticate(bearer(token)))).toMatchObject({ status: 401 });
      expect(jwks.requests).toBe(0);
    });
  });

  describe('oidc', () => {
    it('maps an allowed email to an operator, and email:tenant to its tenant (case-insensitive)', async () => {
      const g = guardFor(oidcEnv());
      await expect(g.authenticate(bearer(await mintToken(key)))).resolves.toEqual({
        method: 'oidc',
        tenant: null,
        subject: `oidc:${CALLER_EMAIL}`,
      });
      const shouty = await mintToken(key, { email: TENANT_EMAIL.toUpperCase() });
      await expect(g.authenticate(bearer(shouty))).resolves.toEqual({
        method: 'oidc',
        tenant: 'acme',
        subject: `oidc:${TENANT_EMAIL.toLowerCase()}`,
      });
    });

    it('maps an allowed sub:tenant when the email is absent or not allowed', async () => {
      const g = guardFor(oidcEnv());
      for (const email of [undefined, 'someone-else@example.com']) {
        const token = await mintToken(key, { sub: TENANT_SUB, email });
        await expect(g.authenticate(bearer(token))).resolves.toEqual({
          method: 'oidc',
          tenant: 'globex',
          subject: `oidc:${TENANT_SUB}`,
        });
      }
    });

    it('ignores an email the token says is not verified (403 unless its sub is allowed)', async () => {
      const g = guardFor(oidcEnv());
      const unverified = await mintToken(key, { email_verified: false });
      const r = await refusal(g.authenticate(bearer(unverified)));
      expect(r).toEqual({ status: 403, detail: expect.stringMatching(/not verified/) });
      expect(r.detail).not.toContain(CALLER_EMAIL);
      expect(r.detail).not.toContain(CALLER_SUB);
      const bySub = await mintToken(key, { email_verified: 'false', sub: TENANT_SUB });
      await expect(g.authenticate(bearer(bySub))).resolves.toMatchObject({ tenant: 'globex' });
    });

    it('answers 403 for a valid token of an identity on neither list', async () => {
      const g = guardFor(oidcEnv());
      const token = await mintToken(key, { email: 'stranger@example.com', sub: 'stranger' });
      const r = await refusal(g.authenticate(bearer(token)));
      expect(r).toEqual({ status: 403, detail: expect.stringMatching(/identity is not allowed/) });
      expect(r.detail).not.toMatch(/stranger/);
    });

    it('refuses a token without exp or iat', async () => {
      const g = guardFor(oidcEnv());
      for (const claim of ['exp', 'iat']) {
        const token = await mintToken(key, { [claim]: undefined });
        expect(await refusal(g.authenticate(bearer(token)))).toEqual({
          status: 401,
          detail: `token lacks the required "${claim}" claim`,
        });
      }
    });

    it('allows OIDC_CLOCK_TOLERANCE_SECONDS of skew on exp', async () => {
      const now = Math.floor(Date.now() / 1000);
      const justExpired = await mintToken(key, { iat: now - 3600, exp: now - 10 });
      await expect(
        guardFor(oidcEnv({ OIDC_CLOCK_TOLERANCE_SECONDS: '60' })).authenticate(bearer(justExpired)),
      ).resolves.toMatchObject({ method: 'oidc' });
      expect(
        await refusal(
          guardFor(oidcEnv({ OIDC_CLOCK_TOLERANCE_SECONDS: '0' })).authenticate(
            bearer(justExpired),
          ),
        ),
      ).toEqual({ status: 401, detail: expect.stringMatching(/token expired/) });
    });

    it('fetches the key set again for an unknown kid at most once per cooldown', async () => {
      const g = guardFor(oidcEnv({ OIDC_JWKS_COOLDOWN_MS: '600000' }));
      const before = jwks.requests;
      await g.authenticate(bearer(await mintToken(key)));
      expect(jwks.requests).toBe(before + 1);
      // Rotated right after the first fetch: the new kid is unknown and the cooldown holds.
      const next = await makeKey('unit-key-2');
      jwks.publish([next]);
      const rotated = await mintToken(next);
      for (let i = 0; i < 3; i++) {
        expect(await refusal(g.authenticate(bearer(rotated)))).toEqual({
          status: 401,
          detail: expect.stringMatching(/unknown kid/),
        });
      }
      expect(jwks.requests).toBe(before + 1);
    });

    it.each([
      ['status500', /HTTP status other than 200/],
      ['html', /did not answer with JSON/],
    ] as const)('answers 503 when the key set answers %s', async (mode, detail) => {
      jwks.mode = mode;
      const g = guardFor(oidcEnv());
      const token = await mintToken(key);
      const r = await refusal(g.authenticate(bearer(token)));
      expect(r).toEqual({ status: 503, detail: expect.stringMatching(detail) });
      expect(r.detail).not.toContain(token);
    });

    it('answers 503 when the key set is unreachable, and when it does not answer in time', async () => {
      const token = await mintToken(key);
      const dead = guardFor(oidcEnv({ OIDC_JWKS_URL: DEAD_JWKS_URL }));
      expect(await refusal(dead.authenticate(bearer(token)))).toEqual({
        status: 503,
        detail: expect.stringMatching(/could not be reached/),
      });
      jwks.mode = 'hang';
      const started = Date.now();
      expect(await refusal(guardFor(oidcEnv()).authenticate(bearer(token)))).toEqual({
        status: 503,
        detail: expect.stringMatching(/did not answer within 5 s/),
      });
      expect(Date.now() - started).toBeLessThan(15000);
    }, 30000);
  });

  describe('combined modes', () => {
    it('api_key,oidc: a key (either header) and a token both work; junk is 401', async () => {
      const g = guardFor({
        ...oidcEnv(),
        ASSAY_AUTH: 'api_key,oidc',
        ASSAY_API_KEYS: ACME_KEY + ':acme',
      });
      await expect(g.authenticate(bearer(ACME_KEY))).resolves.toMatchObject({
        method: 'api_key',
        tenant: 'acme',
      });
      await expect(g.authenticate(req({ 'x-api-key': ACME_KEY }))).resolves.toMatchObject({
        method: 'api_key',
      });
      await expect(g.authenticate(bearer(await mintToken(key)))).resolves.toMatchObject({
        method: 'oidc',
      });
      expect(await refusal(g.authenticate(bearer('not-a-key-and-not-a-jwt')))).toEqual({
        status: 401,
        detail: 'bearer credential is neither a valid API key nor a JWT',
      });
      expect(await refusal(g.authenticate(req()))).toEqual({
        status: 401,
        detail: expect.stringMatching(/API key .* or an OIDC ID token/),
      });
    });

    it('X-API-Key is judged on its own, whatever Authorization carries', async () => {
      const g = guardFor({ ...oidcEnv(), ASSAY_AUTH: 'api_key,oidc', ASSAY_API_KEYS: ACME_KEY });
      const token = await mintToken(key);
      await expect(
        g.authenticate(req({ 'x-api-key': ACME_KEY, authorization: 'Bearer platform-token' })),
      ).resolves.toMatchObject({ method: 'api_key' });
      expect(
        await refusal(
          g.authenticate(
            req({ 'x-api-key': 'wrong-key-0123456789', authorization: `Bearer ${token}` }),
          ),
        ),
      ).toMatchObject({ status: 401 });
    });

    it('oidc alone refuses API keys, saying what to send', async () => {
      const g = guardFor({ ...oidcEnv(), ASSAY_API_KEYS: ACME_KEY });
      expect(await refusal(g.authenticate(req({ 'x-api-key': ACME_KEY })))).toEqual({
        status: 401,
        detail: expect.stringMatching(/does not include api_key.*OIDC ID token/),
      });
      expect(await refusal(g.authenticate(bearer(ACME_KEY)))).toEqual({
        status: 401,
        detail: expect.stringMatching(/not a JWT/),
      });
      expect(await refusal(g.authenticate(req()))).toEqual({
        status: 401,
        detail: expect.stringMatching(/^OIDC ID token required/),
      });
    });

    it('none: no credentials is the anonymous operator; any credentials sent must be valid', async () => {
      const g = guardFor({ ASSAY_AUTH: 'none,api_key', ASSAY_API_KEYS: ACME_KEY + ':acme' });
      await expect(g.authenticate(req())).resolves.toEqual({
        method: 'none',
        tenant: null,
        subject: 'anonymous',
      });
      await expect(g.authenticate(req({ 'x-api-key': ACME_KEY }))).resolves.toMatchObject({
        tenant: 'acme',
      });
      const wrong: Array<Record<string, string>> = [
        { 'x-api-key': 'wrong-key-0123456789' },
        { authorization: 'Bearer wrong-key-0123456789' },
        { authorization: 'Basic Og==' },
      ];
      for (const headers of wrong) {
        expect(await refusal(g.authenticate(req(headers)))).toMatchObject({ status: 401 });
      }
      const only = guardFor({ ASSAY_AUTH: 'none' });
      expect(await refusal(only.authenticate(bearer(await mintToken(key))))).toMatchObject({
        status: 401,
        detail: expect.stringMatching(/ASSAY_AUTH=none/),
      });
    });
  });
});
