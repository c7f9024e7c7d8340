import { DataSource } from 'typeorm';
import { TestApp, testEnv, waitFor } from '../../support/test-app';
import { api, ChildApp, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, maxInAnyWindow, VendorStub } from '../../support/vendor-stub';

/**
 * One rate limit shared by two worker processes (separate OS processes, each with its own Redis
 * connection and RateLimiter, same REDIS_PREFIX) running tasks that call the same provider: the
 * vendor, strict about its quota (a sliding 1-s window), never sees more than the limit in any
 * 1-s window, answers no 429, and the two processes together stay at one limit's rate (without
 * sharing they would send twice as much).
 *
 * RATE_LIMIT_MARGIN_MS is set to 400 ms here: on a loaded 2-core test machine a process can be
 * descheduled for tens of ms between leaving the limiter and reaching the vendor (measured up to
 * ~60 ms by the providers benchmark), and this test must not depend on the machine being idle.
 */
describe('rate limit shared by two worker processes', () => {
  const LIMIT = 10;
  const MARGIN_MS = 400;
  const TASKS = 60;
  const id = 'rl_shared';
  const metas = [{ id, rateLimits: { perSecond: LIMIT } }];
  let stub: VendorStub;
  let apiApp: TestApp;
  const workers: ChildApp[] = [];

  beforeAll(async () => {
    stub = await VendorStub.start(lookupVendor, { limit: LIMIT, windowMs: 1000 });
    const prefix = testEnv().REDIS_PREFIX;
    const env = {
      ...stubEnv(stub.url, id),
      REDIS_PREFIX: prefix,
      RATE_LIMIT_MARGIN_MS: String(MARGIN_MS),
    };
    apiApp = await startProviderApp({ ...env, ASSAY_ROLE: 'api' }, metas);
    const worker = { ...env, ASSAY_ROLE: 'worker', WORKER_CONCURRENCY: '10' };
    workers.push(
      ...(await Promise.all([ChildApp.start(worker, metas), ChildApp.start(worker, metas)])),
    );
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
    // One query per poll (not one HTTP request per task), so the test process hosting the
    // vendor stays quiet while the stub timestamps arrivals.
    const ds = apiApp.app.get(DataSource);
    await waitFor(
      async () => {
        const [r] = await ds.query(
          `SELECT count(*) FILTER (WHERE status IN ('succeeded','failed','cancelled'))::int AS n
             FROM tasks WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        return r.n === TASKS;
      },
      'every task to finish',
      120_000,
      200,
    );
    const statuses = await ds.query(`SELECT status FROM tasks WHERE id = ANY($1::uuid[])`, [ids]);
    expect(statuses.filter((s: { status: string }) => s.status !== 'succeeded')).toEqual([]);

    const accepted = stub.requests.filter((r) => r.status !== 429);
    expect(stub.rejected).toHaveLength(0);
    expect(accepted).toHaveLength(TASKS);
    // Both processes called the vendor.
    const pids = new Set(accepted.map((r) => r.headers['x-caller-pid']));
    expect(pids).toEqual(new Set(workers.map((w) => String(w.proc.pid))));
    // Observed at the vendor: never more than the limit in any 1-s window…
    const times = accepted.map((r) => r.at).sort((a, b) => a - b);
    expect(maxInAnyWindow(times, 1000)).toBeLessThanOrEqual(LIMIT);
    // …and together at one limit's pace: ~LIMIT × 1000 / (1000 + margin) calls/s, not 2 × LIMIT.
    const rate = ((times.length - 1) / (times[times.length - 1] - times[0])) * 1000;
    const expected = (LIMIT * 1000) / (1000 + MARGIN_MS);
    expect(rate).toBeGreaterThan(expected * 0.8);
    expect(rate).toBeLessThanOrEqual(LIMIT);
  });
});
