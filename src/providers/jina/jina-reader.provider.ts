import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import type { ProviderSettings } from '../core/provider-settings';
import { parseVendorJson, vendorFetch } from '../http/vendor-fetch';
import type { WebPage, WebReadInput } from '../web/web-read.types';
import {
  billedTokens,
  envelopeError,
  JinaEnvelope,
  JinaPage,
  mapJinaError,
  mapReadResponse,
  targetMissing,
} from './jina.mapper';

/** Jina's documented Reader limits: 20 RPM without a key, 500 RPM with one (5,000 premium). */
export const JINA_KEYLESS_RATE_PER_MINUTE = 20;
/** Estimated price of Jina tokens (top-ups ≈ $50 per billion); set yours with JINA_PRICES. */
export const JINA_USD_PER_MTOK = 0.05;

export const JINA_METADATA: ProviderMetadata = {
  id: 'jina',
  capabilities: ['web.read'],
  description: 'Jina Reader (r.jina.ai): any URL as clean Markdown, rendered by Jina',
  baseUrl: 'https://r.jina.ai',
  rateLimits: { perMinute: 500 },
  // Company pages change slowly but do change: a week (Jina's own cache is an hour).
  cacheTtlSeconds: 7 * 24 * 3600,
  // Reader bills the tokens of its output; keyless reads are free (reported as cost 0).
  cost: { outputPerMTokUsd: JINA_USD_PER_MTOK, maxOutputTokens: 200_000 },
  timeoutMs: 45_000,
};

const truthy = (v: string | undefined) => /^(true|1|yes|on)$/i.test(v?.trim() ?? '');

/**
 * Jina Reader `web.read`. Works without a key at 20 requests/minute per IP, so it is configured
 * when JINA_API_KEY is set (500/min, billed in tokens) or when JINA_ENABLED=true asks for the free
 * keyless tier explicitly; unset, it stays off (reads of your accounts' sites then go through Jina
 * only if you chose so). Without a key, the default rate limit drops to the keyless 20/min unless
 * JINA_RATE_PER_MINUTE says otherwise. Search is the separate `jina_search` provider: it needs a key.
 */
@Provider(JINA_METADATA)
export class JinaReaderProvider extends EnrichmentProvider {
  override isConfigured(settings: ProviderSettings): boolean {
    return !!settings.apiKey || truthy(settings.extra.ENABLED);
  }

  override configure(settings: ProviderSettings): void {
    // The limit depends on the tier, which the static metadata cannot know.
    if (!settings.apiKey && !settings.extra.RATE_PER_MINUTE?.trim()) {
      settings.rateLimits = { ...settings.rateLimits, perMinute: JINA_KEYLESS_RATE_PER_MINUTE };
    }
  }

  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<WebPage>> {
    if (request.capability !== 'web.read') {
      throw new ProviderError('BAD_INPUT', `jina does not serve ${request.capability}`, {
        retryable: false,
      });
    }
    const url = targetUrl(request.input as WebReadInput);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-with-links-summary': 'true',
      ...(ctx.settings.apiKey ? { authorization: `Bearer ${ctx.settings.apiKey}` } : {}),
    };
    // A #fragment never leaves fetch, so hash-routed pages go in a POST body (VENDORS.md §5).
    const res = url.includes('#')
      ? await vendorFetch('Jina Reader', `${ctx.settings.baseUrl}/`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
          signal: ctx.signal,
        })
      : await vendorFetch('Jina Reader', `${ctx.settings.baseUrl}/${url}`, {
          method: 'GET',
          headers,
          signal: ctx.signal,
        });
    const fail = () =>
      mapJinaError(res.status, res.text, res.headers.get('retry-after'), {
        service: 'Reader',
        keyVar: 'JINA_API_KEY',
      });
    if (res.status < 200 || res.status >= 300) {
      if (targetMissing(res.status, res.text)) return { found: false, data: null, costUsd: 0 };
      throw fail();
    }
    const env = parseVendorJson<JinaEnvelope<JinaPage>>('Jina Reader', res.text);
    if (env && typeof env === 'object' && envelopeError(env)) {
      if (targetMissing(env.code ?? 0, res.text)) return { found: false, data: null, costUsd: 0 };
      throw fail();
    }
    return mapReadResponse(env, {
      url,
      now: new Date(),
      tokens: billedTokens(res.headers.get('x-usage-tokens'), env),
      keyed: !!ctx.settings.apiKey,
    });
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'web.read', input: { url: 'https://example.com/' } };
  }
}

/** An absolute http(s) URL, or BAD_INPUT (Jina would fetch whatever it is given). */
function targetUrl(input: WebReadInput | undefined): string {
  const raw = typeof input?.url === 'string' ? input.url.trim() : '';
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new ProviderError(
      'BAD_INPUT',
      `web.read needs an absolute http(s) \`url\`, got "${raw.slice(0, 100)}"`,
      { retryable: false },
    );
  }
  return raw;
}
