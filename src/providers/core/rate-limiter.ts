import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../common/config/app.config';
import { REDIS } from '../../common/redis/redis.module';
import type { RateLimits } from './enrichment-provider';
import { ProviderError } from './provider-error';

/*
 * Reservation-based GCRA, shared by every worker process through Redis. Each call reserves the
 * next free slot (slots are `interval` apart, interval = the strictest of the per-second and
 * per-minute limits, each window widened by RATE_LIMIT_MARGIN_MS) and waits for it, so calls
 * leave evenly spaced whatever the vendor's window alignment: a fixed or sliding window library
 * would let a burst straddle the vendor's window edge and draw 429s. Without the margin, calls
 * exactly 1000/N ms apart leave no room for jitter: one call a few ms late and the next one on
 * time put N + 1 calls into a strict vendor's second. A pause key (set from a 429's
 * Retry-After) pushes every reservation past the pause. Per-day limits are a plain counter per
 * UTC day. Redis TIME is the clock, so processes with skewed clocks agree.
 *
 * A process's first call to a provider, or its first after an idle spell, reaches the vendor
 * late: it pays the HTTP client's set-up and a new connection (TCP, TLS) after leaving the
 * limiter. Such a cold call pushes every later slot back by COLD_HEADROOM_MS, so its late
 * arrival cannot pack the vendor's window that it opens.
 *
 * An operation the vendor counts apart (ProviderMetadata.operationRateLimits, e.g. Apollo's bulk
 * endpoint) has a limiter of its own under the provider's: its own slots, day count and pause.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local maxWait = tonumber(ARGV[2])
local dayLimit = tonumber(ARGV[3])
local headroom = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
local start = math.max(tat, now, pause)
local wait = start - now
if wait > maxWait then return {-1, wait} end
if dayLimit > 0 then
  local used = tonumber(redis.call('GET', KEYS[3]) or '0')
  if used >= dayLimit then return {-2, 0} end
  redis.call('INCR', KEYS[3])
  redis.call('PEXPIRE', KEYS[3], 90000000)
end
if interval > 0 then
  -- PX takes whole ms; the interval rarely is one (3/s = 333.3 ms, or any margin).
  redis.call('SET', KEYS[1], start + interval + headroom, 'PX',
    math.ceil(math.max(wait + interval * 2 + headroom, 1000)))
end
return {0, wait}
`;

/** Idle time after which a process's next call counts as cold (undici drops idle sockets at 4 s). */
const COLD_AFTER_MS = 4000;
/** Room left after a cold call for its connection set-up. */
const COLD_HEADROOM_MS = 100;

export interface LimiterState {
  interval_ms: number;
  paused_for_ms: number;
  next_slot_in_ms: number;
  used_today: number;
  per_day: number | null;
  /** Why the provider is blocked (a block is a pause callers skip instead of waiting), or null. */
  blocked_reason: string | null;
}

@Injectable()
export class RateLimiter {
  /** When this process last took a slot, per limiter (to tell cold calls). */
  private readonly lastSlot = new Map<string, number>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    if (!(redis as unknown as { assayReserve?: unknown }).assayReserve) {
      redis.defineCommand('assayReserve', { numberOfKeys: 3, lua: RESERVE });
    }
  }

  /** The provider's limiter, or that of one of its operations counted apart. */
  private keys(providerId: string, operation?: string): [string, string, string] {
    const p = `${this.config.REDIS_PREFIX}:ratelimit:${providerId}${operation ? `:op:${operation}` : ''}`;
    const day = new Date().toISOString().slice(0, 10);
    return [`${p}:tat`, `${p}:pause`, `${p}:day:${day}`];
  }

  /** No per-second, per-minute or per-day limit: the limiter only holds calls back during a pause. */
  static pausesOnly(limits: RateLimits): boolean {
    return !limits.perSecond && !limits.perMinute && !limits.perDay;
  }

  /** Spacing of calls: the strictest of the per-second and per-minute limits, plus the margin. */
  static intervalMs(limits: RateLimits, marginMs = 0): number {
    const s = limits.perSecond ? (1000 + marginMs) / limits.perSecond : 0;
    const m = limits.perMinute ? (60000 + marginMs) / limits.perMinute : 0;
    return Math.max(s, m);
  }

  /**
   * Waits for this provider's next slot (up to RATE_LIMIT_MAX_WAIT_MS); returns the ms waited.
   * Throws RATE_LIMITED when the wait would be longer, QUOTA_EXHAUSTED when the day is used up.
   * With `operation`, the slot is that operation's own (an operation counted apart).
   */
  async acquire(
    providerId: string,
    limits: RateLimits,
    signal?: AbortSignal,
    operation?: string,
    pauseAhead?: Promise<number>,
  ): Promise<number> {
    const interval = RateLimiter.intervalMs(limits, this.config.RATE_LIMIT_MARGIN_MS);
    const name = operation ? `${providerId} ${operation}` : providerId;
    const keys = this.keys(providerId, operation);
    const maxWait = this.config.RATE_LIMIT_MAX_WAIT_MS;
    if (RateLimiter.pausesOnly(limits)) {
      const paused = await (pauseAhead ?? this.pausedForMs(keys[1]));
      if (paused > maxWait) {
        throw new ProviderError(
          'RATE_LIMITED',
          `${name} is paused for ${paused} ms, more than the ${maxWait} ms max wait`,
          { retryAfterMs: paused, providerId },
        );
      }
      if (paused > 0) await delay(paused, signal);
      return paused;
    }
    const sentAt = performance.now();
    // Marked before the round trip, so of concurrent first calls only one counts as cold.
    const last = this.lastSlot.get(keys[0]);
    const cold = last === undefined || sentAt - last > COLD_AFTER_MS;
    this.lastSlot.set(keys[0], sentAt);
    const [code, wait] = (await (
      this.redis as unknown as Record<string, (...a: unknown[]) => Promise<[number, number]>>
    ).assayReserve(
      ...keys,
      interval,
      maxWait,
      limits.perDay ?? 0,
      cold && interval > 0 ? COLD_HEADROOM_MS : 0,
    )) as [number, number];
    if (code === -1) {
      throw new ProviderError(
        'RATE_LIMITED',
        `rate limit of ${name}: next slot in ${wait} ms exceeds the ${maxWait} ms max wait`,
        {
          retryAfterMs: wait,
          providerId,
        },
      );
    }
    if (code === -2) {
      throw new ProviderError(
        'QUOTA_EXHAUSTED',
        `daily limit of ${limits.perDay} calls to ${name} is used up`,
        { providerId },
      );
    }
    // The slot is `wait` ms after Redis ran the script, i.e. after the reservation was sent: count
    // from then, not from when a busy event loop got round to the reply, or the call leaves late
    // (and bunches with the next one at the vendor).
    const left = wait - (performance.now() - sentAt);
    if (left > 0) await delay(left, signal);
    return wait;
  }

  /**
   * For a limiter that only honours pauses (no per-second, per-minute or per-day limit): its
   * pause, read now so the caller can read it side by side with other work (the answer cache) and
   * hand it to acquire() as `pauseAhead`. Undefined for limiters whose slot must be reserved at
   * the time of the call. Never rejects unobserved: a failed read rejects acquire() instead.
   */
  readPauseAhead(
    providerId: string,
    limits: RateLimits,
    operation?: string,
  ): Promise<number> | undefined {
    if (!RateLimiter.pausesOnly(limits)) return undefined;
    const ahead = this.pausedForMs(this.keys(providerId, operation)[1]);
    ahead.catch(() => undefined);
    return ahead;
  }

  /**
   * Pauses every process's calls to this provider (a vendor 429 with Retry-After), or to one of
   * its operations counted apart.
   */
  async pause(providerId: string, ms: number, operation?: string): Promise<void> {
    const [, pauseKey] = this.keys(providerId, operation);
    const t = await this.redis.time();
    const now = Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000);
    const until = now + Math.max(0, Math.round(ms));
    const current = Number((await this.redis.get(pauseKey)) ?? 0);
    if (until > current)
      await this.redis.set(pauseKey, String(until), 'PX', Math.max(1, Math.round(ms)) + 1000);
  }

  /**
   * Blocks the provider (seed 004's rule: a CAPTCHA page, or a 429 without Retry-After): the pause
   * of a 429, for every process, plus why, so that callers skip the provider instead of waiting.
   */
  async block(providerId: string, ms: number, reason: string): Promise<void> {
    await this.pause(providerId, ms);
    await this.redis.set(this.blockKey(providerId), reason, 'PX', Math.max(1, Math.round(ms)));
  }

  /** The provider's running block (why, and for how much longer), or null. */
  async blocked(providerId: string): Promise<{ reason: string; ms: number } | null> {
    const key = this.blockKey(providerId);
    const [reason, ms] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return reason !== null && ms > 0 ? { reason, ms } : null;
  }

  private blockKey(providerId: string): string {
    return `${this.config.REDIS_PREFIX}:ratelimit:${providerId}:blocked`;
  }

  private async pausedForMs(pauseKey: string): Promise<number> {
    const until = Number((await this.redis.get(pauseKey)) ?? 0);
    return Math.max(0, until - Date.now());
  }

  async state(providerId: string, limits: RateLimits, operation?: string): Promise<LimiterState> {
    const [tatKey, pauseKey, dayKey] = this.keys(providerId, operation);
    const [tat, pause, used, blocked] = await this.redis.mget(
      tatKey,
      pauseKey,
      dayKey,
      this.blockKey(providerId),
    );
    const now = Date.now();
    return {
      interval_ms: Math.round(RateLimiter.intervalMs(limits, this.config.RATE_LIMIT_MARGIN_MS)),
      paused_for_ms: Math.max(0, Number(pause ?? 0) - now),
      next_slot_in_ms: Math.max(0, Number(tat ?? 0) - now),
      used_today: Number(used ?? 0),
      per_day: limits.perDay ?? null,
      blocked_reason: blocked ?? null,
    };
  }
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
