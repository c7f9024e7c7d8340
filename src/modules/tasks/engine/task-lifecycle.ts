import { Injectable, Logger } from '@nestjs/common';
import { MetricsService } from '../../../common/metrics/metrics.service';
import type { TaskEntity, TaskErrorInfo, TaskProgress, TaskStatus } from '../task.entity';
import { TasksRepository } from '../tasks.repository';
import { TaskCallbacks } from './task-callbacks';
import { TaskEndBus } from './task-end-bus';
import { TaskRegistry } from './task-registry';
import type { ProgressOptions, StreamOutcome } from './task-context';

type FinalStatus = Extract<TaskStatus, 'succeeded' | 'failed' | 'cancelled'>;

/**
 * Every transition of a task to a final state goes through here, so that metrics and the
 * callback outbox (written in the same transaction as the end) see each end exactly once.
 */
@Injectable()
export class TaskLifecycle {
  private readonly logger = new Logger(TaskLifecycle.name);

  constructor(
    private readonly repo: TasksRepository,
    private readonly metrics: MetricsService,
    private readonly callbacks: TaskCallbacks,
    private readonly endBus: TaskEndBus,
    private readonly registry: TaskRegistry,
  ) {}

  async succeed(task: TaskEntity, result: unknown, seconds?: number): Promise<TaskEntity | null> {
    const done = await this.finish(task, 'succeeded', {
      result: result ?? null,
      error: null,
      progress: { percent: 100, message: 'done' },
    });
    if (done) this.recordEnd(done, seconds);
    return done;
  }

  async fail(
    task: TaskEntity,
    error: TaskErrorInfo,
    seconds?: number,
    partialResult?: unknown,
  ): Promise<TaskEntity | null> {
    const done = await this.finish(task, 'failed', {
      error: { ...error, at: error.at ?? new Date().toISOString() },
      ...(partialResult !== undefined ? { result: partialResult } : {}),
    });
    if (done) this.recordEnd(done, seconds);
    return done;
  }

  async cancel(
    task: TaskEntity,
    stage: string | null,
    seconds?: number,
    from: TaskStatus[] = ['queued', 'running'],
  ): Promise<TaskEntity | null> {
    const done = await this.finish(
      task,
      'cancelled',
      {
        error: {
          code: 'CANCELLED',
          message: 'cancelled on request',
          retryable: false,
          stage,
          at: new Date().toISOString(),
        },
      },
      from,
    );
    if (done) this.recordEnd(done, seconds);
    return done;
  }

  async scheduleRetry(task: TaskEntity, error: TaskErrorInfo, delayMs: number): Promise<void> {
    await this.repo.markRetrying(task.id, error, new Date(Date.now() + delayMs));
    this.metrics.taskAttemptsRetried.inc({ type: task.type, code: error.code.toLowerCase() });
  }

  /** A queued task whose cancel was requested ends cancelled when a worker meets it. */
  async finishCancelledIfRequested(taskId: string): Promise<void> {
    const task = await this.repo.findById(taskId);
    if (task && task.status === 'queued' && task.cancelRequestedAt)
      await this.cancel(task, task.stage);
  }

  async failStalled(taskId: string, message: string): Promise<void> {
    const task = await this.repo.findById(taskId);
    if (!task || (task.status !== 'running' && task.status !== 'queued')) return;
    await this.fail(task, {
      code: 'STALLED',
      message,
      retryable: true,
      stage: task.stage,
    });
  }

  /**
   * Stores a task created already succeeded (a stored result reused) together with its callbacks.
   * Returns false when the insert was ignored (its idempotency key is taken).
   */
  async insertFinished(task: Partial<TaskEntity>): Promise<boolean> {
    if (!this.callbacks.wanted(task as TaskEntity)) return this.repo.insert(task);
    const ids = await this.repo.transaction(async (em) =>
      (await this.repo.insert(task, em)) ? this.callbacks.stageEnd(task as TaskEntity, em) : null,
    );
    if (ids) await this.callbacks.relay(ids);
    return ids !== null;
  }

  /** A task failed for good outside this class (the stuck sweep's bulk UPDATE): its callbacks. */
  async announceEnd(task: TaskEntity): Promise<void> {
    this.endBus.publish(task.id);
    this.notifyHandler(task);
    if (!this.callbacks.wanted(task)) return;
    const ids = await this.repo.transaction((em) => this.callbacks.stageEnd(task, em));
    await this.callbacks.relay(ids);
  }

  /** TaskContext reports progress here; a failing progress callback never fails the task. */
  async progressed(
    task: TaskEntity,
    stage: string,
    progress: TaskProgress,
    opts: ProgressOptions,
  ): Promise<void> {
    try {
      await this.callbacks.progressed(task, stage, progress, opts);
    } catch (err) {
      this.logger.warn(
        `progress callback of task ${task.id} not stored: ${(err as Error).message}`,
      );
    }
  }

  /**
   * An entity of a per-entity task ended. Not swallowed: if its terminal callback cannot be
   * stored, the attempt fails and its retry announces the entity again (from its checkpoint).
   */
  streamEnded(task: TaskEntity, stream: number, outcome: StreamOutcome): Promise<void> {
    return this.callbacks.streamEnded(task, stream, outcome);
  }

  /** The final UPDATE and the callback outbox rows, in one transaction when there are callbacks. */
  private async finish(
    task: TaskEntity,
    status: FinalStatus,
    patch: Parameters<TasksRepository['finish']>[2],
    from?: TaskStatus[],
  ): Promise<TaskEntity | null> {
    if (!this.callbacks.wanted(task))
      return this.repo.finish(task.id, status, patch, undefined, from);
    const out = await this.repo.transaction(async (em) => {
      const done = await this.repo.finish(task.id, status, patch, em, from);
      return { done, ids: done ? await this.callbacks.stageEnd(done, em) : [] };
    });
    if (out.ids.length) await this.callbacks.relay(out.ids);
    return out.done;
  }

  /** The task type's own `ended` hook (TaskHandler.ended), if it has one; never throws. */
  private notifyHandler(task: TaskEntity): void {
    const handler = this.registry.get(task.type)?.handler;
    if (!handler?.ended) return;
    void (async () => handler.ended!(task))().catch((err: unknown) =>
      this.logger.warn(
        `the ended hook of ${task.type} failed for task ${task.id}: ${(err as Error).message}`,
      ),
    );
  }

  private recordEnd(task: TaskEntity, seconds?: number): void {
    // Requests waiting for this task (`?wait=`), in any process, read it now.
    this.endBus.publish(task.id);
    this.notifyHandler(task);
    // One line per task end: what an operator greps for.
    this.logger.log(
      {
        task_id: task.id,
        task_type: task.type,
        status: task.status,
        attempts: task.attempts,
        cost_usd: task.costUsd ?? 0,
        ...(seconds !== undefined ? { duration_ms: Math.round(seconds * 1000) } : {}),
        ...(task.error && task.status !== 'succeeded' ? { error_code: task.error.code } : {}),
      },
      'task ended',
    );
    this.metrics.tasksFinished.inc({ type: task.type, status: task.status });
    if (task.costUsd > 0) this.metrics.taskCost.inc({ type: task.type }, task.costUsd);
    if (seconds !== undefined) {
      this.metrics.taskDuration.observe({ type: task.type, status: task.status }, seconds);
    }
  }
}
