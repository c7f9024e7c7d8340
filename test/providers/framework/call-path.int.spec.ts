import request from 'supertest';
import { ProviderClient } from '../../../src/providers/core/provider-client';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { RateLimiter } from '../../../src/providers/core/rate-limiter';
import { TestApp, waitFor } from '../../support/test-app';
import { api, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, VendorStub } from '../../support/vendor-stub';
import { failure } from '../../support/adapters';

/**
 * The call path against a local vendor that misbehaves on purpose: 5xx (retried, transient only),
 * 4xx (not retried), 429 + Retry-After (shared pause, no attempt used), hangs and slow bodies
 * (the timeout aborts the HTTP call), invalid JSON (an error code, not a crash).
 */
describe('provider call path against a misbehaving vendor', () => {
  let stub: VendorStub;
  let t: TestApp;
  let client: ProviderClient;

  const ids = { main: 'cp_main', paced: 'cp_paced', r429: 'cp_429', shared: 'cp_shared' };
  const lookup = (domain: string) => ({
    capability: 'company.profile' as const,
    operation: 'lookup',
    input: { domain },
  });

  beforeAll(async () => {
    stub = await VendorStub.start(lookupVendor);
    t = await startProviderApp(
      {
        ...stubEnv(stub.url, ids.main, { CP_MAIN_TIMEOUT_MS: '400' }),
        ...stubEnv(stub.url, ids.paced, { CP_PACED_TIMEOUT_MS: '300' }),
        ...stubEnv(stub.url, ids.r429),
        ...stubEnv(stub.url, ids.shared),
        PROVIDER_RETRY_ATTEMPTS: '3',
        PROVIDER_RETRY_BASE_MS: '20',
        PROVIDER_BREAKER_THRESHOLD: '1000',
      },
      [
        { id: ids.main },
        { id: ids.paced, rateLimits: { perSecond: 2 } },
        { id: ids.r429 },
        { id: ids.shared },
      ],
    );
    client = t.app.get(ProviderClient);
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });
  beforeEach(() => stub.reset());

  it('retries 5xx with backoff until the vendor answers, recording the attempts', async () => {
    stub.reply({ status: 500 }, { status: 503 });
    const o = await client.call(ids.main, lookup(uniq('retry')));
    expect(o).toMatchObject({ found: true, cached: false, costUsd: 0.01 });
    const seen = stub.to(`/${ids.main}/`);
    expect(seen.map((r) => r.status)).toEqual([500, 503, 200]);
    // Backoff: the attempts are spaced, not fired back to back.
    expect(seen[1].at).toBeGreaterThan(seen[0].at);
    const [row] = await api(t)
      .ledger({ provider: ids.main })
      .then((r) => r.slice(-1));
    expect(row).toMatchObject({ outcome: 'ok', attempts: 3, cached: false, cost_usd: 0.01 });
  });

  it('gives up after PROVIDER_RETRY_ATTEMPTS transient failures with TEMPORARY and costs nothing', async () => {
    stub.reply({ status: 500 }, { status: 502 }, { status: 500 }, { status: 200 });
    const e = await failure(client.call(ids.main, lookup(uniq('exhaust'))));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ code: 'TEMPORARY', retryable: true, providerId: ids.main });
    expect(stub.to(`/${ids.main}/`)).toHaveLength(3);
    const [row] = (await api(t).ledger({ provider: ids.main })).slice(-1);
    expect(row).toMatchObject({ outcome: 'TEMPORARY', attempts: 3, cost_usd: 0 });
  });

  it('does not retry a 400 (BAD_INPUT) or a 401 (AUTH)', async () => {
    stub.reply({ status: 400, json: { error: 'bad domain' } });
    expect(await failure(client.call(ids.main, lookup(uniq('bad'))))).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    stub.reply({ status: 401 });
    expect(await failure(client.call(ids.main, lookup(uniq('auth'))))).toMatchObject({
      code: 'AUTH',
      retryable: false,
    });
    expect(stub.to(`/${ids.main}/`).map((r) => r.status)).toEqual([400, 401]);
  });

  it('treats "not found" as a result, not a failure', async () => {
    const o = await client.call(ids.main, lookup(uniq('missing')));
    expect(o).toMatchObject({ found: false, data: null, cached: false });
    const [row] = (await api(t).ledger({ provider: ids.main })).slice(-1);
    expect(row.outcome).toBe('not_found');
  });

  it('waits out a 429 Retry-After without using a retry attempt', async () => {
    // Two 429s then two 500s: with 3 attempts the call can only succeed if the 429s used none.
    stub.reply(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 500 },
      { status: 500 },
    );
    const o = await client.call(ids.r429, lookup(uniq('429')));
    expect(o.found).toBe(true);
    const seen = stub.to(`/${ids.r429}/`);
    expect(seen.map((r) => r.status)).toEqual([429, 429, 500, 500, 200]);
    // The call after the first 429 came Retry-After (1 s) later (less the stub's own timestamp
    // lag on a busy machine; without the wait it would come within a few ms).
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(900);
  });

  it('shares the pause of a 429: another app instance on the same Redis waits too', async () => {
    const other = await startProviderApp(
      { ...stubEnv(stub.url, ids.shared), REDIS_PREFIX: t.config.REDIS_PREFIX },
      [{ id: ids.shared }],
    );
    try {
      // A pause long enough that a loaded machine still checks within it.
      stub.reply({ status: 429, headers: { 'retry-after': '8' } });
      const first = client.call(ids.shared, lookup(uniq('first')));
      // The other instance sees the pause in the shared limiter state…
      const limiter = other.app.get(RateLimiter);
      await waitFor(
        async () => (await limiter.state(ids.shared, {})).paused_for_ms > 0,
        'the 429 pause to reach Redis',
      );
      const pauseEnd = stub.to(`/${ids.shared}/`)[0].at + 8000;
      expect(Date.now()).toBeLessThan(pauseEnd);
      // …and its own call, started during the pause, reaches the vendor only after it.
      const second = other.app.get(ProviderClient).call(ids.shared, lookup(uniq('second')));
      await Promise.all([first, second]);
      const seen = stub.to(`/${ids.shared}/`);
      expect(seen.map((r) => r.status)).toEqual([429, 200, 200]);
      for (const r of seen.slice(1)) expect(r.at).toBeGreaterThanOrEqual(pauseEnd - 100);
    } finally {
      await other.close();
    }
  });

  it('aborts a hanging call at the timeout: the vendor sees the socket close', async () => {
    stub.reply({ hang: true }, { hang: true }, { hang: true });
    const started = Date.now();
    const e = await failure(client.call(ids.main, lookup(uniq('hang'))));
    expect(e).toMatchObject({ code: 'TEMPORARY' });
    expect(e.message).toMatch(/did not answer within 400 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 400 - 10);
    const seen = stub.to(`/${ids.main}/`);
    expect(seen).toHaveLength(3);
    await waitFor(async () => seen.every((r) => r.aborted), 'the vendor to see every socket close');
    for (const r of seen) expect(r.closedAt! - r.at).toBeGreaterThanOrEqual(300);
  });

  it('aborts a body that trickles past the timeout, and accepts one that ends in time', async () => {
    const slow = { slowBody: { chunks: 10, everyMs: 100 } };
    stub.reply(slow, slow, slow);
    expect(await failure(client.call(ids.main, lookup(uniq('slow'))))).toMatchObject({
      code: 'TEMPORARY',
    });
    const seen = stub.to(`/${ids.main}/`);
    await waitFor(async () => seen.every((r) => r.aborted), 'the vendor to see the aborts');

    stub.reset();
    stub.reply({ slowBody: { chunks: 3, everyMs: 50 } });
    const o = await client.call(ids.main, lookup(uniq('slow-ok')));
    expect(o.found).toBe(true);
    expect(stub.to(`/${ids.main}/`)).toHaveLength(1);
  });

  it('turns invalid JSON into an error code, records it, and keeps serving', async () => {
    const junk = { raw: '{"company": {"domain": "x' };
    stub.reply(junk, junk, junk);
    const e = await failure(client.call(ids.main, lookup(uniq('junk'))));
    expect(e).toMatchObject({ code: 'TEMPORARY' });
    expect(e.message).toMatch(/invalid JSON/);
    const [row] = (await api(t).ledger({ provider: ids.main })).slice(-1);
    expect(row).toMatchObject({ outcome: 'TEMPORARY', attempts: 3, cost_usd: 0 });
    expect(row.error_message).toMatch(/invalid JSON/);
    await request(t.app.getHttpServer()).get('/health').expect(200);
  });

  it('never counts a wait for a rate-limit slot against the timeout (no extra paid calls)', async () => {
    // 2 calls/s and a 300 ms timeout: the 4th call waits ~1.5 s for its slot, then answers.
    const calls = Array.from({ length: 4 }, (_, i) =>
      client.call(ids.paced, lookup(uniq(`p${i}`))),
    );
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o.found)).toBe(true);
    const seen = stub.to(`/${ids.paced}/`);
    expect(seen).toHaveLength(4);
    const rows = (await api(t).ledger({ provider: ids.paced })).slice(-4);
    expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
    // Spaced by the limiter: 4 calls at 2/s span ~1.5 s (not a few ms).
    expect(seen[3].at - seen[0].at).toBeGreaterThanOrEqual(1200);
  });
});
