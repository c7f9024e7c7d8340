import {
  CostModel,
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import type { ProviderSettings } from '../core/provider-settings';
import { generateWorstCaseUsd, outputTokenBound } from '../llm/llm-cost';
import type { LlmGenerateInput } from '../llm/llm.types';
import type { WebSearchInput } from '../web/web-search.types';
import {
  AgentRequest,
  AgentResponse,
  buildAgentRequest,
  DEFAULT_MAX_RESULTS,
  mapGenerateResponse,
  mapHttpError,
  mapSearchResponse,
} from './perplexity.mapper';

const DAY = 24 * 3600;
const DEFAULT_MODEL = 'perplexity/sonar';
/** A search run only needs the model to read the results, not to write much. */
const SEARCH_MAX_OUTPUT_TOKENS = 256;
const SEARCH_SYSTEM =
  'Search the web for the query and summarise the most relevant sources briefly.';

export const PERPLEXITY_METADATA: ProviderMetadata = {
  id: 'perplexity',
  capabilities: ['llm.generate', 'web.search'],
  description:
    'Perplexity Agent API (POST /v1/agent): web-grounded answers with citations, JSON Schema output, web search results',
  baseUrl: 'https://api.perplexity.ai',
  model: DEFAULT_MODEL,
  timeoutMs: 60_000,
  // Tier 0; raise with PERPLEXITY_RATE_PER_MINUTE on a higher tier.
  rateLimits: { perMinute: 50 },
  cacheTtlSeconds: DAY,
  // The vendor reports each run's exact cost; these price a run only when it does not
  // (request fee + sonar tokens).
  cost: { perCallUsd: 0.005, inputPerMTokUsd: 1, outputPerMTokUsd: 1, maxOutputTokens: 4096 },
};

/**
 * Perplexity over plain fetch (a fixed vendor URL). `llm.generate` searches the web only when
 * `webSearch` is set; `web.search` always does and returns the search results. The Agent API
 * takes no temperature, so `temperature` is not sent. PERPLEXITY_SEARCH_CONTEXT_SIZE
 * (low|medium|high) sets the tool's search context size.
 */
@Provider(PERPLEXITY_METADATA)
export class PerplexityProvider extends EnrichmentProvider {
  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const model = ctx.settings.model ?? DEFAULT_MODEL;
    const searchContextSize = ctx.settings.extra.SEARCH_CONTEXT_SIZE?.trim() || undefined;
    switch (request.capability) {
      case 'llm.generate': {
        const input = request.input as LlmGenerateInput;
        const m = input.model ?? model;
        const body = buildAgentRequest(input, {
          model: m,
          maxOutputTokens: outputTokenBound(ctx.settings.cost, m, input),
          search: !!input.webSearch,
          searchContextSize,
        });
        return mapGenerateResponse(await this.run(body, ctx), {
          model: m,
          wantJson: !!input.schema,
        });
      }
      case 'web.search': {
        const input = request.input as WebSearchInput;
        if (typeof input?.query !== 'string' || !input.query.trim()) {
          throw new ProviderError('BAD_INPUT', 'web.search needs a non-empty `query`', {
            retryable: false,
          });
        }
        const maxResults = input.maxResults ?? DEFAULT_MAX_RESULTS;
        const body = buildAgentRequest(
          {
            prompt: input.query,
            system: SEARCH_SYSTEM,
            webSearch: { maxResults, recency: input.recency, domains: input.domains },
          },
          { model, maxOutputTokens: SEARCH_MAX_OUTPUT_TOKENS, search: true, searchContextSize },
        );
        return mapSearchResponse(await this.run(body, ctx), { model, maxResults });
      }
      default:
        throw new ProviderError('BAD_INPUT', `perplexity does not serve ${request.capability}`, {
          retryable: false,
        });
    }
  }

  private async run(body: AgentRequest, ctx: ProviderCallContext): Promise<AgentResponse> {
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await fetch(`${ctx.settings.baseUrl}/v1/agent`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ctx.settings.apiKey ?? ''}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: ctx.signal,
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (ctx.signal.aborted) {
        throw new ProviderError('TEMPORARY', 'Perplexity call was aborted (timeout or cancel)', {
          cause: err,
        });
      }
      const e = err as { message?: string; cause?: { code?: string } };
      throw new ProviderError(
        'TEMPORARY',
        `cannot reach Perplexity: ${e.cause?.code ?? e.message}`,
        {
          cause: err,
        },
      );
    }
    if (status < 200 || status >= 300) throw mapHttpError(status, text, retryAfter);
    try {
      return JSON.parse(text) as AgentResponse;
    } catch (err) {
      throw new ProviderError(
        'TEMPORARY',
        `Perplexity answered a body that is not JSON (${text.slice(0, 80)})`,
        { cause: err },
      );
    }
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'llm.generate',
      operation: 'generate',
      input: { prompt: 'Reply with the single word OK.', maxOutputTokens: 16 },
    };
  }

  /** The request fee, the input and the output bound actually sent (small for `web.search`). */
  override estimateMaxCostUsd(
    request: ProviderRequest,
    cost: CostModel,
    settings: ProviderSettings,
  ): number {
    const model = settings.model ?? DEFAULT_MODEL;
    if (request.capability === 'web.search') {
      const input = request.input as WebSearchInput;
      return generateWorstCaseUsd(
        cost,
        {
          prompt: `${SEARCH_SYSTEM}\n${input?.query ?? ''}`,
          maxOutputTokens: SEARCH_MAX_OUTPUT_TOKENS,
        },
        model,
      );
    }
    const input = request.input as LlmGenerateInput;
    return generateWorstCaseUsd(cost, input, input.model ?? model);
  }
}
