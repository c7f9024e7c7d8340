import { Injectable } from '@nestjs/common';
import { MetricsService } from '../../metrics/metrics.service';
import type { TaskEntity, TaskErrorInfo, TaskStatus } from '../task.entity';
import { TasksRepository } from '../tasks.repository';

/**
 * Every transition of a task to a final state goes through here, so that metrics (and, later,
 * the callback outbox written in the same transaction) see each end exactly once.
 */
@Injectable()
export class TaskLifecycle {
  constructor(
    private readonly repo: TasksRepository,
    private readonly metrics: MetricsService,
  ) {}

  async succeed(task: TaskEntity, result: unknown, seconds?: number): Promise<TaskEntity | null> {
    const done = await this.repo.finish(task.id, 'succeeded', {
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
    const done = await this.repo.finish(task.id, 'failed', {
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
    const done = await this.repo.finish(
      task.id,
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
      undefined,
      from,
    );
    if (done) this.recordEnd(done, seconds);
    return done;
  }

  async scheduleRetry(task: TaskEntity, error: TaskErrorInfo, delayMs: number): Promise<void> {
    await this.repo.markRetrying(task.id, error, new Date(Date.now() + delayMs));
    this.metrics.taskAttemptsRetried.inc({ type: task.type, code: error.code });
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

  private recordEnd(task: TaskEntity, seconds?: number): void {
    this.metrics.tasksFinished.inc({ type: task.type, status: task.status });
    if (seconds !== undefined) {
      this.metrics.taskDuration.observe({ type: task.type, status: task.status }, seconds);
    }
  }
}
