import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '../../../common/config/app.config';
import { MetricsService } from '../../../common/metrics/metrics.service';
import { DeferredAdds } from '../../../common/redis/deferred-adds';
import { redisOptions } from '../../../common/redis/redis.options';
import type { TaskEntity } from '../task.entity';
import { TaskRegistry } from './task-registry';

export interface TaskJobData {
  taskId: string;
}

/**
 * Producer side of the task queues. A job carries only the task id (the payload stays in
 * Postgres: BullMQ keeps job data in clear text) and its id *is* the task id.
 */
@Injectable()
export class TaskQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue<TaskJobData>>();
  /** Tasks stored while Redis was unreachable: queued as soon as it is back. */
  private readonly deferred = new DeferredAdds<Pick<TaskEntity, 'id' | 'type' | 'priority'>>(
    'tasks',
    (t) => t.id,
    (tasks) => this.enqueueMany(tasks),
  );

  constructor(
    private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    metrics: MetricsService,
  ) {
    metrics.trackQueues(() => this.allQueues());
  }

  /**
   * Enqueues stored tasks; when Redis cannot take them now, they are kept and enqueued as soon as
   * it can (never throws).
   */
  enqueueOrDefer(tasks: Pick<TaskEntity, 'id' | 'type' | 'priority'>[]): Promise<boolean> {
    return this.deferred.addOrDefer(tasks);
  }

  queueFor(taskType: string): Queue<TaskJobData> {
    const type = this.registry.get(taskType);
    if (!type) throw new Error(`unknown task type ${taskType}`);
    return this.queue(type.queue);
  }

  queue(name: string): Queue<TaskJobData> {
    const existing = this.queues.get(name);
    if (existing) return existing;
    const q: Queue<TaskJobData> = new Queue(name, {
      connection: redisOptions(this.config, 'producer'),
      prefix: this.config.REDIS_PREFIX,
    });
    q.on('error', () => undefined);
    this.queues.set(name, q);
    return q;
  }

  /** Every queue the registry knows about, created if needed. */
  allQueues(): Queue<TaskJobData>[] {
    for (const name of this.registry.queues().keys()) this.queue(name);
    return [...this.queues.values()];
  }

  jobOptions(task: Pick<TaskEntity, 'id' | 'priority'>, delayMs = 0): JobsOptions {
    return {
      jobId: task.id,
      // Retries are decided by the task engine from the attempts stored in Postgres.
      attempts: 1,
      priority: task.priority > 0 ? task.priority : undefined,
      delay: delayMs > 0 ? delayMs : undefined,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
    };
  }

  async enqueueMany(tasks: Pick<TaskEntity, 'id' | 'type' | 'priority'>[]): Promise<void> {
    const byQueue = new Map<Queue<TaskJobData>, typeof tasks>();
    for (const t of tasks) {
      const q = this.queueFor(t.type);
      // push, not a copy per task (quadratic for a batch of 1,000)
      const list = byQueue.get(q);
      if (list) list.push(t);
      else byQueue.set(q, [t]);
    }
    for (const [q, list] of byQueue) {
      if (list.length === 1) {
        // One job: a plain add (one script call). addBulk builds a MULTI pipeline, and ioredis
        // defines every loaded script on each pipeline it creates — a large share of a single
        // create's CPU.
        const [t] = list;
        await q.add(t.type, { taskId: t.id }, this.jobOptions(t));
        continue;
      }
      for (let i = 0; i < list.length; i += 1000) {
        await q.addBulk(
          list.slice(i, i + 1000).map((t) => ({
            name: t.type,
            data: { taskId: t.id },
            opts: this.jobOptions(t),
          })),
        );
      }
    }
  }

  /**
   * Enqueues a task whose earlier job may still sit in Redis: a finished job with the same id is
   * removed first (BullMQ ignores adds of an existing id); a waiting/active/delayed one is left.
   */
  async enqueue(task: Pick<TaskEntity, 'id' | 'type' | 'priority'>, delayMs = 0): Promise<void> {
    const q = this.queueFor(task.type);
    const existing = await q.getJob(task.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
      await existing.remove().catch(() => undefined);
    }
    await q.add(task.type, { taskId: task.id }, this.jobOptions(task, delayMs));
  }

  /** Removes a job that is not running (cancel of a queued task). */
  async removeIfIdle(task: Pick<TaskEntity, 'id' | 'type'>): Promise<void> {
    const job: Job | undefined = await this.queueFor(task.type).getJob(task.id);
    if (!job) return;
    const state = await job.getState();
    if (state !== 'active') await job.remove().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.deferred.stop();
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
