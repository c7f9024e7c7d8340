import { Injectable } from '@nestjs/common';
import { mapLimit } from '../../../common/map-limit';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { LlmService } from '../../../providers/llm/llm.service';
import type { PersonProfile } from '../../../providers/person/person.types';
import type { WebSearchOutput } from '../../../providers/web/web-search.types';
import type { InteractionPerson, PersonMatch } from '../storage/interaction.types';
import { identityScore } from './identity';

/** People looked up at once (a conversation's fan-out, under the providers' shared limits). */
export const LOOKUP_PARALLEL = 3;

const LINKEDIN_PROFILE = /^https?:\/\/([a-z]{2,3}\.)?(www\.)?linkedin\.com\/in\/[^/?#]+/i;

const LLM_PROFILE_SCHEMA = {
  type: 'object',
  properties: {
    linkedin_url: { type: ['string', 'null'] },
    name: { type: ['string', 'null'] },
    headline: { type: ['string', 'null'] },
    company: { type: ['string', 'null'] },
  },
  required: ['linkedin_url', 'name', 'headline', 'company'],
} as const;

/**
 * Profile lookup per person (part D step 4), fanned out at most LOOKUP_PARALLEL at once: a web
 * search for their LinkedIn profile (the `web.search` waterfall; without one, an LLM's grounded
 * web search), the best candidate by identity score, then the `person.linkedin` waterfall (the
 * leads module's LinkedIn data) for the full profile, scored again. A provider that meets a CAPTCHA
 * page or a 429 is paused by the platform (`<ID>_BLOCK_PAUSE_SECONDS`) and the waterfall moves on;
 * one person's failed lookup never fails the others (`lookup_error`).
 */
@Injectable()
export class ProfileLookup {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly llm: LlmService,
  ) {}

  async lookup(
    persons: InteractionPerson[],
    scope: CallScope,
  ): Promise<{ persons: InteractionPerson[]; cost_usd: number; errors: number }> {
    let cost = 0;
    let errors = 0;
    const out = await mapLimit(persons, LOOKUP_PARALLEL, async (p) => {
      try {
        const r = await this.one(p, scope);
        cost += r.cost;
        return { ...p, profile: r.match };
      } catch (err) {
        if (scope.signal?.aborted) throw err;
        errors++;
        return { ...p, profile: null, lookup_error: (err as Error).message };
      }
    });
    return { persons: out, cost_usd: cost, errors };
  }

  private has(c: Parameters<ProviderRegistry['forCapability']>[0]): boolean {
    return this.registry.forCapability(c).length > 0;
  }

  private async one(
    p: InteractionPerson,
    scope: CallScope,
  ): Promise<{ match: PersonMatch | null; cost: number }> {
    let cost = 0;
    const said = { name: p.name, company: p.company, role: p.role };
    let best: (PersonMatch & { text?: string }) | null = null;
    if (this.has('web.search')) {
      const w = await this.client.waterfall<WebSearchOutput>(
        'web.search',
        { input: { query: `${p.search_query} site:linkedin.com/in`, maxResults: 5 } },
        (o) => o.found,
        scope,
      );
      cost += w.cost_usd;
      for (const r of w.winner?.data?.results ?? []) {
        if (!LINKEDIN_PROFILE.test(r.url)) continue;
        const text = [r.title, r.snippet].filter(Boolean).join(' — ');
        const s = identityScore(said, { text, linkedin_url: r.url });
        if (!best || s.score > best.score)
          best = {
            linkedin_url: r.url.match(LINKEDIN_PROFILE)![0],
            name: r.title?.split(/\s[-|–]\s/)[0]?.trim() ?? null,
            headline: r.snippet ?? null,
            company: null,
            source: w.winner!.provider,
            ...s,
          };
      }
    } else if (this.has('llm.generate')) {
      const a = await this.llm.generateStructured<{
        linkedin_url: string | null;
        name: string | null;
        headline: string | null;
        company: string | null;
      }>(
        {
          prompt:
            `Find the LinkedIn profile of this person: ${p.search_query}` +
            `${p.company ? ` (company: ${p.company})` : ''}${p.role ? ` (role: ${p.role})` : ''}. ` +
            'Answer with JSON {"linkedin_url", "name", "headline", "company"}; nulls when you cannot find them.',
          schema: LLM_PROFILE_SCHEMA,
          schemaName: 'person_profile_search',
          webSearch: true,
          temperature: 0,
        },
        scope,
      );
      cost += a.cost_usd;
      const v = a.value;
      if (v.linkedin_url && LINKEDIN_PROFILE.test(v.linkedin_url)) {
        best = {
          linkedin_url: v.linkedin_url,
          name: v.name,
          headline: v.headline,
          company: v.company,
          source: a.provider,
          ...identityScore(said, v),
        };
      }
    }
    if (!best?.linkedin_url || !this.has('person.linkedin')) return { match: best, cost };
    try {
      const w = await this.client.waterfall<PersonProfile>(
        'person.linkedin',
        { input: { linkedin_url: best.linkedin_url } },
        (o) => o.found,
        scope,
      );
      cost += w.cost_usd;
      const prof = w.winner?.data;
      if (!prof) return { match: best, cost };
      const company = prof.organization?.name ?? prof.employments?.[0]?.organization_name ?? null;
      const s = identityScore(said, {
        name: prof.name,
        headline: prof.headline ?? prof.title,
        company,
        linkedin_url: best.linkedin_url,
      });
      return {
        match: {
          linkedin_url: best.linkedin_url,
          name: prof.name ?? best.name,
          headline: prof.headline ?? prof.title ?? best.headline,
          company,
          source: w.winner!.provider,
          ...s,
        },
        cost,
      };
    } catch (err) {
      // The profile's data is a bonus: the search's candidate stands without it.
      if (err instanceof ProviderError) return { match: best, cost };
      throw err;
    }
  }
}
