import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { delay, type RateLimiter } from '../core/rate-limiter';

/*
 * A counting semaphore per domain in Redis, shared by every worker process: a sorted set of
 * holders scored by their lease's expiry. Taking a slot drops expired holders first, so a worker
 * that died holding one frees it when its lease runs out; a live holder renews its lease while it
 * works.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 1
`;
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0
`;

/** Longest pause between two tries for a busy domain's slot. */
const MAX_POLL_MS = 250;

export interface DomainGateOptions {
  prefix: string;
  concurrency: number;
  ratePerMinute: number;
  /** A holder's lease, renewed every third of it while held. */
  leaseMs: number;
}

/**
 * Per-domain politeness for SMTP sessions: at most `concurrency` open at once to a domain, and
 * sessions started at most `ratePerMinute` a minute (the platform's shared GCRA limiter, keyed
 * by domain), both across all processes.
 */
export class DomainGate {
  constructor(
    private readonly redis: Redis,
    private readonly limiter: RateLimiter,
    private readonly opts: DomainGateOptions,
  ) {
    const r = redis as unknown as Record<string, unknown>;
    if (!r.assaySmtpTake) redis.defineCommand('assaySmtpTake', { numberOfKeys: 1, lua: TAKE });
    if (!r.assaySmtpRenew) redis.defineCommand('assaySmtpRenew', { numberOfKeys: 1, lua: RENEW });
  }

  /** Runs `fn` holding one of the domain's session slots (waits for one, abortable). */
  async run<T>(domain: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    const key = `${this.opts.prefix}:smtp:sessions:${domain}`;
    const token = randomBytes(8).toString('hex');
    const cmd = this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>;
    for (let wait = 10; ; wait = Math.min(MAX_POLL_MS, wait * 2)) {
      if (await cmd.assaySmtpTake(key, this.opts.concurrency, token, this.opts.leaseMs)) break;
      await delay(wait, signal);
    }
    const renew = setInterval(
      () => {
        cmd.assaySmtpRenew(key, token, this.opts.leaseMs).catch(() => undefined);
      },
      Math.max(50, this.opts.leaseMs / 3),
    );
    renew.unref();
    try {
      if (this.opts.ratePerMinute > 0)
        await this.limiter.acquire(
          'builtin_smtp',
          { perMinute: this.opts.ratePerMinute },
          signal,
          `domain:${domain}`,
        );
      return await fn();
    } finally {
      clearInterval(renew);
      await this.redis.zrem(key, token).catch(() => undefined);
    }
  }
}
