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
  cacheTtlSeconds: number | Record<string, number>;
  cost: CostModel;
  /** Every `<ID>_*` variable, for provider-specific options (e.g. `GEMINI_EMBED_MODEL`). */
  extra: Readonly<Record<string, string>>;
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

export class ProviderSettingsError extends Error {}

/**
 * Reads `<ID>_API_KEY`, `<ID>_BASE_URL`, `<ID>_MODEL`, `<ID>_ENABLED`, `<ID>_TIMEOUT_MS`,
 * `<ID>_MAX_CONCURRENCY`, `<ID>_RATE_PER_SECOND|MINUTE|DAY`, `<ID>_CACHE_TTL_SECONDS` and
 * `<ID>_PRICES` (JSON CostModel, merged over the defaults) from the environment snapshot.
 * `configured` is decided by the adapter's `isConfigured` when it has one, else by `requiresApiKey`.
 */
export function resolveProviderSettings(
  meta: ProviderMetadata,
  env: Readonly<Record<string, string | undefined>>,
  defaults: { timeoutMs: number; maxConcurrency: number },
  adapter?: Pick<EnrichmentProvider, 'isConfigured'>,
): ProviderSettings {
  const prefix = `${meta.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
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
  const enabled = !/^(false|0|no|off)$/i.test(extra.ENABLED ?? 'true');
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
    rateLimits: {
      perSecond: num(extra.RATE_PER_SECOND) ?? meta.rateLimits.perSecond,
      perMinute: num(extra.RATE_PER_MINUTE) ?? meta.rateLimits.perMinute,
      perDay: num(extra.RATE_PER_DAY) ?? meta.rateLimits.perDay,
    },
    cacheTtlSeconds: ttl ?? meta.cacheTtlSeconds,
    cost,
    extra,
  };
  if (adapter?.isConfigured) settings.configured = enabled && adapter.isConfigured(settings);
  return settings;
}

export function ttlFor(settings: ProviderSettings, operation: string): number {
  const t = settings.cacheTtlSeconds;
  if (typeof t === 'number') return t;
  return t[operation] ?? t['*'] ?? 0;
}
