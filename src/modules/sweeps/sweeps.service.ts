import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../../common/config/app.config';
import { CallbackOutbox } from '../callbacks/callback-outbox.service';
import { MetricsService } from '../../common/metrics/metrics.service';
import { EmailJobsService } from '../emails/jobs/email-jobs.service';
import { InteractionsService } from '../interactions/api/interactions.service';
import { TaskQueues } from '../tasks/engine/task-queues';
import { TaskRegistry } from '../tasks/engine/task-registry';
import { TaskLifecycle } from '../tasks/engine/task-lifecycle';
import { backoffMs } from '../tasks/engine/task-runner';
import { ProviderCacheRepository } from '../../providers/core/provider-cache.repository';
import { TasksRepository } from '../tasks/tasks.repository';

export const SWEEPS = [
  'requeue',
  'stuck',
  'retention',
  'callbacks',
  'email_jobs',
  'interactions',
] as const;
export type SweepName = (typeof SWEEPS)[number];

const BATCH = 500;

/** The work of each scheduled sweep. Runs inside the maintenance queue's worker, once per tick. */
@Injectable()
export class SweepsService {
  private readonly logger = new Logger(SweepsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repo: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly registry: TaskRegistry,
    private readonly metrics: MetricsService,
    private readonly lifecycle: TaskLifecycle,
    private readonly callbackOutbox: CallbackOutbox,
    private readonly moduleRef: ModuleRef,
  ) {}

  intervalMs(name: SweepName): number {
    return {
      requeue: this.config.SWEEP_REQUEUE_INTERVAL_MS,
      stuck: this.config.SWEEP_STUCK_INTERVAL_MS,
      retention: this.config.SWEEP_RETENTION_INTERVAL_MS,
      callbacks: this.config.SWEEP_CALLBACKS_INTERVAL_MS,
      email_jobs: this.config.SWEEP_EMAIL_JOBS_INTERVAL_MS,
      interactions: this.config.SWEEP_INTERACTIONS_INTERVAL_MS,
    }[name];
  }

  async run(name: SweepName): Promise<number> {
    try {
      const n = await this[name]();
      this.metrics.sweepRuns.inc({ sweep: name, outcome: 'ok' });
      this.metrics.sweepAffected.inc({ sweep: name }, n);
      this.metrics.sweepLastRun.set({ sweep: name }, Date.now() / 1000);
      if (n) this.logger.log(`sweep ${name}: ${n} task(s)`);
      return n;
    } catch (err) {
      this.metrics.sweepRuns.inc({ sweep: name, outcome: 'error' });
      throw err;
    }
  }

  /**
   * Failed tasks with a retryable error and attempts left go back to the queue, after their
   * backoff; queued tasks whose job never reached Redis (or was lost) are enqueued again.
   */
  private async requeue(): Promise<number> {
    // Only types this build can enqueue; others (another deployment's, or retired) are left as
    // they are instead of failing every run of the sweep.
    const types = this.registry.names();
    const failed = await this.repo.requeueRetryableFailed(BATCH, types);
    for (const t of failed) {
      await this.queues.enqueue(t, 0);
    }
    const stale = await this.repo.findStaleQueued(this.config.SWEEP_ORPHAN_AFTER_MS, BATCH, types);
    for (const t of stale) {
      // A job that still exists (waiting/delayed/active) is left alone by enqueue().
      await this.queues.enqueue(t, 0);
    }
    return failed.length;
  }

  /** Running past timeout + lock duration: the worker is gone; fail retryably with a backoff. */
  private async stuck(): Promise<number> {
    const stuck = await this.repo.failStuckRunning(this.config.QUEUE_LOCK_DURATION_MS * 2, BATCH);
    for (const t of stuck) {
      await this.repo.setNextAttempt(
        t.id,
        new Date(Date.now() + backoffMs(t.attempts, this.config.TASK_BACKOFF_BASE_MS)),
      );
      this.metrics.tasksFinished.inc({ type: t.type, status: 'failed' });
      // No attempt left: this failure is the task's end, which its caller hears about.
      if (t.attempts >= t.maxAttempts) await this.lifecycle.announceEnd(t);
    }
    return stuck.length;
  }

  /**
   * Callback deliveries that are due but have no job — their relay step was lost (a crash
   * between commit and enqueue, Redis down, a lost delayed job) — are queued again; finished
   * ones past TASK_RETENTION_DAYS are deleted.
   */
  private async callbacks(): Promise<number> {
    const queued = await this.callbackOutbox.requeueDue(BATCH);
    const purged = await this.callbackOutbox.purgeFinished(this.config.TASK_RETENTION_DAYS, 5000);
    return queued + purged;
  }

  /** Email jobs (docs/emails.md "Jobs"): stuck ones requeued, ended ones given their outcome. */
  private async email_jobs(): Promise<number> {
    // The emails module's service, resolved at run time (the sweeps module does not import it).
    return this.moduleRef.get(EmailJobsService, { strict: false }).sweep();
  }

  /** Interactions (docs/interactions.md): raw audio past its retention deleted, the deletion recorded. */
  private async interactions(): Promise<number> {
    return this.moduleRef.get(InteractionsService, { strict: false }).sweepAudio();
  }

  /**
   * Finished tasks past TASK_RETENTION_DAYS, and provider answers past their cache lifetime (read
   * never again: without this the cache table only grew), in batches until none are left.
   */
  private async retention(): Promise<number> {
    let total = 0;
    const cache = this.moduleRef.get(ProviderCacheRepository, { strict: false });
    for (;;) {
      const n = await cache.deleteExpired(5000);
      total += n;
      if (n < 5000) break;
    }
    if (!this.config.TASK_RETENTION_DAYS) return total;
    const cutoff = new Date(Date.now() - this.config.TASK_RETENTION_DAYS * 24 * 3600 * 1000);
    for (;;) {
      const n = await this.repo.deleteFinishedBefore(cutoff, 5000);
      total += n;
      if (n < 5000) return total;
    }
  }
}
