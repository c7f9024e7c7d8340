import type { ProviderMetadata } from '../core/enrichment-provider';
import type { ProviderSettings } from '../core/provider-settings';

/**
 * Operation names (`request.operation`). A capability's default operation is its own name (the
 * platform's rule): `email.find` alone is the email-finder, `email.verify` alone the verifier.
 * `account` (free, never cached) is accepted under either capability.
 */
export const HUNTER_OPERATIONS = {
  /** `email.find`: GET /email-finder (one person at a domain or company) */
  EMAIL_FINDER: 'email.find',
  /** `email.find` operation `domain-search`: GET /domain-search (a domain's emails, paged) */
  DOMAIN_SEARCH: 'domain-search',
  /** `email.verify`: GET /email-verifier, once per address (202 polled) */
  EMAIL_VERIFIER: 'email.verify',
  /** `account` (of `email.verify` or `email.find`): GET /account, the plan's quota */
  ACCOUNT: 'account',
} as const;

/**
 * Assumed list prices (Hunter Starter, monthly: $49 for 2,000 credits; a search credit is one
 * credit, a verification half of one). Set your contract's with HUNTER_PRICES, e.g.
 * `{"perResultUsd":0.02,"models":{"email.verify":{"perResultUsd":0.01}}}`.
 */
export const HUNTER_USD_PER_SEARCH_CREDIT = 0.0245;
export const HUNTER_USD_PER_VERIFICATION = 0.01225;
/** The price key of verifications in the cost model (`models["email.verify"]`). */
export const HUNTER_VERIFY_PRICE_KEY = 'email.verify';

/** 202 "still in progress": ask again this often (HUNTER_VERIFY_POLL_MS) … */
export const HUNTER_DEFAULT_POLL_MS = 3_000;
/** … at most this many requests per address (HUNTER_VERIFY_MAX_POLLS). */
export const HUNTER_DEFAULT_MAX_POLLS = 10;

const DAY = 24 * 3600;

export const HUNTER_METADATA: ProviderMetadata = {
  id: 'hunter',
  capabilities: ['email.find', 'email.verify'],
  description:
    'Hunter.io API v2: email-finder and domain-search (email.find), email-verifier (email.verify), account quota',
  baseUrl: 'https://api.hunter.io/v2',
  // Per endpoint and key (VENDORS.md §2): domain-search and email-finder 15/s and 500/min,
  // email-verifier 10/s and 300/min. The provider's limits are the email-finder's (account
  // shares them); the other two endpoints count apart.
  rateLimits: { perSecond: 15, perMinute: 500 },
  operationRateLimits: {
    'domain-search': { perSecond: 15, perMinute: 500 },
    'email.verify': { perSecond: 10, perMinute: 300 },
  },
  // Found emails are vendor data (30 days); a verdict ages faster (7 days); quota is live.
  cacheTtlSeconds: { '*': 30 * DAY, 'email.verify': 7 * DAY, account: 0 },
  // perResultUsd: per search credit; models["email.verify"]: per charged verification.
  cost: {
    perResultUsd: HUNTER_USD_PER_SEARCH_CREDIT,
    maxResultsPerCall: 1,
    models: { [HUNTER_VERIFY_PRICE_KEY]: { perResultUsd: HUNTER_USD_PER_VERIFICATION } },
  },
  // A call verifies up to 50 addresses one after another, each possibly polled.
  timeoutMs: 120_000,
};

export interface HunterPollOptions {
  intervalMs: number;
  maxPolls: number;
}

/** HUNTER_VERIFY_POLL_MS (≥ 0) and HUNTER_VERIFY_MAX_POLLS (≥ 1); checked at boot by configure(). */
export function hunterPollOptions(settings: ProviderSettings): HunterPollOptions {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = settings.extra[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`HUNTER_${name} must be a whole number ≥ ${min} (got "${raw}")`);
    }
    return n;
  };
  return {
    intervalMs: read('VERIFY_POLL_MS', HUNTER_DEFAULT_POLL_MS, 0),
    maxPolls: read('VERIFY_MAX_POLLS', HUNTER_DEFAULT_MAX_POLLS, 1),
  };
}
