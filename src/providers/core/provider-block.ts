import type { ProviderMetadata } from './enrichment-provider';
import { ProviderError } from './provider-error';
import { type ProviderSettings, settingsPrefix } from './provider-settings';

/*
 * Seed 004's rule ("a provider that answers a CAPTCHA page or 429 is blocked for an hour"), for
 * the providers that declare `pauseWhenBlocked`. A block is the shared rate limiter's pause (the
 * one a 429's Retry-After sets), for `<ID>_BLOCK_PAUSE_SECONDS`, plus its reason: while it runs,
 * calls fail RATE_LIMITED at once instead of waiting, so a waterfall moves on to the next provider.
 */

/** A block to trip: how long, and why (our words only: the reason is shown by the listing). */
export interface BlockTrip {
  ms: number;
  reason: string;
}

const SCRAPER_WALL = /captcha|anti-bot|challenge/i;

/**
 * The block a failure trips: an answer the adapter marked BLOCKED (a CAPTCHA / challenge page), or
 * a 429 without Retry-After. A 429 with Retry-After is waited out as for every provider (the
 * limiter's own RATE_LIMITED always carries one, so it never trips a block).
 */
export function blockTrip(
  meta: ProviderMetadata,
  settings: ProviderSettings,
  err: unknown,
): BlockTrip | undefined {
  if (!meta.pauseWhenBlocked || meta.failureScope === 'target') return undefined;
  if (!(err instanceof ProviderError) || settings.blockPauseSeconds <= 0) return undefined;
  const ms = settings.blockPauseSeconds * 1000;
  const http = err.status ? `HTTP ${err.status}` : 'no HTTP status';
  if (err.code === 'BLOCKED') {
    const what = SCRAPER_WALL.test(err.message) ? 'an anti-bot / CAPTCHA page' : 'a refusal';
    return { ms, reason: `${what} (BLOCKED, ${http})` };
  }
  if (err.code === 'RATE_LIMITED' && err.retryAfterMs === undefined) {
    return { ms, reason: `a rate limit without Retry-After (RATE_LIMITED, ${http})` };
  }
  return undefined;
}

const pauseSetting = (providerId: string) => `${settingsPrefix(providerId)}BLOCK_PAUSE_SECONDS`;

/** The error the tripping call leaves with: the adapter's own, saying the provider is now paused. */
export function trippedError(
  err: ProviderError,
  providerId: string,
  trip: BlockTrip,
): ProviderError {
  return new ProviderError(
    err.code,
    `${err.message}; ${providerId} is paused for ${Math.round(trip.ms / 1000)} s (${pauseSetting(providerId)})`,
    {
      status: err.status,
      retryAfterMs: trip.ms,
      retryable: err.retryable,
      providerId,
      cause: err.cause,
    },
  );
}

/** A call while the provider is blocked: RATE_LIMITED for the rest of the pause, no vendor call. */
export function whileBlockedError(
  providerId: string,
  block: { reason: string; ms: number },
): ProviderError {
  return new ProviderError(
    'RATE_LIMITED',
    `${providerId} is paused for another ${Math.ceil(block.ms / 1000)} s after ${block.reason} (${pauseSetting(providerId)})`,
    { retryAfterMs: block.ms, providerId },
  );
}
