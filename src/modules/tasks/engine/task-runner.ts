import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../../../common/config/app.config';
import { isDatabaseUnavailable } from '../../../common/errors/dependency-errors';
import { redisOptions } from '../../../common/redis/redis.options';
import { MetricsService } from '../../../common/metrics/metrics.service';
import type { TaskEntity, TaskErrorInfo } from '../task.entity';
import { TasksRepository } from '../tasks.repository';
import { CancelBus } from './cancel-bus';
import { TaskContext } from './task-context';
import { AbortReason, normaliseError, TaskAbortedError } from './task-errors';
import { LeaseKeeper } from './lease-keeper';
import { TaskJobData, TaskQueues } from './task-queues';
import { TaskRegistry } from './task-registry';
import { TaskLifecycle } from './task-lifecycle';

/** A re-delivered job of a task still held looks again this long after the lease's end. */
const LEASE_SLACK_MS = 250;

/**
 * How often this worker looks for delayed jobs still waiting well past their time, and how late
 * one must be. BullMQ's workers promote delayed jobs (retries, waits for a lease or for
 * PostgreSQL) when they are due; full test runs on a loaded machine have shown jobs left delayed
 * far past their time, with their tasks never resuming. This is the backstop.
 */
const OVERDUE_CHECK_MS = 5000;
const OVERDUE_AFTER_MS = 5000;

/** Exponential backoff with jitter: base·2^(n-1), randomised to 50–100 %, capped at one hour. */
export function backoffMs(attempt: number, baseMs: number): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

/**
 * Worker side of the engine: one BullMQ worker per task queue. Each job claims its task in
 * Postgres, runs the handler with an abort signal, and records the outcome. Retries are decided
 * here from the attempts stored in Postgres and scheduled by moving the same job back to delayed.
 */
@Injectable()
export class TaskRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TaskRunner.name);
  private readonly workers: Worker<TaskJobData>[] = [];
  private readonly running = new Map<string, AbortController>();
  private closing = false;
  private overdueTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    private readonly repo: TasksRepository,
    private readonly cancelBus: CancelBus,
    private readonly metrics: MetricsService,
    private readonly lifecycle: TaskLifecycle,
    private readonly pino: PinoLogger,
    private readonly leases: LeaseKeeper,
    private readonly queues: TaskQueues,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cancelBus.subscribe((taskId) => this.abort(taskId, 'cancelled'));
    for (const [queue, concurrency] of this.registry.queues()) {
      const worker = new Worker<TaskJobData>(queue, (job, token) => this.process(job, token), {
        connection: redisOptions(this.config, 'worker'),
        prefix: this.config.REDIS_PREFIX,
        concurrency: this.config.WORKER_CONCURRENCY || concurrency,
        lockDuration: this.config.QUEUE_LOCK_DURATION_MS,
        stalledInterval: this.config.QUEUE_STALLED_INTERVAL_MS,
        maxStalledCount: this.config.QUEUE_MAX_STALLED_COUNT,
      });
      worker.on('error', (err) => this.logger.warn(`worker ${queue}: ${err.message}`));
      worker.on('stalled', (jobId) =>
        this.logger.warn(`job ${jobId} stalled; BullMQ re-queued it`),
      );
      worker.on('failed', (job, err) => {
        // A job failed by BullMQ itself (stalled too often) never reached our error handling.
        if (job && /stalled more than allowable limit/.test(err.message)) {
          void this.lifecycle.failStalled(job.data.taskId, err.message);
        }
      });
      this.workers.push(worker);
    }
    this.logger.log(
      `workers started: ${[...this.registry.queues()].map(([q, c]) => `${q}×${this.config.WORKER_CONCURRENCY || c}`).join(', ')}`,
    );
    this.overdueTimer = setInterval(() => void this.promoteOverdue(), OVERDUE_CHECK_MS);
    this.overdueTimer.unref();
  }

  /** Promotes the delayed jobs of this worker's queues that are more than OVERDUE_AFTER_MS late. */
  async promoteOverdue(now = Date.now()): Promise<number> {
    let promoted = 0;
    for (const name of this.registry.queues().keys()) {
      try {
        const queue = this.queues.queue(name);
        const client = (await queue.backend.client) as unknown as Redis;
        // BullMQ scores a delayed job by its due time × 0x1000 (+ a counter): the earliest first.
        const due = await client.zrangebyscore(
          queue.keys.delayed,
          0,
          (now - OVERDUE_AFTER_MS) * 0x1000,
          'LIMIT',
          0,
          50,
        );
        for (const id of due) {
          const job = await queue.getJob(id);
          // Promoted (or taken) meanwhile: nothing to do.
          if (
            job &&
            (await job.promote().then(
              () => true,
              () => false,
            ))
          )
            promoted++;
        }
      } catch {
        // Redis away: the next round looks again.
      }
    }
    if (promoted) this.logger.warn(`promoted ${promoted} delayed job(s) left past their time`);
    return promoted;
  }

  /** Stop taking jobs; let in-flight ones finish within the grace period, then hand them back. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.overdueTimer);
    this.logger.log(
      `stopping: no new jobs; ${this.running.size} running task(s) may finish within ${this.config.SHUTDOWN_GRACE_MS} ms`,
    );
    const closing = Promise.all(this.workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'grace'>((r) => {
      timer = setTimeout(() => r('grace'), this.config.SHUTDOWN_GRACE_MS);
    });
    if ((await Promise.race([closing, grace])) === 'grace' && this.running.size) {
      this.logger.warn(
        `grace period over; handing ${this.running.size} running task(s) back to the queue`,
      );
      for (const id of [...this.running.keys()]) this.abort(id, 'shutdown');
    }
    await closing;
    clearTimeout(timer);
    this.logger.log('workers stopped');
  }

  private abort(taskId: string, reason: AbortReason): void {
    const controller = this.running.get(taskId);
    if (controller && !controller.signal.aborted) controller.abort(new TaskAbortedError(reason));
  }

  async process(job: Job<TaskJobData>, token?: string): Promise<void> {
    try {
      await this.claimAndRun(job, token);
    } catch (err) {
      if (err instanceof DelayedError || err instanceof UnrecoverableError) throw err;
      if (!isDatabaseUnavailable(err)) throw err;
      // Not the task's fault, and not an attempt: the job comes back as soon as PostgreSQL may be
      // there again, instead of failing (jobs have one attempt) and waiting for a sweep.
      const delay = this.config.DB_UNAVAILABLE_RETRY_MS;
      this.logger.warn(
        `PostgreSQL unavailable while processing task ${job.data.taskId} (${(err as Error).message}); trying again in ${delay} ms`,
      );
      await job.moveToDelayed(Date.now() + delay, token);
      throw new DelayedError();
    }
  }

  private async claimAndRun(job: Job<TaskJobData>, token?: string): Promise<void> {
    const taskId = job.data.taskId;
    // The abort controller is listening before the claim is sent. A cancel request committed
    // before the claim makes the claim find nothing (it takes no task whose cancel was
    // requested); one committed after it waited for the claim's row lock and is published after
    // that, so it reaches this controller — no cancel falls between the claim and the run, and no
    // extra read of the task is needed to make sure of it.
    const controller = new AbortController();
    if (!this.running.has(taskId)) this.running.set(taskId, controller);
    try {
      await this.claimAndRunWith(controller, job, token);
    } finally {
      if (this.running.get(taskId) === controller) this.running.delete(taskId);
    }
  }

  private async claimAndRunWith(
    controller: AbortController,
    job: Job<TaskJobData>,
    token?: string,
  ): Promise<void> {
    const taskId = job.data.taskId;
    const task = await this.repo.claim(taskId);
    if (!task) {
      // Still held by a live worker (its job was re-delivered while it ran, e.g. its event loop
      // was busy past the job lock): look again when that lease ends, never run it twice.
      const held = await this.repo.heldUntil(taskId);
      if (held) {
        await job.moveToDelayed(held.getTime() + LEASE_SLACK_MS, token);
        throw new DelayedError();
      }
      // Already final (duplicate delivery) or cancel requested before it started.
      await this.lifecycle.finishCancelledIfRequested(taskId);
      return;
    }
    const type = this.registry.get(task.type);
    if (!type) {
      await this.lifecycle.fail(task, {
        code: 'UNKNOWN_TASK_TYPE',
        message: `no handler for task type "${task.type}" in this worker build`,
        retryable: false,
        stage: task.stage,
      });
      throw new UnrecoverableError(`unknown task type ${task.type}`);
    }
    if (task.attempts > task.maxAttempts) {
      await this.lifecycle.fail(task, {
        code: 'STALLED',
        message: `attempt ${task.attempts} of ${task.maxAttempts}: its workers were lost too often`,
        retryable: false,
        stage: task.stage,
      });
      return;
    }

    // Set already (claimAndRun), unless another delivery of this task was running here: that
    // one has lost its lease, and this one is the task's run now.
    this.running.set(task.id, controller);
    await this.leases.hold(task.id);
    const timer = setTimeout(
      () => controller.abort(new TaskAbortedError('timeout')),
      task.timeoutMs,
    );
    const started = process.hrtime.bigint();
    const bindings = {
      trace_id: task.traceId,
      task_id: task.id,
      task_type: task.type,
      attempt: task.attempts,
      ...(task.accountId ? { account_id: task.accountId } : {}),
      ...(task.leadId ? { lead_id: task.leadId } : {}),
    };
    try {
      await this.pino.runInContext(
        () => this.execute(task, type.handler, controller, job, token, started),
        { bindings },
      );
    } finally {
      clearTimeout(timer);
      this.leases.release(task.id);
    }
  }

  private async execute(
    task: TaskEntity,
    handler: { run(ctx: TaskContext<any>): Promise<unknown> },
    controller: AbortController,
    job: Job<TaskJobData>,
    token: string | undefined,
    started: bigint,
  ): Promise<void> {
    const logger = new Logger(`task:${task.type}`);
    const ctx = new TaskContext(
      task,
      task.input,
      controller.signal,
      logger,
      this.repo,
      (reason) => controller.abort(new TaskAbortedError(reason)),
      {
        progressed: (stage, progress, opts) =>
          this.lifecycle.progressed(task, stage, progress, opts),
        streamEnded: (stream, outcome) => this.lifecycle.streamEnded(task, stream, outcome),
      },
    );
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    logger.log({ attempt: task.attempts, max_attempts: task.maxAttempts }, 'task started');
    try {
      // Cancelled while being claimed (see claimAndRun).
      if (controller.signal.aborted) throw controller.signal.reason;
      const result = await raceAbort(handler.run(ctx), controller.signal);
      await this.lifecycle.succeed(task, result, seconds());
    } catch (err) {
      // PostgreSQL went away under the task: not its failure (process() delays the job).
      if (isDatabaseUnavailable(err) && !controller.signal.aborted) throw err;
      const reason = controller.signal.aborted
        ? (controller.signal.reason as TaskAbortedError).reason
        : err instanceof TaskAbortedError
          ? err.reason
          : undefined;
      if (reason === 'cancelled') {
        await this.lifecycle.cancel(task, ctx.stage, seconds());
        return;
      }
      if (reason === 'shutdown') {
        await this.repo.handBack(task.id);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      const e = normaliseError(reason === 'timeout' ? new TaskAbortedError('timeout') : err);
      const info: TaskErrorInfo = { ...e, stage: ctx.stage, at: new Date().toISOString() };
      if (e.code === 'RATE_LIMITED') {
        // A vendor's rate limit is not the task's fault: wait it out without using an attempt.
        const wait =
          (err as { retryAfterMs?: number }).retryAfterMs ?? this.config.TASK_BACKOFF_BASE_MS;
        logger.warn(
          `rate limited (${e.message}); trying again in ${wait} ms without using an attempt`,
        );
        await this.repo.handBack(task.id);
        await job.moveToDelayed(Date.now() + wait, token);
        throw new DelayedError();
      }
      if (e.retryable && task.attempts < task.maxAttempts) {
        // Not before the failing vendor may answer again (an open breaker): else the retries
        // would all meet it still failing and spend the task's attempts in seconds.
        const delay = Math.max(
          backoffMs(task.attempts, this.config.TASK_BACKOFF_BASE_MS),
          (err as { retryAfterMs?: number }).retryAfterMs ?? 0,
        );
        logger.warn(
          `attempt ${task.attempts}/${task.maxAttempts} failed (${e.code}: ${e.message}); retrying in ${delay} ms`,
        );
        await this.lifecycle.scheduleRetry(task, info, delay);
        await job.moveToDelayed(Date.now() + delay, token);
        throw new DelayedError();
      }
      logger.warn(`task failed (${e.code}: ${e.message})`);
      await this.lifecycle.fail(task, info, seconds(), partialResultOf(err, e.code, ctx));
      throw new UnrecoverableError(`${e.code}: ${e.message}`);
    }
  }
}

/**
 * What a failed task keeps as its result: the handler's own partial result, or — when a budget
 * stopped it — the outputs of the stages it completed ("what it got so far").
 */
function partialResultOf(err: unknown, code: string, ctx: TaskContext<any>): unknown {
  const own = (err as { partialResult?: unknown })?.partialResult;
  if (own !== undefined) return own;
  if (code !== 'BUDGET_EXCEEDED') return undefined;
  const stages = Object.fromEntries(
    Object.entries(ctx.task.checkpoints ?? {}).map(([name, c]) => [name, c.output]),
  );
  return { partial: true, completed_stages: stages };
}

/** Settles with the work, or rejects as soon as the signal aborts (a handler that ignores it is cut loose). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
