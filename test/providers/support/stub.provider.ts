import { DynamicModule, Injectable, Module, Type } from '@nestjs/common';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../../../src/providers/core/enrichment-provider';
import { Provider } from '../../../src/providers/core/provider.decorator';
import { ProviderError, parseRetryAfter } from '../../../src/providers/core/provider-error';

export interface LookupInput {
  domain: string;
}

/** Canonical shape of the stub vendor's answer. */
export interface Company {
  domain: string;
  name: string;
}

/** What the stub vendor sends (vendor types stay inside the adapter). */
interface VendorCompany {
  company?: { domain?: string; legal_name?: string };
  /** The stub's way to ask for a shorter cache lifetime of this answer (ProviderResult.cacheTtlSeconds). */
  cache_ttl_seconds?: number;
}

export function toCompany(body: VendorCompany): Company | null {
  if (!body.company?.domain) return null;
  return { domain: body.company.domain, name: body.company.legal_name ?? body.company.domain };
}

/**
 * A small, complete adapter for the local vendor stub: POST `<base>/lookup`, maps 200 → found,
 * 404 → not found, other statuses → ProviderError codes (with Retry-After), invalid JSON →
 * TEMPORARY. Every failure leaves as a ProviderError; nothing here retries, waits or caches.
 */
export abstract class StubVendorProvider extends EnrichmentProvider {
  async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult<Company>> {
    const input = request.input as LookupInput;
    let res: Response;
    try {
      res = await fetch(`${ctx.settings.baseUrl}/lookup`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // Lets the stub tell the calling processes apart (multi-process limiter tests).
          'x-caller-pid': String(process.pid),
          ...(ctx.settings.apiKey ? { authorization: `Bearer ${ctx.settings.apiKey}` } : {}),
        },
        body: JSON.stringify({ domain: input.domain }),
        signal: ctx.signal,
      });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new ProviderError('TEMPORARY', `stub vendor unreachable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const text = await res.text();
    if (res.status === 404) return { found: false, data: null, usage: { results: 0 } };
    if (!res.ok) {
      throw ProviderError.fromHttp(res.status, `stub vendor answered ${res.status}`, {
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      });
    }
    let body: VendorCompany;
    try {
      body = JSON.parse(text) as VendorCompany;
    } catch (err) {
      throw new ProviderError('TEMPORARY', `stub vendor sent invalid JSON (${text.length} bytes)`, {
        cause: err,
      });
    }
    const company = toCompany(body);
    const ttl =
      body.cache_ttl_seconds !== undefined ? { cacheTtlSeconds: body.cache_ttl_seconds } : {};
    return company
      ? { found: true, data: company, usage: { results: 1 }, ...ttl }
      : { found: false, data: null, usage: { results: 0 }, ...ttl };
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'company.profile', operation: 'lookup', input: { domain: 'example.com' } };
  }
}

const DEFAULTS: Omit<ProviderMetadata, 'id'> = {
  capabilities: ['company.profile'],
  cost: { perCallUsd: 0.01 },
  rateLimits: {},
  cacheTtlSeconds: 3600,
  requiresApiKey: true,
};

/** A @Provider class for the stub vendor under its own id (and its own metadata). */
export function stubProvider(
  meta: Partial<ProviderMetadata> & { id: string },
): Type<StubVendorProvider> {
  @Provider({ ...DEFAULTS, ...meta })
  @Injectable()
  class StubProvider extends StubVendorProvider {}
  Object.defineProperty(StubProvider, 'name', { value: `Stub_${meta.id}_Provider` });
  return StubProvider;
}

@Module({})
export class StubProvidersModule {
  /** A module holding the given provider classes (the test's "provider folder"). */
  static with(...providers: Type<unknown>[]): DynamicModule {
    return { module: StubProvidersModule, providers };
  }
}

/**
 * Environment for a stub provider pointing at `<stubUrl>/<id>`, so one stub server tells the
 * providers apart by path.
 */
export function stubEnv(
  stubUrl: string,
  id: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const p = id.toUpperCase();
  return { [`${p}_BASE_URL`]: `${stubUrl}/${id}`, [`${p}_API_KEY`]: `key-${id}`, ...extra };
}
