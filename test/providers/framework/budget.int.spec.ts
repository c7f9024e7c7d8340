import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MetricsService } from '../../../src/common/metrics/metrics.service';
import { ProviderLedgerRepository } from '../../../src/providers/core/provider-ledger.repository';
import { authHeaders, TestApp } from '../../support/test-app';
import { api, startProviderApp, uniq } from '../support/harness';
import { stubEnv } from '../support/stub.provider';
import { lookupVendor, VendorStub } from '../../support/vendor-stub';

/**
 * Budgets: a call whose worst case would pass the task's (or batch's) budget_usd is not made; the
 * task fails BUDGET_EXCEEDED keeping the stages it completed. A dry run answers an estimate and
 * stores nothing.
 */
describe('provider budgets and dry run', () => {
  let stub: VendorStub;
  let t: TestApp;
  let ds: DataSource;
  const cheap = 'bu_cheap';
  const pricey = 'bu_pricey';
  const twoStages = (domain: string) => [
    { stage: 'cheap', provider: cheap, domain },
    { stage: 'pricey', provider: pricey, domain },
  ];
  const countTasks = async () =>
    (await ds.query(`SELECT count(*)::int AS n FROM tasks`))[0].n as number;
  const countLedger = async () =>
    (await ds.query(`SELECT count(*)::int AS n FROM provider_calls`))[0].n as number;

  beforeAll(async () => {
    stub = await VendorStub.start(lookupVendor);
    t = await startProviderApp(
      { ...stubEnv(stub.url, cheap), ...stubEnv(stub.url, pricey), DATABASE_POOL_SIZE: '20' },
      [
        { id: cheap, cost: { perCallUsd: 0.01 } },
        { id: pricey, cost: { perCallUsd: 1 } },
      ],
    );
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('stops before a call that could pass budget_usd: BUDGET_EXCEEDED with the completed stages', async () => {
    const done = await api(t).run({ budget_usd: 0.5, steps: twoStages(uniq('budget')) });
    expect(done).toMatchObject({
      status: 'failed',
      attempt_number: 1,
      retryable: false,
      is_partial: true,
      cost_usd: 0.01,
      error: { code: 'BUDGET_EXCEEDED', stage: 'pricey', retryable: false },
    });
    expect(done.error.message).toMatch(/may cost up to \$1\.0000.*of its \$0\.5000 budget/);
    // "What it got so far": the cheap stage's output.
    expect(done.result).toEqual({
      partial: true,
      completed_stages: { cheap: expect.objectContaining({ found: true, cost_usd: 0.01 }) },
    });
    expect(stub.to(`/${pricey}/`)).toHaveLength(0);
    const ledger = await api(t).ledger({ taskId: done.job_id });
    expect(ledger.map((r) => [r.provider, r.outcome, r.cost_usd])).toEqual([[cheap, 'ok', 0.01]]);
    const [row] = await ds.query(`SELECT cost_reserved_usd::float AS r FROM tasks WHERE id = $1`, [
      done.job_id,
    ]);
    expect(row.r).toBe(0);
    // Counted for operators: one call stopped by a budget, at the provider it would have cost.
    const metrics = await t.app.get(MetricsService).render();
    expect(metrics).toMatch(new RegExp(`assay_budget_exceeded_total\\{provider="${pricey}"\\} 1`));
  });

  it('runs a task whose budget covers the worst case', async () => {
    const done = await api(t).run({ budget_usd: 1.01, steps: twoStages(uniq('enough')) });
    expect(done).toMatchObject({ status: 'succeeded', cost_usd: 1.01 });
    // Its cost is counted per task type.
    const metrics = await t.app.get(MetricsService).render();
    const spent = /assay_task_cost_usd_total\{type="provider_probe"\} ([\d.]+)/.exec(metrics);
    expect(Number(spent?.[1])).toBeGreaterThanOrEqual(1.01);
  });

  it('dry run: answers the estimate and stores, queues and calls nothing', async () => {
    const [tasks, ledger, vendor] = [await countTasks(), await countLedger(), stub.requests.length];
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/create/provider_probe?dry_run=true')
      .set(authHeaders)
      .send({ budget_usd: 0.5, steps: twoStages(uniq('dry')) })
      .expect(200);
    expect(res.body).toEqual({
      dry_run: true,
      task_name: 'provider_probe',
      estimate: {
        calls: 2,
        cost_min_usd: 0,
        cost_max_usd: 1.01,
        notes: expect.arrayContaining([expect.stringMatching(/above budget_usd \(\$0\.5\)/)]),
      },
    });
    // Same with "dry_run": true in the body.
    const body = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/create/provider_probe')
      .set(authHeaders)
      .send({ dry_run: true, steps: twoStages(uniq('dry')) })
      .expect(200);
    expect(body.body.estimate).toMatchObject({ calls: 2, cost_max_usd: 1.01 });
    expect([await countTasks(), await countLedger(), stub.requests.length]).toEqual([
      tasks,
      ledger,
      vendor,
    ]);
  });

  it('a batch budget is never overspent by tasks reserving at the same moment', async () => {
    // 20 tasks of one batch with $10 between them reserve $1 each, all at once.
    const batch = randomUUID();
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) {
      await ds.query(
        `INSERT INTO tasks (id, type, status, max_attempts, timeout_ms, input, trace_id, batch_id, batch_budget_usd)
         VALUES ($1, 'provider_probe', 'running', 1, 60000, '{}', 'test', $2, 10)`,
        [id, batch],
      );
    }
    const ledger = t.app.get(ProviderLedgerRepository);
    const granted = await Promise.all(ids.map((id) => ledger.reserve(id, 1)));
    expect(granted.filter(Boolean)).toHaveLength(10);
  });

  it('a batch with budget_usd stops the tasks that would pass it', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/batch')
      .set(authHeaders)
      .send({
        task_name: 'provider_probe',
        budget_usd: 2.5,
        payloads: Array.from({ length: 4 }, (_, i) => ({
          steps: [{ stage: 'pricey', provider: pricey, domain: uniq(`batch${i}`) }],
        })),
      })
      .expect(202);
    const done = await Promise.all((res.body.job_ids as string[]).map((id) => api(t).until(id)));
    const byStatus = (s: string) => done.filter((d) => d.status === s);
    expect(byStatus('succeeded')).toHaveLength(2);
    expect(byStatus('failed').map((d) => d.error.code)).toEqual([
      'BUDGET_EXCEEDED',
      'BUDGET_EXCEEDED',
    ]);
    expect(done.reduce((sum, d) => sum + d.cost_usd, 0)).toBe(2);
  });
});
