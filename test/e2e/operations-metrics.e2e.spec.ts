import { spawnSync } from 'node:child_process';
import { authHeaders, useTestApp, waitFor } from '../support/test-app';
import { useOperationsApp } from './operations-harness';

/** GET /metrics: task, queue, HTTP and process metrics, valid per promtool; and switched off. */

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => inner.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** Runs `promtool check metrics` on the text; null when promtool is not installed. */
function promtoolCheck(text: string): { status: number; output: string } | null {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
  if (r.error) throw r.error;
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('operations surface (metrics, docs, health, tracing, headers)', () => {
  const { http, create, untilFinal } = useOperationsApp();

  describe('GET /metrics', () => {
    let text: string;
    let succeededId: string;

    beforeAll(async () => {
      const ok1 = await create({ sleep_ms: 1 });
      const ok2 = await create({ stages: ['a', 'b'] });
      // Five attempts, all failing on purpose: ends failed.
      const bad = await create({ fail_attempts: 5 });
      succeededId = ok1.body.job_id;
      expect((await untilFinal(ok1.body.job_id)).status).toBe('succeeded');
      expect((await untilFinal(ok2.body.job_id)).status).toBe('succeeded');
      expect((await untilFinal(bad.body.job_id)).status).toBe('failed');
      const res = await http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      text = res.text;
    });

    it('counts created and finished tasks by type and status', () => {
      expect(sample(text, 'assay_tasks_created_total', { type: 'diagnostic' })).toBe(3);
      expect(
        sample(text, 'assay_tasks_finished_total', { type: 'diagnostic', status: 'succeeded' }),
      ).toBe(2);
      expect(
        sample(text, 'assay_tasks_finished_total', { type: 'diagnostic', status: 'failed' }),
      ).toBe(1);
      // Four retried attempts of the failing task.
      expect(
        sample(text, 'assay_task_retries_total', { type: 'diagnostic', code: 'temporary' }),
      ).toBe(4);
    });

    it('has cost per task type, budget stops and the callbacks outbox backlog', () => {
      expect(text).toContain('# TYPE assay_task_cost_usd_total counter');
      expect(text).toContain('# TYPE assay_budget_exceeded_total counter');
      expect(text).toContain('# TYPE assay_callbacks_outbox gauge');
      for (const status of ['pending', 'failed']) {
        expect(sample(text, 'assay_callbacks_outbox', { status })).toEqual(expect.any(Number));
      }
    });

    it('has a task duration histogram', () => {
      expect(text).toContain('# TYPE assay_task_duration_seconds histogram');
      expect(
        sample(text, 'assay_task_duration_seconds_count', {
          type: 'diagnostic',
          status: 'succeeded',
        }),
      ).toBe(2);
      expect(
        sample(text, 'assay_task_duration_seconds_bucket', {
          type: 'diagnostic',
          status: 'succeeded',
          le: '+Inf',
        }),
      ).toBe(2);
    });

    it('reports queue depth per queue and state, read at scrape time', () => {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'prioritized']) {
        expect(sample(text, 'assay_queue_jobs', { queue: 'diagnostic', state })).toEqual(
          expect.any(Number),
        );
      }
      // The failing task's job ended failed in BullMQ.
      expect(sample(text, 'assay_queue_jobs', { queue: 'diagnostic', state: 'failed' })).toBe(1);
      // Not only task queues: the callbacks and the sweeps' maintenance queue too.
      for (const queue of ['callbacks', 'maintenance', 'account_enhancement']) {
        expect(sample(text, 'assay_queue_jobs', { queue, state: 'waiting' })).toEqual(
          expect.any(Number),
        );
      }
    });

    it('labels HTTP durations with the route template, never the raw id', () => {
      expect(text).toContain('# TYPE assay_http_request_duration_seconds histogram');
      expect(
        sample(text, 'assay_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/api/v1/tasks/:job_id',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        sample(text, 'assay_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/api/v1/tasks/create/:task_name',
          status: '200',
        }),
      ).toBe(3);
      expect(text).not.toContain(succeededId);
    });

    it('includes the process default metrics', () => {
      expect(text).toMatch(/^process_cpu_seconds_total \d/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    });

    it('passes promtool check metrics', () => {
      const r = promtoolCheck(text);
      if (!r) {
        if (process.env.CI) throw new Error('promtool is not installed (CI installs it)');
        console.warn('promtool not found: skipping the exposition-format check');
        return;
      }
      expect(r.output.trim()).toBe('');
      expect(r.status).toBe(0);
    });
  });
});

describe('METRICS_ENABLED=false', () => {
  const { http } = useTestApp({ METRICS_ENABLED: 'false' });

  it('does not serve /metrics, nor document it', async () => {
    await http().get('/metrics').expect(404);
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });

  it('still runs tasks', async () => {
    const res = await http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ sleep_ms: 1 })
      .expect(200);
    const done = await waitFor(async () => {
      const s = await http().get(`/api/v1/tasks/${res.body.job_id}/status`).set(authHeaders);
      return s.body.status === 'completed' ? s.body : null;
    }, 'task to succeed');
    expect(done.status).toBe('completed');
  });
});
