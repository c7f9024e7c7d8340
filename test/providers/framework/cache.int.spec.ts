import { DataSource } from 'typeorm';
import { ProviderClient } from '../../../src/providers/core/provider-client';
import { TestApp } from '../../support/test-app';
import { api, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, VendorStub } from '../../support/vendor-stub';

/**
 * The response cache, seen from tasks: a second identical call is a free, marked hit; a refresh
 * (bypass) from another task pays again; a task never pays twice for the same lookup, with or
 * without bypass, and even for providers that do not cache (TTL 0).
 */
describe('provider response cache', () => {
  let stub: VendorStub;
  let t: TestApp;
  const shared = 'ca_shared';
  const nottl = 'ca_nottl';
  const vendorCalls = (id: string) => stub.to(`/${id}/`).length;

  beforeAll(async () => {
    stub = await VendorStub.start(lookupVendor);
    t = await startProviderApp({ ...stubEnv(stub.url, shared), ...stubEnv(stub.url, nottl) }, [
      { id: shared, cacheTtlSeconds: 3600 },
      { id: nottl, cacheTtlSeconds: 0 },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('answers a second identical call from the cache: no vendor call, marked, free', async () => {
    const domain = uniq('acme');
    const steps = [{ stage: 'lookup', provider: shared, domain }];
    const first = await api(t).run({ steps });
    expect(first.status).toBe('succeeded');
    expect(first.result.lookup).toMatchObject({ found: true, cached: false, cost_usd: 0.01 });
    expect(vendorCalls(shared)).toBe(1);

    const second = await api(t).run({ steps });
    expect(second.status).toBe('succeeded');
    expect(second.result.lookup).toMatchObject({ found: true, cached: true, cost_usd: 0 });
    expect(second.result.lookup.data).toEqual(first.result.lookup.data);
    expect(vendorCalls(shared)).toBe(1);
    expect(second.cost_usd).toBe(0);
    expect(await api(t).ledger({ taskId: second.job_id })).toEqual([
      expect.objectContaining({
        provider: shared,
        stage: 'lookup',
        outcome: 'cache_hit',
        cached: true,
        cost_usd: 0,
        attempts: 0,
      }),
    ]);
    expect(first.cost_usd).toBe(0.01);
    expect(await api(t).metrics()).toMatch(
      new RegExp(
        `assay_provider_cache_hits_total\\{provider="${shared}",operation="lookup"\\} [1-9]`,
      ),
    );
  });

  it("an answer's own shorter cache lifetime is kept (never a longer one); 0 shares it with no other task", async () => {
    const ttlOf = async (domain: string) => {
      const [row] = await t.app.get(DataSource).query(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM provider_cache
          WHERE provider = $1 AND operation = 'lookup' AND response->'data'->>'domain' = $2`,
        [shared, domain],
      );
      return row?.ttl as number | undefined;
    };
    const answer = (domain: string, ttl: number) => ({
      status: 200,
      json: { company: { domain, legal_name: domain }, cache_ttl_seconds: ttl },
    });
    const short = uniq('short');
    stub.reply(answer(short, 60));
    await api(t).run({ steps: [{ stage: 'lookup', provider: shared, domain: short }] });
    expect(await ttlOf(short)).toBe(60);

    const long = uniq('long');
    stub.reply(answer(long, 999_999));
    await api(t).run({ steps: [{ stage: 'lookup', provider: shared, domain: long }] });
    expect(await ttlOf(long)).toBe(3600);

    const none = uniq('none');
    stub.reply(answer(none, 0));
    const steps = [{ stage: 'lookup', provider: shared, domain: none }];
    await api(t).run({ steps });
    const before = vendorCalls(shared);
    const again = await api(t).run({ steps });
    expect(again.result.lookup).toMatchObject({ cached: false });
    expect(vendorCalls(shared)).toBe(before + 1);
  });

  it('a refresh (bypass) from another task calls the vendor again', async () => {
    const domain = uniq('refresh');
    const steps = [{ stage: 'lookup', provider: shared, domain }];
    await api(t).run({ steps });
    const before = vendorCalls(shared);
    const refreshed = await api(t).run({ steps, refresh: true });
    expect(refreshed.result.lookup).toMatchObject({ cached: false, cost_usd: 0.01 });
    expect(vendorCalls(shared)).toBe(before + 1);
  });

  it('a bypassing task reuses its own paid answer instead of paying twice', async () => {
    const domain = uniq('own');
    const before = vendorCalls(shared);
    const done = await api(t).run({
      refresh: true,
      steps: [
        { stage: 'first', provider: shared, domain },
        { stage: 'again', provider: shared, domain },
      ],
    });
    expect(done.result.first).toMatchObject({ cached: false, cost_usd: 0.01 });
    expect(done.result.again).toMatchObject({ cached: true, cost_usd: 0 });
    expect(vendorCalls(shared)).toBe(before + 1);
    expect(done.cost_usd).toBe(0.01);
  });

  it("keeps a bypassing task's answer even after another bypassing task replaced the shared entry", async () => {
    // Two real task rows (budgets are reserved against them), then calls made in their names.
    const [a, b] = await Promise.all([api(t).run({ steps: [] }), api(t).run({ steps: [] })]);
    const client = t.app.get(ProviderClient);
    const req = {
      capability: 'company.profile' as const,
      operation: 'lookup',
      input: { domain: uniq('race') },
    };
    const before = vendorCalls(shared);
    await client.call(shared, req, { taskId: a.job_id, bypassCache: true });
    await client.call(shared, req, { taskId: b.job_id, bypassCache: true });
    expect(vendorCalls(shared)).toBe(before + 2);
    // Task A retries its stage, still bypassing: its own paid answer must be found.
    const retried = await client.call(shared, req, { taskId: a.job_id, bypassCache: true });
    expect(retried).toMatchObject({ cached: true, costUsd: 0 });
    expect(vendorCalls(shared)).toBe(before + 2);
  });

  it('a provider with TTL 0 shares nothing across tasks but never bills one task twice', async () => {
    const domain = uniq('nottl');
    const steps = [
      { stage: 'one', provider: nottl, domain },
      { stage: 'two', provider: nottl, domain },
    ];
    const first = await api(t).run({ steps });
    expect(first.result.one).toMatchObject({ cached: false, cost_usd: 0.01 });
    expect(first.result.two).toMatchObject({ cached: true, cost_usd: 0 });
    expect(vendorCalls(nottl)).toBe(1);

    const second = await api(t).run({ steps });
    expect(second.result.one).toMatchObject({ cached: false });
    expect(second.result.two).toMatchObject({ cached: true });
    expect(vendorCalls(nottl)).toBe(2);

    // Nothing of it landed under the shared key: only task-scoped entries exist for it.
    const sharedKey = ProviderClient.fingerprint(nottl, 'lookup', { domain });
    const rows = await t.app
      .get(DataSource)
      .query(`SELECT key, task_id FROM provider_cache WHERE provider = $1`, [nottl]);
    expect(rows.map((r: { key: string }) => r.key)).not.toContain(sharedKey);
    expect(
      rows.filter((r: { task_id: string }) => [first.job_id, second.job_id].includes(r.task_id)),
    ).toHaveLength(2);
  });

  it('an answer with a NUL character or a lone surrogate is stored cleaned: the task succeeds, the next one hits the cache', async () => {
    const domain = uniq('nul-');
    const steps = [{ stage: 'lookup', provider: shared, domain }];
    const first = await api(t).run({ steps });
    expect(first.status).toBe('succeeded');
    expect(first.result.lookup).toMatchObject({ found: true, cached: false });
    expect(first.result.lookup.data.name).toBe(`Company of ${domain}\ufffd`);
    const second = await api(t).run({ steps });
    expect(second.result.lookup).toMatchObject({ found: true, cached: true, cost_usd: 0 });
    expect(second.result.lookup.data).toEqual(first.result.lookup.data);
  });

  it('an answer whose cache row cannot be written is still returned, charged and recorded, not cached', async () => {
    const domain = `${uniq('refused')}.example`;
    const key = ProviderClient.fingerprint(shared, 'lookup', { domain });
    const ds = t.app.get(DataSource);
    // This one key is refused by the table (as a row PostgreSQL cannot take would be); the ledger
    // row is written in the same statement, so it is written again without the cache row.
    await ds.query(`ALTER TABLE provider_cache ADD CONSTRAINT refuse_one CHECK (key <> '${key}')`);
    try {
      const client = t.app.get(ProviderClient);
      const call = () =>
        client.call(shared, {
          capability: 'company.profile',
          operation: 'lookup',
          input: { domain },
        });
      const calls = vendorCalls(shared);
      expect(await call()).toMatchObject({ found: true, cached: false, costUsd: 0.01 });
      expect(await ds.query(`SELECT key FROM provider_cache WHERE key = $1`, [key])).toEqual([]);
      expect(
        await ds.query(
          `SELECT outcome, cached, cost_usd::float8 AS cost FROM provider_calls WHERE fingerprint = $1`,
          [key],
        ),
      ).toEqual([{ outcome: 'ok', cached: false, cost: 0.01 }]);
      // Not cached, so asked again: a second paid call, a second ledger row.
      expect(await call()).toMatchObject({ cached: false });
      expect(vendorCalls(shared)).toBe(calls + 2);
    } finally {
      await ds.query(`ALTER TABLE provider_cache DROP CONSTRAINT refuse_one`);
    }
  });
});
