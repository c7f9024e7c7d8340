import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import { authHeaders, startTestApp, TestApp, testEnv } from '../support/test-app';
import { Behaviour, fixture, VendorStub } from '../support/vendor-stub';

/** Apollo as the stub answers it: each endpoint its documented shape. */
const apollo: Behaviour = (req) => {
  if (req.path.startsWith('/api/v1/organizations/enrich')) {
    return { json: fixture('apollo', 'organization-enrich') };
  }
  if (req.path === '/api/v1/people/bulk_match')
    return { json: fixture('apollo', 'people-bulk-match-short') };
  if (req.path === '/api/v1/mixed_people/api_search')
    return { json: fixture('apollo', 'people-api-search') };
  return { status: 404, json: { error: `no route ${req.path}` } };
};

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ProviderError,
  );

/**
 * Apollo counts its bulk endpoint apart from the single ones (VENDORS.md §1: a fraction of the
 * per-minute limit). Two app instances on one Redis prefix (two worker processes' limiters) call
 * Apollo at once: bulk_match calls are held to the bulk limit, shared by both, while single calls
 * go on under the provider's limit and day count, which the bulk calls do not use. Everything is
 * asserted by counts (calls the vendor saw, errors, ledger rows, day counters), never by timing.
 */
describe('Apollo per-operation limits through the call path (two app instances, one Redis)', () => {
  let stub: VendorStub;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    stub = await VendorStub.start(apollo);
    const env = {
      APOLLO_API_KEY: 'apollo-int-key-5b21',
      APOLLO_BASE_URL: `${stub.url}/api/v1`,
      REDIS_PREFIX: testEnv().REDIS_PREFIX,
      // A slot further away than this is refused at once (RATE_LIMITED), not waited for.
      RATE_LIMIT_MAX_WAIT_MS: '20000',
      // Single endpoints: a slot every ~100 ms, 8 calls a day.
      APOLLO_RATE_PER_MINUTE: '600',
      APOLLO_RATE_PER_DAY: '8',
      // The bulk endpoint: one call a minute.
      APOLLO_PERSON_ENRICH_RATE_PER_MINUTE: '1',
      ASSAY_ROLE: 'api',
    };
    apps.push(await startTestApp(env), await startTestApp(env));
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await stub?.close();
  });

  it('holds bulk calls to their own limit across both instances; single calls and the day count are apart', async () => {
    const [a, b] = apps.map((t) => t.app.get(ProviderClient));
    const run = randomBytes(4).toString('hex');
    const bulkInput = (i: number) => ({
      people: [{ email: `bulk${i}-${run}@acme.com` }, { email: `bulk${i}b-${run}@acme.com` }],
    });
    const bulk = (client: ProviderClient, i: number) =>
      client.call('apollo', { capability: 'person.enrich', input: bulkInput(i) });
    const single = (client: ProviderClient, i: number) =>
      client.call('apollo', { capability: 'company.profile', input: { domain: `acme${i}.com` } });

    // Two streams from each instance, all at once: 6 bulk calls and 8 single ones.
    const outcomes = await Promise.all([
      ...[0, 1, 2].map((i) => rejection(bulk(a, i))),
      ...[3, 4, 5].map((i) => rejection(bulk(b, i))),
      ...[0, 1, 2, 3].map((i) => rejection(single(a, i))),
      ...[4, 5, 6, 7].map((i) => rejection(single(b, i))),
    ]);
    const bulkErrors = outcomes.slice(0, 6).filter((e) => e !== null);
    const singleErrors = outcomes.slice(6).filter((e) => e !== null);

    // One bulk call got the minute's slot; the five others were refused without reaching Apollo.
    expect(stub.to('/api/v1/people/bulk_match')).toHaveLength(1);
    expect(bulkErrors).toHaveLength(5);
    for (const e of bulkErrors) {
      expect(e).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
      expect(e!.message).toMatch(/^rate limit of apollo person\.enrich: next slot in \d+ ms/);
      expect(e!.retryAfterMs).toBeGreaterThan(20_000);
    }
    // Every single call went through: the bulk limit did not hold them back.
    expect(singleErrors).toEqual([]);
    expect(stub.to('/api/v1/organizations/enrich')).toHaveLength(8);

    // The provider's day (8 calls) is used up by the single calls alone…
    const ninth = await rejection(single(a, 8));
    expect(ninth).toMatchObject({ code: 'QUOTA_EXHAUSTED' });
    expect(ninth!.message).toBe('daily limit of 8 calls to apollo is used up');
    expect(stub.to('/api/v1/organizations/enrich')).toHaveLength(8);
    // …while people.search, counted apart too, still has its own.
    const people = await b.call('apollo', {
      capability: 'people.search',
      input: { domain: 'acme.com' },
    });
    expect(people).toMatchObject({ found: true, costUsd: 0 });

    // The ledger: one paid bulk call, five refused (at no cost).
    const rows: Array<{ outcome: string; n: number; cost: number }> = await apps[0].app
      .get(DataSource)
      .query(
        `SELECT outcome, count(*)::int AS n, sum(cost_usd)::float AS cost FROM provider_calls
          WHERE fingerprint = ANY($1) GROUP BY outcome`,
        [
          [0, 1, 2, 3, 4, 5].map((i) =>
            ProviderClient.fingerprint('apollo', 'person.enrich', bulkInput(i)),
          ),
        ],
      );
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        { outcome: 'ok', n: 1, cost: 0.1 },
        { outcome: 'RATE_LIMITED', n: 5, cost: 0 },
      ]),
    );

    // GET /api/v1/providers shows both limiters and their day counts.
    const res = await request(apps[1].app.getHttpServer())
      .get('/api/v1/providers')
      .set(authHeaders)
      .expect(200);
    const view = (res.body as Array<Record<string, any>>).find((p) => p.id === 'apollo')!;
    expect(view.rate_limits).toMatchObject({ perMinute: 600, perDay: 8 });
    expect(view.limiter).toMatchObject({ used_today: 8, per_day: 8 });
    expect(view.operation_limits['person.enrich']).toMatchObject({
      rate_limits: { perMinute: 1, perDay: 300 },
      limiter: { used_today: 1, per_day: 300 },
    });
    expect(view.operation_limits['people.search'].limiter).toMatchObject({ used_today: 1 });
  });
});
