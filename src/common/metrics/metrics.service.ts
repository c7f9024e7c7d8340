import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Job states counted per queue. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/** What trackQueues needs of a queue (a BullMQ Queue has it). */
export interface CountableQueue {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** The one owner of Prometheus metrics: features call these methods, never prom-client itself. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'assay_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly tasksCreated = new Counter({
    name: 'assay_tasks_created_total',
    help: 'Tasks created, by task type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly tasksFinished = new Counter({
    name: 'assay_tasks_finished_total',
    help: 'Tasks that reached a final status, by task type and status.',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });

  readonly taskAttemptsRetried = new Counter({
    name: 'assay_task_retries_total',
    help: 'Task attempts that failed with a retryable error and were scheduled again.',
    labelNames: ['type', 'code'] as const,
    registers: [this.registry],
  });

  readonly taskCost = new Counter({
    name: 'assay_task_cost_usd_total',
    help: 'What finished tasks spent on paid providers (USD), by task type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly callbacksOutbox = new Gauge({
    name: 'assay_callbacks_outbox',
    help: 'Callback deliveries still to be sent (pending: not tried yet; failed: waiting for a retry), read at scrape time.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly taskDuration = new Histogram({
    name: 'assay_task_duration_seconds',
    help: 'Duration of task attempts that ended the task, by task type and status.',
    labelNames: ['type', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'assay_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, delayed, failed, prioritized).',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly sweepRuns = new Counter({
    name: 'assay_sweep_runs_total',
    help: 'Scheduled sweep runs, by sweep and outcome (ok, error).',
    labelNames: ['sweep', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly sweepAffected = new Counter({
    name: 'assay_sweep_affected_total',
    help: 'Rows each sweep acted on (tasks re-queued, failed as stuck, deleted).',
    labelNames: ['sweep'] as const,
    registers: [this.registry],
  });

  readonly sweepLastRun = new Gauge({
    name: 'assay_sweep_last_run_timestamp_seconds',
    help: 'Unix time of the last successful run of each sweep.',
    labelNames: ['sweep'] as const,
    registers: [this.registry],
  });

  readonly callbacks = new Counter({
    name: 'assay_callbacks_total',
    help: 'Callback delivery attempts by outcome: delivered, failed (another attempt is scheduled), dead (no attempt left, or blocked), disabled (410 Gone).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly callbackDuration = new Histogram({
    name: 'assay_callback_delivery_duration_seconds',
    help: 'Duration of callback delivery attempts (connect to answer), by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });

  private readonly collectors: Array<() => Promise<void>> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool
    // check metrics rejects them); each is the sum of the by-type gauge of the same name without
    // the suffix (nodejs_active_handles etc.), so nothing is lost.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      this.registry.removeSingleMetric(name);
    }
  }

  /** Registers a function run before each scrape (e.g. to read queue depths). */
  onCollect(fn: () => Promise<void>): void {
    this.collectors.push(fn);
  }

  /**
   * Counts the jobs of queues by state at each scrape (`assay_queue_jobs`): the module that owns a
   * queue registers it here (task queues, callbacks, maintenance), so metrics depend on no module.
   */
  trackQueues(queues: () => CountableQueue[]): void {
    this.onCollect(async () => {
      for (const q of queues()) {
        const counts = await q.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) {
          this.queueJobs.set({ queue: q.name, state }, counts[state] ?? 0);
        }
      }
    });
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((fn) => fn().catch(() => undefined)));
    return this.registry.metrics();
  }
}
