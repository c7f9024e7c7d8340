import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { AppConfig } from '../../common/config/app.config';
import { redisOptions } from '../../common/redis/redis.options';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CALLBACKS_QUEUE, CallbackJobData } from './callback-queue';
import { CallbackSettings } from './callback-settings';

/**
 * The relay (worker role): takes delivery ids off the callbacks queue and hands them to the
 * delivery service. A retry keeps the same job, moved back to delayed until its next attempt.
 */
@Injectable()
export class CallbacksProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CallbacksProcessor.name);
  worker?: Worker<CallbackJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: CallbackSettings,
    private readonly delivery: CallbackDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker<CallbackJobData>(
      CALLBACKS_QUEUE,
      (job, token) => this.process(job, token),
      {
        connection: redisOptions(this.config, 'worker'),
        prefix: this.config.REDIS_PREFIX,
        concurrency: this.settings.concurrency,
        lockDuration: Math.max(this.config.QUEUE_LOCK_DURATION_MS, this.settings.timeoutMs * 2),
        stalledInterval: this.config.QUEUE_STALLED_INTERVAL_MS,
      },
    );
    this.worker.on('error', (err) => this.logger.warn(`callbacks worker: ${err.message}`));
    // An error here is not a failed POST (those are recorded on the row) but a broken attempt
    // (Postgres down…): the row stays open and the callbacks sweep queues it again.
    this.worker.on('failed', (job, err) =>
      this.logger.warn(`callback ${job?.data.deliveryId} not processed: ${err.message}`),
    );
  }

  async process(job: Job<CallbackJobData>, token?: string): Promise<void> {
    const again = await this.delivery.deliver(job.data.deliveryId);
    if (again) {
      await job.moveToDelayed(again.getTime(), token);
      throw new DelayedError();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Lets in-flight POSTs finish (each is bounded by CALLBACK_TIMEOUT_MS).
    await this.worker?.close();
  }
}
