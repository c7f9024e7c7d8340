import type { RedisOptions } from 'bullmq';
import type { AppConfig } from '../config/app.config';

/**
 * ioredis options from REDIS_URL, set as BullMQ asks for production: workers (blocking
 * connections) retry forever (`maxRetriesPerRequest: null`); producers fail fast
 * (`enableOfflineQueue: false`) so an HTTP request never hangs on a dead Redis.
 */
export function redisOptions(config: AppConfig, role: 'producer' | 'worker'): RedisOptions {
  const u = new URL(config.REDIS_URL);
  const opts: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) || 0 : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: config.STARTUP_CONNECT_TIMEOUT_MS,
    // Reconnect at least every second: work accepted during an outage waits for this.
    retryStrategy: (times) => Math.min(times * 100, 1000),
  };
  if (role === 'worker') {
    opts.maxRetriesPerRequest = null;
  } else {
    opts.maxRetriesPerRequest = 1;
    opts.enableOfflineQueue = false;
  }
  return opts;
}
