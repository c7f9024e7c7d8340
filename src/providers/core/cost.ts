import type { CostModel, ProviderResult } from './enrichment-provider';

type Prices = Omit<CostModel, 'models'>;

/** The cost model with a model's own prices laid over the provider's. */
export function pricesFor(cost: CostModel, model?: string): Prices {
  const { models, ...base } = cost;
  return model && models?.[model] ? { ...base, ...models[model] } : base;
}

const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/** What a finished call cost: the vendor's own figure when it reports one, else priced usage. */
export function costOf(cost: CostModel, result: ProviderResult, model?: string): number {
  if (typeof result.costUsd === 'number' && Number.isFinite(result.costUsd))
    return round(result.costUsd);
  const p = pricesFor(cost, result.model ?? model);
  const u = result.usage ?? {};
  return round(
    (p.perCallUsd ?? 0) +
      (p.perResultUsd ?? 0) * (u.results ?? 0) +
      ((p.inputPerMTokUsd ?? 0) * (u.inputTokens ?? 0)) / 1e6 +
      ((p.outputPerMTokUsd ?? 0) * (u.outputTokens ?? 0)) / 1e6,
  );
}

/**
 * Upper bound of one call's cost, used before the call for budget checks: per-call price, plus
 * the most results a call may bill, plus the input (≈ 4 characters a token) and the most output
 * tokens it may produce.
 */
export function worstCaseCost(cost: CostModel, input: unknown, model?: string): number {
  const p = pricesFor(cost, model);
  const inputTokens = Math.ceil((JSON.stringify(input ?? null)?.length ?? 0) / 4);
  return round(
    (p.perCallUsd ?? 0) +
      (p.perResultUsd ?? 0) * (p.maxResultsPerCall ?? 1) +
      ((p.inputPerMTokUsd ?? 0) * inputTokens) / 1e6 +
      ((p.outputPerMTokUsd ?? 0) * (p.maxOutputTokens ?? 4096)) / 1e6,
  );
}
