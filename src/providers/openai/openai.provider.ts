import OpenAI from 'openai';
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
import { embedWorstCaseUsd, generateWorstCaseUsd, outputTokenBound } from '../llm/llm-cost';
import type { LlmEmbedInput, LlmGenerateInput } from '../llm/llm.types';
import { mapChatResponse, mapEmbeddingResponse, mapOpenAiError } from './openai.mapper';

const DAY = 24 * 3600;
const DEFAULT_MODEL = 'gpt-4o-mini';
const DEFAULT_SEARCH_MODEL = 'gpt-4o-mini-search-preview';
const DEFAULT_EMBED_MODEL = 'text-embedding-3-small';

/** Chat Completions searches the web only with the search models (OPENAI_SEARCH_MODEL). */
const generateModel = (s: ProviderSettings, input: LlmGenerateInput) =>
  input.model ??
  (input.webSearch
    ? s.extra.SEARCH_MODEL?.trim() || DEFAULT_SEARCH_MODEL
    : (s.model ?? DEFAULT_MODEL));
const embedModel = (s: ProviderSettings, input: LlmEmbedInput) =>
  input.model ?? (s.extra.EMBED_MODEL?.trim() || DEFAULT_EMBED_MODEL);

/** json_schema.name must match ^[a-zA-Z0-9_-]{1,64}$. */
const schemaName = (name: string | undefined) =>
  (name ?? 'answer').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64) || 'answer';

export const OPENAI_METADATA: ProviderMetadata = {
  id: 'openai',
  capabilities: ['llm.generate', 'llm.embed'],
  description:
    'OpenAI, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp) through OPENAI_BASE_URL: chat with JSON Schema output and web search, embeddings',
  baseUrl: 'https://api.openai.com/v1',
  model: DEFAULT_MODEL,
  timeoutMs: 60_000,
  // Tier 1 for gpt-4o-mini is 500 RPM.
  rateLimits: { perSecond: 10, perMinute: 500 },
  cacheTtlSeconds: { '*': DAY, embed: 30 * DAY, 'llm.embed': 30 * DAY },
  // Unknown models (e.g. a local server's) are priced like the default model unless OPENAI_PRICES
  // says otherwise: set {"inputPerMTokUsd":0,"outputPerMTokUsd":0} for a free local server.
  cost: {
    inputPerMTokUsd: 0.15,
    outputPerMTokUsd: 0.6,
    maxOutputTokens: 4096,
    models: {
      'gpt-4o-mini': { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
      'gpt-4o': { inputPerMTokUsd: 2.5, outputPerMTokUsd: 10 },
      // Search models add a per-call web search fee (medium search context).
      'gpt-4o-mini-search-preview': {
        inputPerMTokUsd: 0.15,
        outputPerMTokUsd: 0.6,
        perCallUsd: 0.0275,
      },
      'gpt-4o-search-preview': { inputPerMTokUsd: 2.5, outputPerMTokUsd: 10, perCallUsd: 0.035 },
      'text-embedding-3-small': { inputPerMTokUsd: 0.02, outputPerMTokUsd: 0 },
      'text-embedding-3-large': { inputPerMTokUsd: 0.13, outputPerMTokUsd: 0 },
    },
  },
};

/**
 * OpenAI through the `openai` SDK, with the SDK's retries off (the platform retries). Also serves
 * any OpenAI-compatible server: set OPENAI_BASE_URL (a key is then optional). Models:
 * OPENAI_MODEL, OPENAI_SEARCH_MODEL (web search), OPENAI_EMBED_MODEL.
 */
@Provider(OPENAI_METADATA)
export class OpenAiProvider extends EnrichmentProvider {
  private client?: OpenAI;

  /** A key, or a base URL of a compatible server that needs none. */
  override isConfigured(settings: ProviderSettings): boolean {
    return !!settings.apiKey || !!settings.extra.BASE_URL?.trim();
  }

  override configure(settings: ProviderSettings): void {
    // Every option explicit, so OPENAI_* variables in the process environment cannot leak in.
    this.client = new OpenAI({
      apiKey: settings.apiKey ?? 'not-needed',
      baseURL: settings.baseUrl,
      organization: settings.extra.ORG_ID?.trim() || null,
      project: settings.extra.PROJECT_ID?.trim() || null,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: settings.timeoutMs,
    });
  }

  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const client = this.client;
    if (!client) throw new ProviderError('AUTH', 'openai is not configured');
    switch (request.capability) {
      case 'llm.generate':
        return this.generate(client, request.input as LlmGenerateInput, ctx);
      case 'llm.embed':
        return this.embed(client, request.input as LlmEmbedInput, ctx);
      default:
        throw new ProviderError('BAD_INPUT', `openai does not serve ${request.capability}`, {
          retryable: false,
        });
    }
  }

  private async generate(
    client: OpenAI,
    input: LlmGenerateInput,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult> {
    const model = generateModel(ctx.settings, input);
    const search = !!input.webSearch;
    try {
      const res = await client.chat.completions.create(
        {
          model,
          messages: [
            ...(input.system ? [{ role: 'system' as const, content: input.system }] : []),
            { role: 'user' as const, content: input.prompt },
          ],
          max_completion_tokens: outputTokenBound(ctx.settings.cost, model, input),
          // The search models reject `temperature`.
          ...(input.temperature !== undefined && !search ? { temperature: input.temperature } : {}),
          ...(input.schema
            ? {
                response_format: {
                  type: 'json_schema' as const,
                  // Not strict: strict mode only takes schemas with every property required and
                  // additionalProperties false; LlmService validates the answer anyway.
                  json_schema: {
                    name: schemaName(input.schemaName),
                    schema: input.schema,
                    strict: false,
                  },
                },
              }
            : {}),
          ...(search ? { web_search_options: {} } : {}),
        },
        { signal: ctx.signal },
      );
      return mapChatResponse(res, { model, wantJson: !!input.schema });
    } catch (err) {
      throw mapOpenAiError(err);
    }
  }

  private async embed(
    client: OpenAI,
    input: LlmEmbedInput,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult> {
    if (!Array.isArray(input.texts) || input.texts.length === 0) {
      throw new ProviderError('BAD_INPUT', 'llm.embed needs at least one text in `texts`', {
        retryable: false,
      });
    }
    const model = embedModel(ctx.settings, input);
    try {
      const res = await client.embeddings.create(
        {
          model,
          input: input.texts,
          // Explicit: without it the SDK asks for base64 and mis-decodes servers that send floats.
          encoding_format: 'float',
          ...(input.dimensions ? { dimensions: input.dimensions } : {}),
        },
        { signal: ctx.signal },
      );
      return mapEmbeddingResponse(res, { model, count: input.texts.length });
    } catch (err) {
      throw mapOpenAiError(err);
    }
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'llm.generate',
      operation: 'generate',
      input: { prompt: 'Reply with the single word OK.', temperature: 0, maxOutputTokens: 16 },
    };
  }

  /** Prices the model that will answer (a search model when searching) and the output bound sent. */
  override estimateMaxCostUsd(
    request: ProviderRequest,
    cost: CostModel,
    settings: ProviderSettings,
  ): number {
    if (request.capability === 'llm.embed') {
      const input = request.input as LlmEmbedInput;
      return embedWorstCaseUsd(cost, input, embedModel(settings, input));
    }
    const input = request.input as LlmGenerateInput;
    return generateWorstCaseUsd(cost, input, generateModel(settings, input));
  }
}
