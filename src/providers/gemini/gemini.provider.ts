import { GoogleGenAI } from '@google/genai';
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
import { mapEmbedResponse, mapGeminiError, mapGenerateResponse } from './gemini.mapper';

const DAY = 24 * 3600;
const DEFAULT_MODEL = 'gemini-2.5-flash';
const DEFAULT_EMBED_MODEL = 'gemini-embedding-001';

const generateModel = (s: ProviderSettings, input: LlmGenerateInput) =>
  input.model ?? s.model ?? DEFAULT_MODEL;
const embedModel = (s: ProviderSettings, input: LlmEmbedInput) =>
  input.model ?? (s.extra.EMBED_MODEL?.trim() || DEFAULT_EMBED_MODEL);

export const GEMINI_METADATA: ProviderMetadata = {
  id: 'gemini',
  capabilities: ['llm.generate', 'llm.embed'],
  description:
    'Google Gemini (Developer API): generation with JSON Schema output and Google Search grounding, embeddings',
  baseUrl: 'https://generativelanguage.googleapis.com',
  model: DEFAULT_MODEL,
  timeoutMs: 60_000,
  // Real limits depend on the project's tier and model; these stay under Tier 1 for 2.5 Flash.
  rateLimits: { perSecond: 10, perMinute: 1000 },
  cacheTtlSeconds: { '*': DAY, embed: 30 * DAY, 'llm.embed': 30 * DAY },
  cost: {
    inputPerMTokUsd: 0.3,
    outputPerMTokUsd: 2.5,
    maxOutputTokens: 8192,
    // Grounding with Google Search: $35 per 1,000 grounded prompts past the free daily allowance.
    perResultUsd: 0.035,
    models: {
      'gemini-2.5-flash': { inputPerMTokUsd: 0.3, outputPerMTokUsd: 2.5 },
      'gemini-2.5-flash-lite': { inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.4 },
      'gemini-2.5-pro': { inputPerMTokUsd: 1.25, outputPerMTokUsd: 10 },
      'gemini-embedding-001': { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0 },
    },
  },
};

/**
 * Gemini through @google/genai. The SDK's own retries are off: retries, timeouts and rate limits
 * belong to the platform. `GEMINI_EMBED_MODEL` picks the embedding model.
 */
@Provider(GEMINI_METADATA)
export class GeminiProvider extends EnrichmentProvider {
  private client?: GoogleGenAI;

  override configure(settings: ProviderSettings): void {
    // Without a key the provider is not configured and the platform never calls it.
    if (!settings.apiKey) return;
    this.client = new GoogleGenAI({
      apiKey: settings.apiKey,
      // Explicit, so that GOOGLE_GENAI_USE_VERTEXAI & co. in the process environment cannot redirect it.
      vertexai: false,
      apiVersion: 'v1beta',
      httpOptions: { baseUrl: settings.baseUrl, retryOptions: { attempts: 1 } },
    });
  }

  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const client = this.client;
    if (!client) throw new ProviderError('AUTH', 'gemini is not configured: set GEMINI_API_KEY');
    switch (request.capability) {
      case 'llm.generate':
        return this.generate(client, request.input as LlmGenerateInput, ctx);
      case 'llm.embed':
        return this.embed(client, request.input as LlmEmbedInput, ctx);
      default:
        throw new ProviderError('BAD_INPUT', `gemini does not serve ${request.capability}`, {
          retryable: false,
        });
    }
  }

  private async generate(
    client: GoogleGenAI,
    input: LlmGenerateInput,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult> {
    const model = generateModel(ctx.settings, input);
    const grounded = !!input.webSearch;
    let system = input.system;
    let json = {};
    if (input.schema && grounded) {
      // Gemini 2.x rejects JSON mode together with the Google Search tool: ask for the JSON in
      // words instead; LlmService validates it (and repairs once) either way.
      system = `${system ? `${system}\n\n` : ''}Answer with only JSON matching this JSON Schema:\n${JSON.stringify(input.schema)}`;
    } else if (input.schema) {
      json = { responseMimeType: 'application/json', responseJsonSchema: input.schema };
    }
    try {
      const res = await client.models.generateContent({
        model,
        contents: input.prompt,
        config: {
          abortSignal: ctx.signal,
          ...(system ? { systemInstruction: system } : {}),
          ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
          ...(input.thinkingBudget !== undefined
            ? { thinkingConfig: { thinkingBudget: input.thinkingBudget } }
            : {}),
          maxOutputTokens: outputTokenBound(ctx.settings.cost, model, input),
          ...json,
          ...(grounded ? { tools: [{ googleSearch: {} }] } : {}),
        },
      });
      return mapGenerateResponse(res, { model, wantJson: !!input.schema, grounded });
    } catch (err) {
      throw mapGeminiError(err, ctx.signal);
    }
  }

  private async embed(
    client: GoogleGenAI,
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
      const res = await client.models.embedContent({
        model,
        contents: input.texts,
        config: {
          abortSignal: ctx.signal,
          ...(input.dimensions ? { outputDimensionality: input.dimensions } : {}),
        },
      });
      return mapEmbedResponse(res, { model, texts: input.texts });
    } catch (err) {
      throw mapGeminiError(err, ctx.signal);
    }
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'llm.generate',
      operation: 'generate',
      input: { prompt: 'Reply with the single word OK.', temperature: 0 },
    };
  }

  /** Prices the model that will answer, the output bound sent, and the grounding fee when searching. */
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
    const searches = input.webSearch ? 1 : 0;
    return generateWorstCaseUsd(cost, input, generateModel(settings, input), searches);
  }
}
