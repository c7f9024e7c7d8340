import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app.config';
import { redisOptions } from './redis.options';

export const REDIS = Symbol('REDIS');

/**
 * One shared command connection (health checks, cancel publishing, rate-limiter keys). Unlike the
 * queue producers it keeps an offline queue, so a short Redis blip delays these small commands
 * instead of failing them; callers bound their waits (health checks time out after 2 s).
 */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const r = new Redis({
          ...redisOptions(config, 'producer'),
          enableOfflineQueue: true,
        } as RedisOptions);
        r.on('error', () => undefined);
        return r;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
