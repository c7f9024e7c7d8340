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

  readonly httpDuration = this.histogram(
    'assay_http_request_duration_seconds',
    'HTTP request duration by method, route and status code.',
    ['method', 'route', 'status'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  readonly tasksCreated = this.counter(
    'assay_tasks_created_total',
    'Tasks created, by task type.',
    ['type'],
  );

  readonly tasksFinished = this.counter(
    'assay_tasks_finished_total',
    'Tasks that reached a final status, by task type and status.',
    ['type', 'status'],
  );

  readonly taskAttemptsRetried = this.counter(
    'assay_task_retries_total',
    'Task attempts that failed with a retryable error and were scheduled again.',
    ['type', 'code'],
  );

  readonly taskCost = this.counter(
    'assay_task_cost_usd_total',
    'What finished tasks spent on paid providers (USD), by task type.',
    ['type'],
  );

  readonly callbacksOutbox = this.gauge(
    'assay_callbacks_outbox',
    'Callback deliveries still to be sent (pending: not tried yet; failed: waiting for a retry), read at scrape time.',
    ['status'],
  );

  readonly taskDuration = this.histogram(
    'assay_task_duration_seconds',
    'Duration of task attempts that ended the task, by task type and status.',
    ['type', 'status'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  );

  readonly queueJobs = this.gauge(
    'assay_queue_jobs',
    'Jobs in each queue by state (waiting, active, delayed, failed, prioritized).',
    ['queue', 'state'],
  );

  readonly sweepRuns = this.counter(
    'assay_sweep_runs_total',
    'Scheduled sweep runs, by sweep and outcome (ok, error).',
    ['sweep', 'outcome'],
  );

  readonly sweepAffected = this.counter(
    'assay_sweep_affected_total',
    'Rows each sweep acted on (tasks re-queued, failed as stuck, deleted).',
    ['sweep'],
  );

  readonly sweepLastRun = this.gauge(
    'assay_sweep_last_run_timestamp_seconds',
    'Unix time of the last successful run of each sweep.',
    ['sweep'],
  );

  readonly callbacks = this.counter(
    'assay_callbacks_total',
    'Callback delivery attempts by outcome: delivered, failed (another attempt is scheduled), dead (no attempt left, or blocked), disabled (410 Gone).',
    ['outcome'],
  );

  readonly callbackDuration = this.histogram(
    'assay_callback_delivery_duration_seconds',
    'Duration of callback delivery attempts (connect to answer), by outcome.',
    ['outcome'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  );

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

  /** A counter in this registry. */
  counter<const L extends string>(name: string, help: string, labelNames: readonly L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge in this registry. */
  gauge<const L extends string>(name: string, help: string, labelNames: readonly L[]) {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A histogram in this registry, with its buckets (upper bounds, in seconds). */
  histogram<const L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ) {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
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
