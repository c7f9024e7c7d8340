import type { ProviderMetadata } from '../core/enrichment-provider';

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
  // HUNTER_VERIFY_POLL_MS, HUNTER_VERIFY_MAX_POLLS: checked with the platform's settings.
  settingsProblems: (extra) => hunterSettingsProblems(extra),
};

export interface HunterPollOptions {
  intervalMs: number;
  maxPolls: number;
}

type Extra = Readonly<Record<string, string | undefined>>;

/** Hunter's own settings: name (without `HUNTER_`), default, least value. */
const POLL_SETTINGS = {
  VERIFY_POLL_MS: { def: HUNTER_DEFAULT_POLL_MS, min: 0 },
  VERIFY_MAX_POLLS: { def: HUNTER_DEFAULT_MAX_POLLS, min: 1 },
} as const;

const raw = (extra: Extra, name: string) => extra[name]?.trim() || undefined;
const isWhole = (v: string, min: number) => /^\d+$/.test(v) && Number(v) >= min;

/** Every invalid `HUNTER_VERIFY_*` value, one line each: start-up refuses them. */
export function hunterSettingsProblems(extra: Extra): string[] {
  return Object.entries(POLL_SETTINGS).flatMap(([name, { min }]) => {
    const v = raw(extra, name);
    return v === undefined || isWhole(v, min)
      ? []
      : [`HUNTER_${name} must be a whole number ≥ ${min} (got "${v}")`];
  });
}

/** HUNTER_VERIFY_POLL_MS and HUNTER_VERIFY_MAX_POLLS (validated at start-up), or their defaults. */
export function hunterPollOptions(extra: Extra): HunterPollOptions {
  const read = (name: keyof typeof POLL_SETTINGS) => {
    const v = raw(extra, name);
    return v !== undefined && isWhole(v, POLL_SETTINGS[name].min)
      ? Number(v)
      : POLL_SETTINGS[name].def;
  };
  return { intervalMs: read('VERIFY_POLL_MS'), maxPolls: read('VERIFY_MAX_POLLS') };
}
