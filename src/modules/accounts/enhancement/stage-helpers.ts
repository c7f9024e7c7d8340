import type { CallScope, WaterfallStep } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import type { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { TaskContext } from '../../tasks/engine/task-context';
import type { AccountError, Candidates, SourceStep } from './enhancement.types';

/** Ids of the providers configured now for a capability, in waterfall order. */
export function configuredProviders(registry: ProviderRegistry, capability: string): string[] {
  return registry.forCapability(capability as never).map((p) => p.meta.id);
}

/** The task's provider call scope, named after the stage's checkpoint. */
export function stageScope(ctx: TaskContext<unknown>, stage: string): CallScope {
  return { ...ctx.providerScope(), stage };
}

/** Aborts (cancel, timeout, shutdown) and a spent budget stop the task; other failures are recorded. */
export function rethrowFatal(ctx: TaskContext<unknown>, err: unknown): void {
  if (ctx.signal.aborted) throw err;
  if (err instanceof ProviderError && err.code === 'BUDGET_EXCEEDED') throw err;
}

export function merge(into: Candidates, from: Candidates): void {
  for (const [k, v] of Object.entries(from)) (into[k] ??= []).push(...v);
}

/** A waterfall's steps as the result's `sources`. */
export function steps(stage: string, capability: string, s: WaterfallStep[]): SourceStep[] {
  return s.map((x) => ({
    stage,
    capability,
    provider: x.provider,
    outcome: x.outcome,
    cost_usd: x.cost_usd,
    cached: x.cached,
    ...(x.error ? { error: x.error } : {}),
  }));
}

export function asError(stage: string, err: unknown): AccountError {
  return {
    stage,
    code: err instanceof ProviderError ? err.code : 'UNKNOWN',
    message: (err as Error).message,
  };
}
