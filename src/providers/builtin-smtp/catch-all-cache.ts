import type Redis from 'ioredis';

/** Whether a domain accepts any address, per domain in Redis for a TTL. */
export class CatchAllCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(domain: string) {
    return `${this.prefix}:smtp:catchall:${domain}`;
  }

  async get(domain: string): Promise<boolean | null> {
    if (this.ttlSeconds <= 0) return null;
    const v = await this.redis.get(this.key(domain)).catch(() => null);
    return v === '1' ? true : v === '0' ? false : null;
  }

  async set(domain: string, catchAll: boolean): Promise<void> {
    if (this.ttlSeconds <= 0) return;
    await this.redis
      .set(this.key(domain), catchAll ? '1' : '0', 'EX', this.ttlSeconds)
      .catch(() => undefined);
  }
}
