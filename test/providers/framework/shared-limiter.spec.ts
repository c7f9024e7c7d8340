import { TestApp, testEnv } from '../../support/test-app';
import { api, ChildApp, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { maxInAnyWindow, VendorStub } from '../support/vendor-stub';

/**
 * One rate limit shared by two worker processes (separate OS processes, each with its own Redis
 * connection and RateLimiter, same REDIS_PREFIX) running tasks that call the same provider: the
 * vendor, strict about its quota (a sliding 1-s window), never sees more than the limit in any
 * 1-s window and never answers 429.
 */
describe('rate limit shared by two worker processes', () => {
  const LIMIT = 10;
  const TASKS = 60;
  const id = 'rl_shared';
  const metas = [{ id, rateLimits: { perSecond: LIMIT } }];
  let stub: VendorStub;
  let apiApp: TestApp;
  const workers: ChildApp[] = [];

  beforeAll(async () => {
    stub = await VendorStub.start(undefined, { limit: LIMIT, windowMs: 1000 });
    const prefix = testEnv().REDIS_PREFIX;
    const env = { ...stubEnv(stub.url, id), REDIS_PREFIX: prefix };
    apiApp = await startProviderApp({ ...env, ASSAY_ROLE: 'api' }, metas);
    const worker = { ...env, ASSAY_ROLE: 'worker', WORKER_CONCURRENCY: '10' };
    workers.push(...(await Promise.all([ChildApp.start(worker, metas), ChildApp.start(worker, metas)])));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await apiApp?.close();
    await stub?.close();
  });

  it(`keeps the vendor at ≤ ${LIMIT} calls in every 1-s window with 0 × 429`, async () => {
    const ids = await api(apiApp).batch(
      Array.from({ length: TASKS }, (_, i) => ({
        steps: [{ stage: 'lookup', provider: id, domain: uniq(`rl${i}`) }],
      })),
    );
    const done = await Promise.all(ids.map((t) => api(apiApp).until(t, 120_000)));
    expect(done.filter((d) => d.status !== 'succeeded')).toEqual([]);

    const accepted = stub.requests.filter((r) => r.status !== 429);
    expect(stub.rejected).toHaveLength(0);
    expect(accepted).toHaveLength(TASKS);
    // Both processes called the vendor.
    const pids = new Set(accepted.map((r) => r.headers['x-caller-pid']));
    expect(pids).toEqual(new Set(workers.map((w) => String(w.proc.pid))));
    // Observed at the vendor: never more than the limit in any 1-s window…
    const times = accepted.map((r) => r.at).sort((a, b) => a - b);
    expect(maxInAnyWindow(times, 1000)).toBeLessThanOrEqual(LIMIT);
    // …and the limit is used, not starved (generous bound for a loaded machine).
    const rate = ((times.length - 1) / (times[times.length - 1] - times[0])) * 1000;
    expect(rate).toBeGreaterThan(LIMIT * 0.7);
    expect(rate).toBeLessThanOrEqual(LIMIT);
  });
});
