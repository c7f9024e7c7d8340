import { Logger } from '@nestjs/common';
import { resetIsAvailableCache } from 'gcp-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/common/config/app.config';
import {
  CallbackCredentials,
  CallbackCredentialsError,
} from '../../../src/modules/callbacks/callback-credentials';
import { closedPort, GOOGLE_ISSUER, MetadataServerStub, verifiedClaims } from './google-auth-stub';

/**
 * Application Default Credentials without a key file, on "GCE / Cloud Run": gcp-metadata reads
 * GCE_METADATA_HOST on every request, so a local stub stands in for the metadata server.
 */
describe('CallbackCredentials with Application Default Credentials (metadata server)', () => {
  const ENV = [
    'GCE_METADATA_HOST',
    'GCE_METADATA_IP',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'google_application_credentials',
    'CLOUDSDK_CONFIG',
    'METADATA_SERVER_DETECTION',
  ];
  const saved: Record<string, string | undefined> = {};
  let metadata: MetadataServerStub;
  let emptyGcloudDir: string;

  beforeAll(async () => {
    for (const name of ENV) saved[name] = process.env[name];
    metadata = await new MetadataServerStub().start();
    // No key file in the environment, and no gcloud ADC file of whoever runs the tests.
    emptyGcloudDir = mkdtempSync(join(tmpdir(), 'assay-gcloud-'));
    for (const name of ENV) delete process.env[name];
    process.env.CLOUDSDK_CONFIG = emptyGcloudDir;
    process.env.GCE_METADATA_HOST = metadata.host;
  });
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    // gcp-metadata remembers, per process, whether a metadata server answered.
    resetIsAvailableCache();
    metadata.identityStatus = 200;
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    for (const name of ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    resetIsAvailableCache();
    await metadata?.close();
    if (emptyGcloudDir) rmSync(emptyGcloudDir, { recursive: true, force: true });
  });

  const credentials = () =>
    new CallbackCredentials(loadConfig({ CALLBACK_AUTH: 'google_id_token' }));

  it("mints the ID token from the metadata server's identity endpoint, once per audience", async () => {
    const c = credentials();
    const header = await c.authorization('http://127.0.0.1:8123/hooks/assay/?x=1');
    expect(header).toMatch(/^Bearer eyJ/);
    const token = header!.slice('Bearer '.length);
    expect(verifiedClaims(token, metadata.googleKeys.publicKey)).toMatchObject({
      iss: GOOGLE_ISSUER,
      aud: 'http://127.0.0.1:8123',
      email: metadata.email,
    });
    const [identity] = metadata.identityRequests();
    expect(identity.flavor).toBe('Google');
    expect(identity.query.get('audience')).toBe('http://127.0.0.1:8123');
    expect(identity.query.get('format')).toBe('full');
    // Every request the library made carried Metadata-Flavor: Google.
    expect(metadata.requests.every((r) => r.flavor === 'Google')).toBe(true);

    expect(await c.authorization('http://127.0.0.1:8123/other')).toBe(header);
    expect(metadata.identityRequests()).toHaveLength(1);
  });

  it('fails with a clear error when the identity endpoint refuses', async () => {
    metadata.identityStatus = 403;
    const err = await rejection(credentials().authorization('http://127.0.0.1:8124/cb'));
    expect(err).toBeInstanceOf(CallbackCredentialsError);
    expect(err.message).toMatch(
      /^could not mint an ID token for http:\/\/127\.0\.0\.1:8124: Could not fetch ID token: /,
    );
  });

  it('says how to fix a missing Application Default Credentials', async () => {
    process.env.GCE_METADATA_HOST = `127.0.0.1:${await closedPort()}`;
    try {
      const err = await rejection(credentials().authorization('http://127.0.0.1:8125/cb'));
      expect(err).toBeInstanceOf(CallbackCredentialsError);
      expect(err.message).toMatch(
        /^could not mint an ID token for http:\/\/127\.0\.0\.1:8125: Application Default Credentials: Could not load the default credentials.*; set CALLBACK_ID_TOKEN_KEY_FILE or GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run on GCE \/ Cloud Run$/,
      );
    } finally {
      process.env.GCE_METADATA_HOST = metadata.host;
    }
  });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
