import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { AppConfig } from '../../common/config/app.config';
import { MetricsService } from '../../common/metrics/metrics.service';
import { DeferredAdds } from '../../common/redis/deferred-adds';
import { redisOptions } from '../../common/redis/redis.options';

export const CALLBACKS_QUEUE = 'callbacks';

export interface CallbackJobData {
  deliveryId: string;
}

/**
 * Producer side of the callbacks queue. A job carries only the delivery id (the body stays in
 * Postgres) and its id *is* the delivery id, so adding a delivery that already has a job is a
 * no-op: the relay after commit, the sweep and a redelivery can all add without coordinating.
 * Jobs are removed when they end, so a job exists only while its delivery is in flight.
 */
@Injectable()
export class CallbackQueue implements OnApplicationShutdown {
  readonly queue: Queue<CallbackJobData>;

  constructor(config: AppConfig, metrics: MetricsService) {
    this.queue = new Queue(CALLBACKS_QUEUE, {
      connection: redisOptions(config, 'producer'),
      prefix: config.REDIS_PREFIX,
    });
    this.queue.on('error', () => undefined);
    metrics.trackQueues(() => [this.queue]);
  }

  private opts(id: string): JobsOptions {
    // Retries are scheduled from Postgres (next_attempt_at), not by BullMQ.
    return { jobId: id, attempts: 1, removeOnComplete: true, removeOnFail: true };
  }

  /** Deliveries written while Redis was unreachable: queued as soon as it is back. */
  private readonly deferred = new DeferredAdds<string>(
    'callbacks',
    (id) => id,
    (ids) => this.add(ids),
  );

  /** Queues deliveries; when Redis cannot take them now, as soon as it can (never throws). */
  addOrDefer(ids: string[]): Promise<boolean> {
    return this.deferred.addOrDefer(ids);
  }

  async add(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.queue.addBulk(
      ids.map((id) => ({ name: 'deliver', data: { deliveryId: id }, opts: this.opts(id) })),
    );
  }

  /** Adds the deliveries that have no job; returns how many were added. */
  async addMissing(ids: string[]): Promise<number> {
    const missing: string[] = [];
    for (const id of ids) if (!(await this.queue.getJob(id))) missing.push(id);
    await this.add(missing);
    return missing.length;
  }

  /** Sends at once: a job waiting out a retry delay is promoted, a missing one added. */
  async sendNow(id: string): Promise<void> {
    const job = await this.queue.getJob(id);
    if (job) {
      const state = await job.getState();
      if (state === 'delayed') return job.promote();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
      await job.remove().catch(() => undefined);
    }
    await this.add([id]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.deferred.stop();
    await this.queue.close().catch(() => undefined);
  }
}
