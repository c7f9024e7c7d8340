import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { PersonEnrichResult } from '../../../providers/person/person.types';
import { vendorContact } from './contact-output';
import type { PlannedContact } from './contact-plan';
import type { BatchRecord } from './contact-result';

/**
 * Failures after which no other batch can succeed either (the key is refused, the plan's quota or
 * the task's budget is used up, the vendor blocks us): they end the task, without a retry.
 */
export const TASK_FATAL_CODES: ReadonlySet<string> = new Set([
  'AUTH',
  'QUOTA_EXHAUSTED',
  'BLOCKED',
  'BUDGET_EXCEEDED',
]);

/**
 * Whether a failed batch call must end the attempt rather than mark its contacts unenriched:
 * the task was cancelled or timed out, the failure concerns every batch (TASK_FATAL_CODES), or it
 * is transient — the call path already retried it, so the vendor is down for longer and the task
 * is retried later from its checkpoints.
 */
export function stopsAttempt(err: unknown, scope: CallScope): boolean {
  if (scope.signal?.aborted || !(err instanceof ProviderError)) return true;
  return err.retryable || TASK_FATAL_CODES.has(err.code);
}

/**
 * Contacts through the first configured `person.enrich` provider (Apollo's people/bulk_match), one
 * vendor batch per call, through the ProviderClient: cache, budget, the shared rate limit (Apollo
 * counts its bulk endpoint apart), breaker and retries of transient errors.
 */
@Injectable()
export class ContactEnricher {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  /** The provider that enriches contacts, or null when none is configured. */
  provider(): string | null {
    return this.registry.forCapability('person.enrich')[0]?.meta.id ?? null;
  }

  /** The most one batch may cost (every contact matched). */
  maxCost(provider: string, batch: PlannedContact[]): number {
    return this.client.maxCost(provider, {
      capability: 'person.enrich',
      input: { people: batch.map((c) => c.lookup) },
    });
  }

  /**
   * One batch: its positional matches, or — when the vendor refuses this batch for good (bad
   * input, an unreadable answer) — that failure, which leaves its contacts unenriched. Any other
   * failure is thrown (see stopsAttempt).
   */
  async enrichBatch(
    provider: string,
    batch: PlannedContact[],
    scope: CallScope,
  ): Promise<BatchRecord> {
    try {
      const o = await this.client.call<PersonEnrichResult>(
        provider,
        { capability: 'person.enrich', input: { people: batch.map((c) => c.lookup) } },
        scope,
      );
      const matches = batch.map((_, i) => {
        const m = o.data?.matches?.[i];
        return m ? vendorContact(m) : null;
      });
      const at = new Date().toISOString();
      return { provider, at, cached: o.cached, cost_usd: o.costUsd, matches };
    } catch (err) {
      if (stopsAttempt(err, scope)) throw err;
      const e = err as ProviderError;
      const error = { code: e.code, message: e.message };
      return { provider, at: new Date().toISOString(), cached: false, cost_usd: 0, error };
    }
  }
}
