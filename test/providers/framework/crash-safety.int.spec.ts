import { DataSource } from 'typeorm';
import { TestApp, testEnv, waitFor } from '../../support/test-app';
import { api, ChildApp, Json, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, VendorStub } from '../../support/vendor-stub';

/**
 * A finished (paid) stage is never paid for again: a retried attempt reuses the stage's
 * checkpoint, and a stage interrupted after its vendor call finds the paid answer in the cache
 * (the shared one, or the task's own for TTL 0 providers). Shown in process with failing
 * attempts, then with a worker process killed by SIGKILL.
 */
describe('a retried or killed worker never pays twice for a finished stage', () => {
  let stub: VendorStub;
  const cached = 'cs_cached';
  const nottl = 'cs_nottl';
  const metas = [
    { id: cached, cacheTtlSeconds: 3600 },
    { id: nottl, cacheTtlSeconds: 0 },
  ];
  const vendorCalls = (domain: string) => stub.requests.filter((r) => r.body?.domain === domain);

  beforeAll(async () => {
    stub = await VendorStub.start(lookupVendor);
  });
  afterAll(async () => {
    await stub?.close();
  });
  const env = () => ({ ...stubEnv(stub.url, cached), ...stubEnv(stub.url, nottl) });

  describe('in process: attempts that fail on purpose', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startProviderApp(env(), metas);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a failure after the paid stage: the retry reuses its checkpoint (1 vendor call)', async () => {
      const domain = uniq('after');
      const done = await api(t).run({
        fail_after_stage_attempts: 1,
        steps: [
          { stage: 'lookup', provider: cached, domain },
          { stage: 'again', provider: nottl, domain },
        ],
      });
      expect(done).toMatchObject({ status: 'succeeded', attempt_number: 2 });
      expect(done.result.lookup).toMatchObject({ attempt: 1, cached: false });
      expect(done.result.again).toMatchObject({ attempt: 2 });
      expect(vendorCalls(domain).filter((r) => r.path.startsWith(`/${cached}/`))).toHaveLength(1);
      const paid = (await api(t).ledger({ taskId: done.job_id })).filter((r) => !r.cached);
      expect(paid.map((r) => r.provider)).toEqual([cached, nottl]);
    });

    it.each([cached, nottl])(
      'a failure inside the stage after its paid call: the retry finds the answer in the cache (%s)',
      async (provider) => {
        const domain = uniq('inside');
        const done = await api(t).run({
          fail_in_stage_attempts: 1,
          steps: [{ stage: 'lookup', provider, domain }],
        });
        expect(done).toMatchObject({ status: 'succeeded', attempt_number: 2, cost_usd: 0.01 });
        expect(done.result.lookup).toMatchObject({ attempt: 2, cached: true, cost_usd: 0 });
        expect(vendorCalls(domain)).toHaveLength(1);
        const ledger = await api(t).ledger({ taskId: done.job_id });
        expect(ledger.map((r) => [r.outcome, r.cost_usd])).toEqual([
          ['ok', 0.01],
          ['cache_hit', 0],
        ]);
      },
    );
  });

  describe('out of process: a worker killed with SIGKILL', () => {
    let apiApp: TestApp;
    const workers: ChildApp[] = [];
    const prefix = testEnv().REDIS_PREFIX;
    const workerEnv = {
      ...testEnv(),
      REDIS_PREFIX: prefix,
      ASSAY_ROLE: 'worker',
      QUEUE_LOCK_DURATION_MS: '2000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    };

    beforeAll(async () => {
      apiApp = await startProviderApp({ ...env(), REDIS_PREFIX: prefix, ASSAY_ROLE: 'api' }, metas);
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill()));
      await apiApp?.close();
    });

    it('neither a finished stage nor an answered vendor call is paid again on the next worker', async () => {
      const first = await ChildApp.start({ ...workerEnv, ...env() }, metas);
      workers.push(first);
      const a = api(apiApp);
      const ds = apiApp.app.get(DataSource);
      // Task 1 is killed after the vendor answered, inside its stage (no checkpoint yet);
      // task 2 is killed after its stage's checkpoint.
      const d1 = uniq('killed-in-stage');
      const d2 = uniq('killed-after-stage');
      const t1 = (
        await a.create({
          hold_in_stage_ms: 120_000,
          steps: [{ stage: 'lookup', provider: nottl, domain: d1 }],
        })
      ).job_id as string;
      const t2 = (
        await a.create({
          hold_after_stage_ms: 120_000,
          steps: [
            { stage: 'lookup', provider: cached, domain: d2 },
            { stage: 'more', provider: nottl, domain: d2 },
          ],
        })
      ).job_id as string;

      await waitFor(async () => (await a.ledger({ taskId: t1 })).length === 1, 'task 1 to pay');
      await waitFor(
        async () => (await a.detail(t2)).completed_stages.includes('lookup'),
        "task 2's checkpoint",
      );
      expect(vendorCalls(d1)).toHaveLength(1);
      expect(vendorCalls(d2)).toHaveLength(1);
      await first.kill();

      const second = await ChildApp.start({ ...workerEnv, ...env() }, metas);
      workers.push(second);
      // On a loaded machine this can take a while; if it ever times out, say where each task was
      // and what both workers printed, instead of a bare timeout.
      const finished = async (id: string): Promise<Json> => {
        try {
          return await a.until(id, 150_000);
        } catch (err) {
          const states = await Promise.all([t1, t2].map((t) => a.detail(t)));
          throw new Error(
            `${(err as Error).message}\ntasks: ${JSON.stringify(states)}\n` +
              `first worker:\n${first.output}\nsecond worker:\n${second.output}`,
            { cause: err },
          );
        }
      };
      const [r1, r2]: Json[] = [await finished(t1), await finished(t2)];
      expect(r1).toMatchObject({ status: 'succeeded', attempt_number: 2, cost_usd: 0.01 });
      expect(r1.result.lookup).toMatchObject({ attempt: 2, cached: true });
      expect(r2).toMatchObject({ status: 'succeeded', attempt_number: 2 });
      expect(r2.result.lookup).toMatchObject({ attempt: 1 });
      expect(r2.result.more).toMatchObject({ attempt: 2 });
      // Exactly one vendor call per lookup: d1 once, d2 once per provider.
      expect(vendorCalls(d1)).toHaveLength(1);
      expect(vendorCalls(d2).map((r) => r.path)).toEqual([`/${cached}/lookup`, `/${nottl}/lookup`]);
      const [paid] = await ds.query(
        `SELECT count(*)::int AS n FROM provider_calls WHERE task_id = ANY($1::uuid[]) AND NOT cached`,
        [[t1, t2]],
      );
      expect(paid.n).toBe(3);
    }, 400_000);
  });
});
