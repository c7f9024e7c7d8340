import { Logger } from '@nestjs/common';
import { unlinkSync } from 'node:fs';
import { loadConfig } from '../../../src/common/config/app.config';
import {
  CallbackCredentials,
  CallbackCredentialsError,
} from '../../../src/modules/callbacks/callback-credentials';
import { waitFor } from '../../support/test-app';
import {
  GOOGLE_ISSUER,
  GOOGLE_TOKEN_URL,
  GoogleTokenEndpointStub,
  jwtClaims,
  redirectGoogleTokenUrl,
  ServiceAccountKeyFile,
  verifiedClaims,
} from './google-auth-stub';

const CALLBACK = 'http://127.0.0.1:8123/api/v2/internal/enrichment-callback/?page=1';
const ORIGIN = 'http://127.0.0.1:8123';

/** Everything CallbackCredentials logs, one string per call (the logger prints nothing). */
function captureLogs(): string[] {
  const lines: string[] = [];
  for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
  }
  return lines;
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const bearerToken = (header: string | null) => {
  expect(header).toMatch(/^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  return header!.slice('Bearer '.length);
};

describe('CallbackCredentials', () => {
  let logs: string[];
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends no Authorization header with CALLBACK_AUTH=none (the default)', async () => {
    await expect(new CallbackCredentials(loadConfig({})).authorization(CALLBACK)).resolves.toBe(
      null,
    );
  });

  it('sends the static token with CALLBACK_AUTH=bearer', async () => {
    const c = new CallbackCredentials(
      loadConfig({ CALLBACK_AUTH: 'bearer', CALLBACK_BEARER_TOKEN: 'static-token-123' }),
    );
    await expect(c.authorization(CALLBACK)).resolves.toBe('Bearer static-token-123');
  });

  it('refuses at start-up a bearer token with a line break or a "Bearer " prefix, without echoing it', () => {
    for (const token of ['static-token-123\n', 'Bearer static-token-123']) {
      let message = '';
      try {
        loadConfig({ CALLBACK_AUTH: 'bearer', CALLBACK_BEARER_TOKEN: token });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/CALLBACK_BEARER_TOKEN must be the token alone/);
      expect(message).not.toContain('static-token-123');
    }
  });

  describe('google_id_token with a service-account key file', () => {
    let endpoint: GoogleTokenEndpointStub;
    let account: ServiceAccountKeyFile;
    let redirect: ReturnType<typeof redirectGoogleTokenUrl>;

    beforeAll(async () => {
      account = new ServiceAccountKeyFile();
      endpoint = await new GoogleTokenEndpointStub(account).start();
      // The key file names the stub as its token_uri, as a test key file would...
      account.writeKeyFile(endpoint.url);
    });
    beforeEach(() => {
      endpoint.reset();
      // ...but the library ignores token_uri, so its fixed Google URL is rewritten to the stub.
      // (Installed per test: afterEach's restoreAllMocks removes it.)
      redirect = redirectGoogleTokenUrl(endpoint.url);
    });
    afterAll(async () => {
      await endpoint?.close();
      account?.remove();
    });

    const credentials = (env: Record<string, string> = {}) =>
      new CallbackCredentials(
        loadConfig({
          CALLBACK_AUTH: 'google_id_token',
          CALLBACK_ID_TOKEN_KEY_FILE: account.path,
          ...env,
        }),
      );

    it("mints a Google-signed ID token whose audience is the callback URL's origin", async () => {
      const token = bearerToken(await credentials().authorization(CALLBACK));

      expect(verifiedClaims(token, endpoint.googleKeys.publicKey)).toMatchObject({
        iss: GOOGLE_ISSUER,
        aud: ORIGIN,
        email: account.email,
        exp: expect.any(Number),
      });
      // What reached the token endpoint: a JWT-bearer grant signed with the key file's key
      // (the stub verified grant_type and the signature), asking for an ID token for the origin.
      expect(endpoint.hits).toBe(1);
      expect(endpoint.assertions).toEqual([
        expect.objectContaining({
          iss: account.email,
          aud: GOOGLE_TOKEN_URL,
          target_audience: ORIGIN,
        }),
      ]);
      // The library posted to Google's fixed URL, not to the key file's token_uri.
      expect(redirect.seen).toEqual([GOOGLE_TOKEN_URL]);
      expect(logs.join('\n')).not.toContain(token);
    });

    it('uses CALLBACK_ID_TOKEN_AUDIENCE when it is set', async () => {
      const c = credentials({ CALLBACK_ID_TOKEN_AUDIENCE: 'https://crm.example.com' });
      const token = bearerToken(await c.authorization(CALLBACK));
      expect(jwtClaims(token).aud).toBe('https://crm.example.com');
      expect(endpoint.assertions[0].target_audience).toBe('https://crm.example.com');
    });

    it('reuses a token per audience until it is due for refresh', async () => {
      const c = credentials();
      const first = await c.authorization(CALLBACK);
      expect(await c.authorization(`${ORIGIN}/other/path`)).toBe(first);
      expect(await c.authorization(CALLBACK)).toBe(first);
      expect(endpoint.hits).toBe(1);

      // Another origin is another audience: another token.
      const other = bearerToken(await c.authorization('http://127.0.0.1:9/cb'));
      expect(jwtClaims(other).aud).toBe('http://127.0.0.1:9');
      expect(endpoint.hits).toBe(2);
      expect(await c.authorization(CALLBACK)).toBe(first);
      expect(endpoint.hits).toBe(2);
    });

    it('mints again when the token expires within CALLBACK_ID_TOKEN_REFRESH_SECONDS', async () => {
      const c = credentials({ CALLBACK_ID_TOKEN_REFRESH_SECONDS: '300' });
      endpoint.ttlSeconds = 200; // inside the 300 s window from the start
      const short = await c.authorization(CALLBACK);
      expect(endpoint.hits).toBe(1);

      endpoint.ttlSeconds = 3600;
      const fresh = await c.authorization(CALLBACK);
      expect(endpoint.hits).toBe(2);
      expect(fresh).not.toBe(short);
      expect(await c.authorization(CALLBACK)).toBe(fresh);
      expect(endpoint.hits).toBe(2);

      // With a window of 0 s the same short-lived token is kept.
      const keep = credentials({ CALLBACK_ID_TOKEN_REFRESH_SECONDS: '0' });
      endpoint.ttlSeconds = 200;
      const kept = await keep.authorization(CALLBACK);
      expect(await keep.authorization(CALLBACK)).toBe(kept);
      expect(endpoint.hits).toBe(3);
    });

    it('shares one mint between concurrent requests for one audience', async () => {
      const c = credentials();
      endpoint.hold();
      const early = [1, 2, 3].map(() => c.authorization(CALLBACK));
      await waitFor(async () => endpoint.hits === 1, 'the token request to arrive', 10000);
      // Asked while the token request is in flight: they join it.
      const late = [4, 5].map(() => c.authorization(`${ORIGIN}/late`));
      endpoint.release();

      const all = await Promise.all([...early, ...late]);
      expect(new Set(all).size).toBe(1);
      bearerToken(all[0]);
      expect(endpoint.hits).toBe(1);
    });

    it('fails with a clear error that holds neither the assertion nor the key, and retries later', async () => {
      const c = credentials();
      let assertion = '';
      endpoint.failWith = {
        status: 400,
        body: (a) => {
          assertion = a; // a careless server that echoes what it got
          return { error: 'invalid_grant', error_description: `Invalid JWT Signature: ${a}` };
        },
      };
      const err = await rejectionOf(c.authorization(CALLBACK));

      expect(err).toBeInstanceOf(CallbackCredentialsError);
      expect(err.message).toMatch(
        /^could not mint an ID token for http:\/\/127\.0\.0\.1:8123: invalid_grant: Invalid JWT Signature: \[token\]$/,
      );
      expect(assertion).toMatch(/^eyJ/);
      const said = `${err.message}\n${logs.join('\n')}`;
      expect(said).not.toContain(assertion);
      expect(said).not.toContain(assertion.split('.')[2]);
      for (const line of keyLines(account.privateKeyPem)) expect(said).not.toContain(line);
      expect(logs.some((l) => l.includes('could not mint an ID token for'))).toBe(true);

      // A failure is not cached: the next delivery attempt mints again.
      endpoint.failWith = null;
      bearerToken(await c.authorization(CALLBACK));
      expect(endpoint.hits).toBe(2);
    });

    it('gives up on a token endpoint that does not answer within CALLBACK_TIMEOUT_MS', async () => {
      const c = credentials({ CALLBACK_TIMEOUT_MS: '300' });
      endpoint.hold();
      try {
        const err = await rejectionOf(c.authorization(CALLBACK));
        expect(err).toBeInstanceOf(CallbackCredentialsError);
        expect(err.message).toBe(
          `could not mint an ID token for ${ORIGIN}: no token within 300 ms (CALLBACK_TIMEOUT_MS)`,
        );
      } finally {
        endpoint.release();
      }
    });

    it('says what is wrong with a broken key file, without quoting it', async () => {
      const notJson = account.write('key.pem', account.privateKeyPem);
      const user = account.write('user.json', {
        type: 'authorized_user',
        client_id: 'x',
        client_secret: 'user-secret-value',
        refresh_token: 'user-refresh-token',
      });
      const gone = account.write('gone.json', '{}');
      const goneCredentials = credentials({ CALLBACK_ID_TOKEN_KEY_FILE: gone });
      unlinkSync(gone); // it existed at start-up (loadConfig checks that), not any more

      const cases: [CallbackCredentials, RegExp][] = [
        [credentials({ CALLBACK_ID_TOKEN_KEY_FILE: notJson }), /key\.pem\) is not JSON; give/],
        [
          credentials({ CALLBACK_ID_TOKEN_KEY_FILE: user }),
          /user\.json\) is not a service-account key .* use GOOGLE_APPLICATION_CREDENTIALS/,
        ],
        [goneCredentials, /gone\.json\) cannot be read \(ENOENT\); check the path/],
      ];
      for (const [c, expected] of cases) {
        const err = await rejectionOf(c.authorization(CALLBACK));
        expect(err).toBeInstanceOf(CallbackCredentialsError);
        expect(err.message).toMatch(/^could not mint an ID token for http:\/\/127\.0\.0\.1:8123: /);
        expect(err.message).toMatch(expected);
        for (const line of keyLines(account.privateKeyPem)) expect(err.message).not.toContain(line);
        expect(err.message).not.toMatch(/user-secret-value|user-refresh-token/);
      }
      expect(endpoint.hits).toBe(0);
    });
  });
});

/** The base64 lines of a PEM key (any of them in a message would be a leak). */
function keyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
}
