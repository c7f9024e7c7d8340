import { Injectable } from '@nestjs/common';
import { chunks, mapLimit } from '../../../common/map-limit';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type {
  PersonEnrichResult,
  PersonLookupInput,
  PersonProfile,
} from '../../../providers/person/person.types';
import { mustStop } from './call-errors';
import { applyEnrichment, Candidate } from './lead-candidates';

/** People per `person.enrich` call (Apollo bulk_match takes at most 10). */
export const ENRICH_BATCH = 10;
/** LinkedIn profiles fetched at once. */
const LINKEDIN_PARALLEL = 5;

export interface EnrichmentOutcome {
  /** Every candidate, the chosen ones enriched. */
  candidates: Candidate[];
  /** Per enriched lead id, the providers that added to it. */
  enrichedBy: Record<string, string[]>;
  enrichment_errors: number;
  cost_usd: number;
}

/** What a provider needs to find one person again. */
export function lookupOf(c: Candidate, provider: string, domain: string): PersonLookupInput {
  const p = c.person;
  return {
    ...(p.vendor_id && c.vendor === provider ? { vendor_id: p.vendor_id } : {}),
    ...(p.first_name ? { first_name: p.first_name } : {}),
    ...(!p.obfuscated && p.last_name ? { last_name: p.last_name } : {}),
    ...(!p.obfuscated && p.name ? { name: p.name } : {}),
    ...(p.linkedin_url ? { linkedin_url: p.linkedin_url } : {}),
    ...(p.email ? { email: p.email } : {}),
    domain,
    ...(p.organization?.name ? { company: p.organization.name } : {}),
  };
}

/**
 * Enriches the chosen leads (SEED-CONTRACTS A2.2 steps 5–6): the first `person.enrich` provider
 * in vendor batches (positional answers; a person it does not find stays as found), then the
 * `person.linkedin` waterfall for those with a LinkedIn profile URL. A failed call counts one
 * enrichment error per lead it concerned; the leads keep what they had.
 */
@Injectable()
export class EnrichmentStage {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  async enrich(
    all: Candidate[],
    chosen: string[],
    domain: string,
    scope: CallScope & { taskId: string | null },
  ): Promise<EnrichmentOutcome> {
    const byId = new Map(all.map((c) => [c.id, c]));
    const enrichedBy: Record<string, string[]> = {};
    const credit = (id: string, provider: string): void => {
      const list = (enrichedBy[id] ??= []);
      if (!list.includes(provider)) list.push(provider);
    };
    let errors = 0;
    let cost = 0;
    const ids = chosen.filter((id) => byId.has(id));

    const bulk = this.registry.forCapability('person.enrich')[0];
    if (bulk) {
      const provider = bulk.meta.id;
      await mapLimit(chunks(ids, ENRICH_BATCH), 2, async (batch) => {
        try {
          const o = await this.client.call<PersonEnrichResult>(
            provider,
            {
              capability: 'person.enrich',
              input: { people: batch.map((id) => lookupOf(byId.get(id)!, provider, domain)) },
            },
            scope,
          );
          cost += o.costUsd;
          const matches = o.data?.matches ?? [];
          const found = matches.filter(Boolean).length;
          batch.forEach((id, i) => {
            const m = matches[i];
            if (!m) return;
            byId.set(
              id,
              applyEnrichment(byId.get(id)!, m, {
                source: provider,
                method: 'api',
                confidence: 0.9,
                costUsd: found ? o.costUsd / found : 0,
                taskId: scope.taskId,
              }),
            );
            credit(id, provider);
          });
        } catch (err) {
          if (mustStop(err, scope)) throw err;
          errors += batch.length;
        }
      });
    }

    if (this.registry.forCapability('person.linkedin').length) {
      const withProfile = ids.filter((id) => byId.get(id)!.person.linkedin_url);
      await mapLimit(withProfile, LINKEDIN_PARALLEL, async (id) => {
        const c = byId.get(id)!;
        const w = await this.client.waterfall<PersonProfile>(
          'person.linkedin',
          { input: { linkedin_url: c.person.linkedin_url } },
          (o) => o.found,
          scope,
        );
        cost += w.cost_usd;
        if (!w.winner?.data) {
          if (w.steps.some((s) => s.error)) errors += 1;
          return;
        }
        byId.set(
          id,
          applyEnrichment(c, w.winner.data, {
            source: w.winner.provider,
            method: 'api',
            confidence: 0.9,
            costUsd: w.winner.costUsd,
            taskId: scope.taskId,
          }),
        );
        credit(id, w.winner.provider);
      });
    }
    return {
      candidates: all.map((c) => byId.get(c.id)!),
      enrichedBy,
      enrichment_errors: errors,
      cost_usd: cost,
    };
  }
}
