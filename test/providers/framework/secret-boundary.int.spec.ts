import { Injectable, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { REDACTED } from '../../../src/common/logging/redact';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderRequest,
  ProviderResult,
} from '../../../src/providers/core/enrichment-provider';
import { Provider } from '../../../src/providers/core/provider.decorator';
import { ProviderClient } from '../../../src/providers/core/provider-client';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { startTestApp, TestApp } from '../../support/test-app';
import { failure } from '../../support/adapters';

const KEY = `leaky-${randomBytes(12).toString('hex')}`;
const OTHER_KEY = `other-${randomBytes(12).toString('hex')}`;
const BEARER = `cb-${randomBytes(12).toString('hex')}`;

/**
 * An adapter written with no thought for secrets (as a future one may be): it throws whatever
 * the "vendor" said, its own key and others' included, as a ProviderError, a raw SDK-style error
 * or a ProviderError whose cause carries the vendor's body and headers.
 */
@Provider({
  id: 'leaky',
  capabilities: ['company.profile'],
  cost: { perCallUsd: 0 },
  rateLimits: {},
  cacheTtlSeconds: 0,
})
@Injectable()
class LeakyProvider extends EnrichmentProvider {
  call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const key = ctx.settings.apiKey!;
    const basic = Buffer.from(`api:${key}`).toString('base64');
    switch ((request.input as { mode: string }).mode) {
      case 'sdk':
        // Not a ProviderError: an SDK's own error, with the request's headers and the body.
        throw Object.assign(new Error(`401 Incorrect API key provided: ${key}`), {
          status: 401,
          headers: { authorization: `Bearer ${key}` },
          error: { message: `Incorrect API key provided: ${key}` },
        });
      case 'cause':
        throw new ProviderError('AUTH', `leaky 401: ${key} (Basic ${basic})`, {
          status: 401,
          cause: Object.assign(new Error(`GET /v1/x?api_key=${encodeURIComponent(key)}`), {
            code: 'E_AUTH',
            body: key,
          }),
        });
      default:
        throw new ProviderError(
          'AUTH',
          `leaky 403: also not ${OTHER_KEY}, nor the callback token ${BEARER}`,
          { status: 403 },
        );
    }
  }
}

@Module({ providers: [LeakyProvider] })
class LeakyModule {}

/**
 * The call path redacts every configured secret from every adapter's failure before the ledger,
 * the caller (task results, callbacks, API answers) or a log sees it: no adapter code involved.
 */
describe('secrets at the provider boundary (booted app, real Postgres)', () => {
  let t: TestApp;
  let client: ProviderClient;

  const lookup = (mode: string) => ({
    capability: 'company.profile' as const,
    operation: 'lookup',
    input: { mode, n: randomBytes(4).toString('hex') },
  });
  /** Everything of an error that may be logged or stored. */
  const dump = (e: Error): string => {
    const parts: unknown[] = [];
    for (let c: unknown = e, i = 0; c && i < 6; c = (c as Error).cause, i++) {
      const x = c as Error;
      parts.push(x.message, x.stack, Object.entries(x));
    }
    return JSON.stringify(parts);
  };
  const ledgerErrors = async (): Promise<string> =>
    JSON.stringify(
      await t.app
        .get(DataSource)
        .query(`SELECT error_message FROM provider_calls WHERE provider = 'leaky'`),
    );

  beforeAll(async () => {
    t = await startTestApp(
      {
        LEAKY_API_KEY: KEY,
        // Another provider's key (which this one has no business knowing) and a platform secret.
        OTHER_VENDOR_API_KEY: OTHER_KEY,
        CALLBACK_AUTH: 'bearer',
        CALLBACK_BEARER_TOKEN: BEARER,
        PROVIDER_RETRY_ATTEMPTS: '1',
      },
      [LeakyModule],
    );
    client = t.app.get(ProviderClient);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('redacts a ProviderError, its stack and its cause (URL-encoded key, Basic credential)', async () => {
    const e = await failure(client.call('leaky', lookup('cause')));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ code: 'AUTH', status: 401, providerId: 'leaky', retryable: false });
    expect(e.message).toBe(`leaky 401: ${REDACTED} (Basic ${REDACTED})`);
    expect((e.cause as Error & { code?: string }).code).toBe('E_AUTH');
    expect(dump(e)).not.toContain(KEY);
    expect(dump(e)).not.toContain(encodeURIComponent(KEY));
  });

  it("redacts an SDK's raw error (normalised to UNKNOWN) and drops its headers and body", async () => {
    const e = await failure(client.call('leaky', lookup('sdk')));
    expect(e).toMatchObject({ code: 'UNKNOWN', providerId: 'leaky' });
    expect(e.message).toBe(`leaky: 401 Incorrect API key provided: ${REDACTED}`);
    expect(dump(e)).not.toContain(KEY);
  });

  it("redacts other configured secrets too: another provider's key, the callback token", async () => {
    const e = await failure(client.call('leaky', lookup('others')));
    expect(e.message).toBe(`leaky 403: also not ${REDACTED}, nor the callback token ${REDACTED}`);
  });

  it('records the redacted messages in the ledger and in waterfall steps', async () => {
    const w = await client.waterfall('company.profile', {
      operation: 'lookup',
      input: { mode: 'cause' },
    });
    expect(w.steps).toEqual([
      expect.objectContaining({ provider: 'leaky', outcome: 'AUTH', error: expect.any(String) }),
    ]);
    expect(JSON.stringify(w)).not.toContain(KEY);
    const ledger = await ledgerErrors();
    expect(ledger).toContain(REDACTED);
    for (const s of [KEY, OTHER_KEY, BEARER]) expect(ledger).not.toContain(s);
  });
});
