import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import type { EmailVerifyResult } from '../../src/providers/email/email.types';
import { HUNTER_USD_PER_VERIFICATION } from '../../src/providers/hunter/hunter.metadata';
import { HunterProvider } from '../../src/providers/hunter/hunter.provider';
import { providerEnvProblems } from '../../src/providers/provider-modules';
import { adapterAt, failure } from '../support/adapters';
import { fixture, VendorStub } from '../support/vendor-stub';

const KEY = 'hunter-test-key-9a41d7';

const hunterAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new HunterProvider(), {
    HUNTER_API_KEY: KEY,
    HUNTER_BASE_URL: baseUrl,
    HUNTER_VERIFY_POLL_MS: '0',
    ...env,
  });

const verify = (...emails: string[]): ProviderRequest => ({
  capability: 'email.verify',
  input: { emails },
});

const results = (r: { data: unknown }) => (r.data as EmailVerifyResult).results;

describe('Hunter email.verify adapter (against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('asks email-verifier with the key in X-API-KEY (never in the URL) and maps a valid address', async () => {
    stub.reply({ json: fixture('hunter', 'email-verifier-valid') });
    const before = Date.now();
    const r = await hunterAt(`${stub.url}/v2`).call(verify('Patrick@Stripe.com'));

    const req = stub.requests[0];
    expect(req.path).toBe('/v2/email-verifier?email=Patrick%40Stripe.com');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(stub.requests.every((q) => !q.path.includes(KEY) && !q.path.includes('api_key'))).toBe(
      true,
    );

    const [v] = results(r);
    expect(v).toMatchObject({
      email: 'Patrick@Stripe.com',
      normalized: 'patrick@stripe.com',
      status: 'deliverable',
      reasons: [],
      score: 100,
      smtp: null,
      mx: [],
      catch_all: false,
      provider: 'hunter',
    });
    expect(Date.parse(v.verified_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(r).toMatchObject({ found: true, usage: { results: 1 } });
    expect(r.costUsd).toBeCloseTo(HUNTER_USD_PER_VERIFICATION, 8);
  });

  it.each([
    // [Hunter status, our status, reasons, charged]
    ['invalid', 'undeliverable', ['mailbox_not_found'], true],
    ['accept_all', 'risky', ['accept_all'], true],
    ['webmail', 'deliverable', ['free_provider'], true],
    ['disposable', 'risky', ['disposable'], false],
    ['unknown', 'unknown', ['smtp_blocked'], false],
  ])('status %s → %s %j (charged: %s)', async (hunter, status, reasons, charged) => {
    const body = fixture('hunter', `email-verifier-${hunter}`);
    stub.reply({ json: body });
    const r = await hunterAt(stub.url).call(verify(body.data.email));
    const [v] = results(r);
    expect(v).toMatchObject({ email: body.data.email, status, reasons });
    expect(v.score).toBe(body.data.score ?? 0);
    expect(v.catch_all).toBe(body.data.accept_all);
    expect(r.usage).toEqual({ results: charged ? 1 : 0 });
    expect(r.found).toBe(status !== 'unknown');
  });

  it('a webmail address Hunter could not confirm is risky; a catch-all is never deliverable', async () => {
    const webmail = fixture('hunter', 'email-verifier-webmail');
    webmail.data.smtp_check = null;
    webmail.data.result = 'risky';
    const valid = fixture('hunter', 'email-verifier-valid');
    valid.data.accept_all = true;
    stub.reply({ json: webmail }, { json: valid });
    const r = await hunterAt(stub.url).call(verify('jane.doe@gmail.com', 'patrick@stripe.com'));
    expect(results(r).map((v) => [v.status, v.reasons])).toEqual([
      ['risky', ['free_provider']],
      ['risky', ['accept_all']],
    ]);
  });

  it('answers positionally, one request per address; an address that does not parse costs no request', async () => {
    stub.reply(
      { json: fixture('hunter', 'email-verifier-invalid') },
      { json: fixture('hunter', 'email-verifier-valid') },
    );
    const r = await hunterAt(stub.url).call(
      verify('nobody.here@stripe.com', 'not-an-address', 'patrick@stripe.com'),
    );
    expect(results(r).map((v) => [v.email, v.status, v.reasons])).toEqual([
      ['nobody.here@stripe.com', 'undeliverable', ['mailbox_not_found']],
      ['not-an-address', 'undeliverable', ['invalid_syntax']],
      ['patrick@stripe.com', 'deliverable', []],
    ]);
    expect(results(r)[1].normalized).toBeNull();
    expect(stub.requests.map((q) => q.path)).toEqual([
      '/email-verifier?email=nobody.here%40stripe.com',
      '/email-verifier?email=patrick%40stripe.com',
    ]);
    expect(r.usage).toEqual({ results: 2 });
    expect(r.costUsd).toBeCloseTo(2 * HUNTER_USD_PER_VERIFICATION, 8);
  });

  it('202 "in progress" is asked again after HUNTER_VERIFY_POLL_MS, then the 200 counts', async () => {
    stub.reply(
      { status: 202, json: {} },
      { status: 202, json: {} },
      { json: fixture('hunter', 'email-verifier-valid') },
    );
    const r = await hunterAt(stub.url, { HUNTER_VERIFY_POLL_MS: '40' }).call(
      verify('patrick@stripe.com'),
    );
    expect(results(r)[0].status).toBe('deliverable');
    expect(stub.requests.map((q) => q.path)).toEqual(
      Array(3).fill('/email-verifier?email=patrick%40stripe.com'),
    );
    const gaps = stub.requests.slice(1).map((q, i) => q.at - stub.requests[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35);
    expect(r.usage).toEqual({ results: 1 });
  });

  it('202 forever: gives up after HUNTER_VERIFY_MAX_POLLS requests, TEMPORARY (asked again later)', async () => {
    stub.reply(...Array.from({ length: 3 }, () => ({ status: 202, json: {} })));
    const err = await failure(
      hunterAt(stub.url, { HUNTER_VERIFY_MAX_POLLS: '3' }).call(verify('slow@stripe.com')),
    );
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 202 });
    expect(err.message).toContain('HUNTER_VERIFY_MAX_POLLS');
    expect(stub.requests).toHaveLength(3);
  });

  it('a cancel while waiting between polls ends the call at once', async () => {
    stub.reply({ status: 202, json: {} });
    const abort = new AbortController();
    const call = hunterAt(stub.url, { HUNTER_VERIFY_POLL_MS: '60000' }).call(
      verify('slow@stripe.com'),
      abort.signal,
    );
    await stub.received(1);
    abort.abort();
    expect(await failure(call)).toMatchObject({ code: 'TEMPORARY' });
    expect(stub.requests).toHaveLength(1);
  });

  it('222 (remote SMTP failed) and 451 (restricted) are that address’s unknown verdict, free', async () => {
    stub.reply(
      { status: 222, json: {} },
      {
        status: 451,
        json: {
          errors: [{ id: 'restricted', code: 451, details: 'Unavailable for legal reasons' }],
        },
      },
      { json: fixture('hunter', 'email-verifier-valid') },
    );
    const r = await hunterAt(stub.url).call(
      verify('a@smtp-down.example', 'opted.out@acme.com', 'patrick@stripe.com'),
    );
    expect(results(r).map((v) => [v.email, v.status, v.reasons, v.score])).toEqual([
      ['a@smtp-down.example', 'unknown', ['smtp_error'], 0],
      ['opted.out@acme.com', 'unknown', ['restricted'], 0],
      ['patrick@stripe.com', 'deliverable', [], 100],
    ]);
    expect(r).toMatchObject({ found: true, usage: { results: 1 } });
  });

  it('401, 402 and 429 on an address fail the call with their codes; 5xx is TEMPORARY', async () => {
    const err = (code: number, details: string) => ({ errors: [{ id: 'e', code, details }] });
    stub.reply(
      { status: 401, json: err(401, 'No valid API key provided') },
      { status: 402, json: err(402, 'Please upgrade') },
      { status: 429, headers: { 'retry-after': '2' }, json: err(429, 'Too many requests') },
      { status: 500, json: err(500, 'Internal error') },
    );
    const { call } = hunterAt(stub.url);
    const ask = () => failure(call(verify('x@acme.com')));
    expect(await ask()).toMatchObject({ code: 'AUTH', retryable: false });
    expect(await ask()).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    expect(await ask()).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 2000 });
    expect(await ask()).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 500 });
  });

  it('refuses an empty or oversized list before any call; worst case prices every address', async () => {
    const { call, adapter, settings } = hunterAt(stub.url);
    expect(await failure(call(verify()))).toMatchObject({ code: 'BAD_INPUT' });
    const many = Array.from({ length: 51 }, (_, i) => `p${i}@acme.com`);
    expect(await failure(call(verify(...many)))).toMatchObject({ code: 'BAD_INPUT' });
    expect(stub.requests).toHaveLength(0);
    expect(adapter.estimateMaxCostUsd(verify('a@b.com', 'c@d.com'), settings.cost)).toBeCloseTo(
      2 * HUNTER_USD_PER_VERIFICATION,
      8,
    );
  });

  it('bad HUNTER_VERIFY_* values stop the start, named with the platform’s settings', () => {
    expect(
      providerEnvProblems({ HUNTER_VERIFY_MAX_POLLS: '0', HUNTER_VERIFY_POLL_MS: 'soon' }),
    ).toEqual([
      'HUNTER_VERIFY_POLL_MS must be a whole number ≥ 0 (got "soon")',
      'HUNTER_VERIFY_MAX_POLLS must be a whole number ≥ 1 (got "0")',
    ]);
    expect(() => hunterAt(stub.url, { HUNTER_VERIFY_MAX_POLLS: '2.5' })).toThrow(
      'HUNTER_VERIFY_MAX_POLLS must be a whole number ≥ 1 (got "2.5")',
    );
  });
});
