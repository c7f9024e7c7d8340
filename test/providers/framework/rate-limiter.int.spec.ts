import Redis from 'ioredis';
import { loadConfig } from '../../../src/common/config/app.config';
import { ProviderError } from '../../../src/providers/core/provider-error';
import { RateLimiter } from '../../../src/providers/core/rate-limiter';
import { REDIS_URL } from '../../support/env';
import { testEnv } from '../../support/test-app';

/**
 * The shared limiter itself, on real Redis. Two RateLimiter instances on separate Redis
 * connections stand for two processes. Assertions use the waits Redis computes (what each caller
 * is told to wait), not wall-clock measurements.
 */
describe('RateLimiter (Redis GCRA shared by every process)', () => {
  const MARGIN = 15;
  const COLD_HEADROOM = 100;
  const connections: Redis[] = [];
  const limiter = (prefix: string, env: Record<string, string> = {}) => {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    const config = loadConfig(
      testEnv({ REDIS_PREFIX: prefix, RATE_LIMIT_MARGIN_MS: String(MARGIN), ...env }),
    );
    return new RateLimiter(redis, config);
  };
  const newPrefix = () => testEnv().REDIS_PREFIX;
  const rejection = async (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  afterAll(async () => {
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('spaces slots (1000 + margin) / N apart across processes, even when that is no whole ms', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix), limiter(prefix)];
    const limits = { perSecond: 3 }; // (1000 + 15) / 3 = 338.33 ms
    const interval = (1000 + MARGIN) / 3;
    // Three calls from "process" A and two from B, all at once. Each is told when its slot comes;
    // the first call of each process is cold and leaves COLD_HEADROOM before the next slot.
    const waits = (
      await Promise.all([
        a.acquire('p', limits),
        a.acquire('p', limits),
        a.acquire('p', limits),
        b.acquire('p', limits),
        b.acquire('p', limits),
      ])
    ).sort((x, y) => x - y);
    expect(waits[0]).toBe(0);
    const gaps = waits.slice(1).map((w, k) => w - waits[k]);
    // A gap is one interval, or one interval plus the headroom after a cold call, less the time
    // that passed between the two reservations (each wait counts from its own reservation): a few
    // ms, tens on a loaded machine. 60 ms of slack still tells the two cases apart (100 ms).
    const near = (gap: number, target: number) => gap > target - 60 && gap <= target + 1;
    for (const g of gaps) expect(near(g, interval) || near(g, interval + COLD_HEADROOM)).toBe(true);
    const cold = gaps.filter((g) => near(g, interval + COLD_HEADROOM)).length;
    expect([1, 2]).toContain(cold); // A's first and B's first (unless B's came last)
    expect((await a.state('p', limits)).interval_ms).toBe(Math.round(interval));
  });

  it('a 429 pause set by one process holds back the next call of another', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix), limiter(prefix)];
    await a.pause('p', 600);
    expect((await b.state('p', {})).paused_for_ms).toBeGreaterThan(400);
    const t0 = performance.now();
    // A provider without limits still honours the pause…
    await b.acquire('p', {});
    expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
    // …and one with limits is told to wait past it.
    await a.pause('q', 800);
    expect(await b.acquire('q', { perSecond: 100 })).toBeGreaterThan(600);
  });

  it('a pause read ahead (side by side with the cache) holds the call back like one read in acquire', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix), limiter(prefix)];
    // Only a limiter without spacing or day limits reads ahead: the others reserve at call time.
    expect(b.readPauseAhead('p', { perSecond: 5 })).toBeUndefined();
    expect(b.readPauseAhead('p', { perDay: 5 })).toBeUndefined();
    expect(await b.readPauseAhead('p', {})).toBe(0);
    await a.pause('p', 600);
    const ahead = b.readPauseAhead('p', {});
    expect(await ahead).toBeGreaterThan(400);
    const t0 = performance.now();
    expect(await b.acquire('p', {}, undefined, undefined, ahead)).toBeGreaterThan(400);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
    // An operation counted apart reads its own pause.
    await a.pause('p', 600, 'bulk');
    expect(await b.readPauseAhead('p', {}, 'other')).toBe(0);
    expect(await b.readPauseAhead('p', {}, 'bulk')).toBeGreaterThan(400);
  });

  it('a block is a pause with a reason: callers see it, and a pause past the max wait fails at once even without limits', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix, { RATE_LIMIT_MAX_WAIT_MS: '1000' }), limiter(prefix)];
    expect(await b.blocked('p')).toBeNull();
    await a.block('p', 5000, 'an anti-bot / CAPTCHA page (BLOCKED, HTTP 200)');
    const block = await b.blocked('p');
    expect(block).toMatchObject({ reason: 'an anti-bot / CAPTCHA page (BLOCKED, HTTP 200)' });
    expect(block!.ms).toBeGreaterThan(3000);
    expect(block!.ms).toBeLessThanOrEqual(5000);
    expect(await b.state('p', {})).toMatchObject({
      blocked_reason: 'an anti-bot / CAPTCHA page (BLOCKED, HTTP 200)',
      paused_for_ms: expect.any(Number),
    });
    // A provider without limits is told at once, instead of sleeping through the pause.
    const t0 = performance.now();
    const e = (await rejection(a.acquire('p', {}))) as ProviderError;
    expect(e).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(e.retryAfterMs).toBeGreaterThan(3000);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await b.blocked('other')).toBeNull();
  });

  it('per-day limit: QUOTA_EXHAUSTED once the day is used up, counted across processes', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix), limiter(prefix)];
    await a.acquire('p', { perDay: 2 });
    await b.acquire('p', { perDay: 2 });
    const e = await rejection(a.acquire('p', { perDay: 2 }));
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    expect((await b.state('p', { perDay: 2 })).used_today).toBe(2);
  });

  it('fails RATE_LIMITED (with the wait as retryAfterMs) instead of waiting past the max wait', async () => {
    const a = limiter(newPrefix(), { RATE_LIMIT_MAX_WAIT_MS: '300' });
    await a.acquire('p', { perSecond: 1 });
    const e = (await rejection(a.acquire('p', { perSecond: 1 }))) as ProviderError;
    expect(e).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(e.retryAfterMs).toBeGreaterThan(900);
  });

  it('stops waiting as soon as the caller aborts', async () => {
    const a = limiter(newPrefix());
    await a.acquire('p', { perSecond: 1 });
    const ctrl = new AbortController();
    const waiting = rejection(a.acquire('p', { perSecond: 1 }, ctrl.signal));
    const t0 = performance.now();
    ctrl.abort(new Error('cancelled by the test'));
    expect(((await waiting) as Error).message).toBe('cancelled by the test');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
