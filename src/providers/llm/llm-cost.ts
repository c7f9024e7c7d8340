import { pricesFor } from '../core/cost';
import type { CostModel } from '../core/enrichment-provider';
import type { LlmEmbedInput, LlmGenerateInput } from './llm.types';

/** The fallback when neither the call nor the cost model bounds the output. */
const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/** Rough token count (≈ 4 characters a token), the same rule the generic worst case uses. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The most output tokens one `llm.generate` call may produce: the caller's `maxOutputTokens`, else
 * the cost model's bound for the model. Adapters send it to the vendor, so the budget's worst case
 * is a real bound and not a guess.
 */
export function outputTokenBound(cost: CostModel, model: string, input: LlmGenerateInput): number {
  return (
    input.maxOutputTokens ?? pricesFor(cost, model).maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS
  );
}

const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/**
 * Worst case of one `llm.generate` call priced at the model that will actually answer (the
 * generic estimate prices the provider's default model and ignores `maxOutputTokens`).
 * `billableResults` counts per-result fees such as a grounded search.
 */
export function generateWorstCaseUsd(
  cost: CostModel,
  input: LlmGenerateInput,
  model: string,
  billableResults = 0,
): number {
  const p = pricesFor(cost, model);
  const inputTokens = approxTokens(JSON.stringify(input));
  return round(
    (p.perCallUsd ?? 0) +
      (p.perResultUsd ?? 0) * billableResults +
      ((p.inputPerMTokUsd ?? 0) * inputTokens) / 1e6 +
      ((p.outputPerMTokUsd ?? 0) * outputTokenBound(cost, model, input)) / 1e6,
  );
}

/** Worst case of one `llm.embed` call: input tokens only, at the embedding model's price. */
export function embedWorstCaseUsd(cost: CostModel, input: LlmEmbedInput, model: string): number {
  const p = pricesFor(cost, model);
  const inputTokens = (input.texts ?? []).reduce((n, t) => n + approxTokens(String(t)), 0);
  return round((p.perCallUsd ?? 0) + ((p.inputPerMTokUsd ?? 0) * inputTokens) / 1e6);
}
