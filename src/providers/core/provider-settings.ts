import type {
  CostModel,
  EnrichmentProvider,
  ProviderMetadata,
  RateLimits,
} from './enrichment-provider';

/** A provider's effective settings: its declared defaults overridden by `<ID>_*` variables. */
export interface ProviderSettings {
  id: string;
  apiKey?: string;
  baseUrl?: string;
  model?: string;
  enabled: boolean;
  configured: boolean;
  timeoutMs: number;
  maxConcurrency: number;
  rateLimits: RateLimits;
  /** Limits of the operations counted apart (see ProviderMetadata.operationRateLimits). */
  operationRateLimits: Readonly<Record<string, RateLimits>>;
  cacheTtlSeconds: number | Record<string, number>;
  cost: CostModel;
  /**
   * How long a block pauses the provider (`<ID>_BLOCK_PAUSE_SECONDS`, default one hour; 0 = never):
   * a CAPTCHA page or a 429 without Retry-After, for providers that declare `pauseWhenBlocked`.
   */
  blockPauseSeconds: number;
  /** Every `<ID>_*` variable, for provider-specific options (e.g. `GEMINI_EMBED_MODEL`). */
  extra: Readonly<Record<string, string>>;
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

const BOOL_TRUE = /^(true|1|yes|on)$/i;
const BOOL_FALSE = /^(false|0|no|off)$/i;

/** What each numeric `<ID>_*` setting must be, for the message. */
const NUMERIC: Record<string, { min: number; integer: boolean; what: string }> = {
  TIMEOUT_MS: { min: 1, integer: true, what: 'a whole number of milliseconds ≥ 1, e.g. 20000' },
  MAX_CONCURRENCY: { min: 1, integer: true, what: 'a whole number ≥ 1' },
  RATE_PER_SECOND: { min: 0, integer: false, what: 'a number ≥ 0 of calls' },
  RATE_PER_MINUTE: { min: 0, integer: false, what: 'a number ≥ 0 of calls' },
  RATE_PER_DAY: { min: 0, integer: false, what: 'a number ≥ 0 of calls' },
  CACHE_TTL_SECONDS: { min: 0, integer: true, what: 'a whole number of seconds ≥ 0' },
  BLOCK_PAUSE_SECONDS: {
    min: 0,
    integer: true,
    what: 'a whole number of seconds ≥ 0 (0 = never pause), e.g. 3600',
  },
};

/** A block (CAPTCHA page, 429 without Retry-After) pauses a provider this long by default (seed 004). */
export const DEFAULT_BLOCK_PAUSE_SECONDS = 3600;

/** The `<ID>_` prefix of a provider's environment variables. */
export const settingsPrefix = (id: string) => `${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;

/** An operation's part of its limit variables: `person.enrich` → `PERSON_ENRICH_`. */
export const operationPrefix = (operation: string) =>
  `${operation.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;

const WINDOWS = {
  perSecond: 'RATE_PER_SECOND',
  perMinute: 'RATE_PER_MINUTE',
  perDay: 'RATE_PER_DAY',
};

/** Declared limits with the `<prefix>RATE_PER_*` variables of `extra` laid over them. */
function limitsFrom(declared: RateLimits, extra: Record<string, string>, prefix = ''): RateLimits {
  const out: RateLimits = {};
  for (const [w, suffix] of Object.entries(WINDOWS) as Array<[keyof RateLimits, string]>)
    out[w] = num(extra[prefix + suffix]) ?? declared[w];
  return out;
}

/**
 * Every invalid `<ID>_*` value of a provider, as one line each naming the variable, what it must
 * be and what it got (never a key). Empty when all are valid. A wrong value is refused rather
 * than silently replaced by the default (`APOLLO_TIMEOUT_MS=30s` used to become 20000, and
 * `APOLLO_ENABLED=flase` left Apollo on).
 */
export function providerSettingsProblems(
  id: string,
  env: Readonly<Record<string, string | undefined>>,
  /** Operations with limits of their own (their `<ID>_<OPERATION>_RATE_PER_*` are checked too). */
  operations: readonly string[] = [],
  /** The provider's checks of its own settings (ProviderMetadata.settingsProblems). */
  own?: ProviderMetadata['settingsProblems'],
): string[] {
  const prefix = settingsPrefix(id);
  const problems: string[] = [];
  if (own) {
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries(env))
      if (k.startsWith(prefix) && v !== undefined) extra[k.slice(prefix.length)] = v;
    problems.push(...own(extra));
  }
  const value = (suffix: string) => {
    const v = env[prefix + suffix];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const rules = Object.entries(NUMERIC);
  for (const op of operations)
    for (const w of Object.values(WINDOWS)) rules.push([operationPrefix(op) + w, NUMERIC[w]]);
  for (const [suffix, rule] of rules) {
    const v = value(suffix);
    if (v === undefined) continue;
    const n = Number(v);
    if (
      !/^\d+(\.\d+)?$/.test(v) ||
      !Number.isFinite(n) ||
      n < rule.min ||
      (rule.integer && !Number.isInteger(n))
    ) {
      problems.push(`${prefix}${suffix} must be ${rule.what} (got ${JSON.stringify(v)})`);
    }
  }
  const enabled = value('ENABLED');
  if (enabled !== undefined && !BOOL_TRUE.test(enabled) && !BOOL_FALSE.test(enabled)) {
    problems.push(
      `${prefix}ENABLED must be true or false (also 1/0, yes/no, on/off) (got ${JSON.stringify(enabled)})`,
    );
  }
  const base = value('BASE_URL');
  if (base !== undefined && !/^https?:\/\/[^\s]+$/i.test(base)) {
    problems.push(`${prefix}BASE_URL must be an http(s) URL (got a value that is not)`);
  }
  const prices = value('PRICES');
  if (prices !== undefined) {
    try {
      const parsed: unknown = JSON.parse(prices);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
    } catch {
      problems.push(
        `${prefix}PRICES must be JSON like {"perCallUsd":0.01,"models":{"m":{"inputPerMTokUsd":0.1}}}`,
      );
    }
  }
  return problems;
}

export class ProviderSettingsError extends Error {}

/**
 * Reads `<ID>_API_KEY`, `<ID>_BASE_URL`, `<ID>_MODEL`, `<ID>_ENABLED`, `<ID>_TIMEOUT_MS`,
 * `<ID>_MAX_CONCURRENCY`, `<ID>_RATE_PER_SECOND|MINUTE|DAY` (and `<ID>_<OPERATION>_RATE_PER_*` for
 * operations with limits of their own), `<ID>_CACHE_TTL_SECONDS`,
 * `<ID>_BLOCK_PAUSE_SECONDS` and `<ID>_PRICES` (JSON CostModel, merged over the defaults) from
 * the environment snapshot.
 * `configured` is decided by the adapter's `isConfigured` when it has one, else by `requiresApiKey`.
 */
export function resolveProviderSettings(
  meta: ProviderMetadata,
  env: Readonly<Record<string, string | undefined>>,
  defaults: { timeoutMs: number; maxConcurrency: number },
  adapter?: Pick<EnrichmentProvider, 'isConfigured'>,
): ProviderSettings {
  const problems = providerSettingsProblems(
    meta.id,
    env,
    Object.keys(meta.operationRateLimits ?? {}),
    meta.settingsProblems,
  );
  if (problems.length) throw new ProviderSettingsError(problems.join('; '));
  const prefix = settingsPrefix(meta.id);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (k.startsWith(prefix) && v !== undefined) extra[k.slice(prefix.length)] = v;

  let cost: CostModel = { ...meta.cost };
  if (extra.PRICES) {
    try {
      const override = JSON.parse(extra.PRICES) as CostModel;
      cost = {
        ...cost,
        ...override,
        models: { ...(meta.cost.models ?? {}), ...(override.models ?? {}) },
      };
    } catch {
      throw new ProviderSettingsError(
        `${prefix}PRICES must be JSON like {"perCallUsd":0.01,"models":{"m":{"inputPerMTokUsd":0.1}}}`,
      );
    }
  }
  const apiKey = extra.API_KEY?.trim() || undefined;
  const enabled = !BOOL_FALSE.test(extra.ENABLED?.trim() ?? 'true');
  const ttl = num(extra.CACHE_TTL_SECONDS);
  const settings: ProviderSettings = {
    id: meta.id,
    apiKey,
    baseUrl: (extra.BASE_URL?.trim() || meta.baseUrl)?.replace(/\/+$/, ''),
    model: extra.MODEL?.trim() || meta.model,
    enabled,
    configured: enabled && (meta.requiresApiKey === false || !!apiKey),
    timeoutMs: num(extra.TIMEOUT_MS) ?? meta.timeoutMs ?? defaults.timeoutMs,
    maxConcurrency: num(extra.MAX_CONCURRENCY) ?? meta.maxConcurrency ?? defaults.maxConcurrency,
    rateLimits: limitsFrom(meta.rateLimits, extra),
    operationRateLimits: Object.fromEntries(
      Object.entries(meta.operationRateLimits ?? {}).map(([op, limits]) => [
        op,
        limitsFrom(limits, extra, operationPrefix(op)),
      ]),
    ),
    cacheTtlSeconds: ttl ?? meta.cacheTtlSeconds,
    cost,
    blockPauseSeconds: num(extra.BLOCK_PAUSE_SECONDS) ?? DEFAULT_BLOCK_PAUSE_SECONDS,
    extra,
  };
  if (adapter?.isConfigured) settings.configured = enabled && adapter.isConfigured(settings);
  return settings;
}

/**
 * Which shared limiter a call of `operation` takes its slots from: the operation's own when it is
 * counted apart, else the provider's.
 */
export function rateLimitsFor(
  settings: ProviderSettings,
  operation: string,
): { operation?: string; limits: RateLimits } {
  const own = settings.operationRateLimits[operation];
  return own ? { operation, limits: own } : { limits: settings.rateLimits };
}

export function ttlFor(settings: ProviderSettings, operation: string): number {
  const t = settings.cacheTtlSeconds;
  if (typeof t === 'number') return t;
  return t[operation] ?? t['*'] ?? 0;
}
