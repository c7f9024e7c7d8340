import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../../../common/config/app.config';
import { REDIS } from '../../../common/redis/redis.module';
import { redisOptions } from '../../../common/redis/redis.options';

/**
 * Tells every worker process that a running task was cancelled, so the one running it aborts at
 * once. The flag in Postgres (checked at each progress report) covers a missed message.
 */
@Injectable()
export class CancelBus implements OnApplicationShutdown {
  private readonly logger = new Logger(CancelBus.name);
  private subscriber?: Redis;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private get channel(): string {
    return `${this.config.REDIS_PREFIX}:task-cancel`;
  }

  async publish(taskId: string): Promise<void> {
    await this.redis.publish(this.channel, taskId);
  }

  async subscribe(onCancel: (taskId: string) => void): Promise<void> {
    this.subscriber = new Redis(redisOptions(this.config, 'worker') as RedisOptions);
    this.subscriber.on('error', (err) => this.logger.warn(`cancel channel: ${err.message}`));
    this.subscriber.on('message', (_channel, taskId: string) => onCancel(taskId));
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
