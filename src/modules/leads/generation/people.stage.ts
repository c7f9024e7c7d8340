import { Injectable } from '@nestjs/common';
import { mapLimit } from '../../../common/map-limit';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { LlmService } from '../../../providers/llm/llm.service';
import type {
  PeopleSearchInput,
  PeopleSearchPage,
  PersonProfile,
} from '../../../providers/person/person.types';
import type { PersonaRoleTitles } from '../scoring/rules-score';
import { mustStop } from './call-errors';
import { Candidate, candidateId, dedupeCandidates, provenanceOf } from './lead-candidates';
import type { ResolvedOrganization } from './organization.stage';

/** The seniorities the seed searched (A2.2). */
export const SEARCH_SENIORITIES = [
  'founder',
  'vp',
  'head',
  'director',
  'c_suite',
  'owner',
  'manager',
  'partner',
  'senior',
];
/** People per search page (the vendor's maximum) and pages fetched at once (the seed: 5). */
export const SEARCH_PAGE_SIZE = 100;
export const SEARCH_PARALLEL_PAGES = 5;

export interface PeopleFound {
  candidates: Candidate[];
  /** The provider that found them (`llm_search` for the LLM web search). */
  provider: string | null;
  total_entries: number | null;
  api_errors: number;
  /** The LLM web search failed. */
  ai_errors: number;
  cost_usd: number;
}

const WEB_PEOPLE_SCHEMA = {
  type: 'object',
  properties: {
    people: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1 },
          title: { type: 'string' },
          linkedin_url: { type: ['string', 'null'] },
          source_url: { type: 'string', description: 'The page that names this person and role' },
        },
        required: ['name', 'title', 'source_url'],
      },
    },
  },
  required: ['people'],
} as const;

interface WebPerson {
  name: string;
  title: string;
  linkedin_url?: string | null;
  source_url: string;
}

export const allTitles = (p: PersonaRoleTitles): string[] => [
  ...new Set([...(p.buyers ?? []), ...(p.influencers ?? []), ...(p.end_users ?? [])]),
];

/**
 * Finds the people at the account (SEED-CONTRACTS A2.2 step 2, widened): the `people.search`
 * waterfall — the first provider that finds anyone is paged through (pages fetched concurrently,
 * under its shared rate limit) up to `maxPeople` — and, when no provider finds anyone, an LLM web
 * search for names, titles and the pages that name them. Every person keeps where it came from.
 */
@Injectable()
export class PeopleStage {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly llm: LlmService,
  ) {}

  async find(
    account: { name: string; domain: string },
    org: ResolvedOrganization,
    personas: PersonaRoleTitles,
    maxPeople: number,
    scope: CallScope & { taskId: string | null },
  ): Promise<PeopleFound> {
    let apiErrors = org.api_errors;
    let cost = 0;
    for (const p of this.registry.forCapability('people.search')) {
      const input: PeopleSearchInput = {
        domain: account.domain,
        organization_name: account.name,
        ...(org.provider === p.meta.id && org.organization_ids.length
          ? { organization_ids: org.organization_ids }
          : {}),
        titles: allTitles(personas),
        seniorities: SEARCH_SENIORITIES,
        per_page: Math.min(SEARCH_PAGE_SIZE, maxPeople),
      };
      const page = async (n: number) => {
        const o = await this.client.call<PeopleSearchPage>(
          p.meta.id,
          { capability: 'people.search', input: { ...input, page: n } },
          scope,
        );
        cost += o.costUsd;
        return o;
      };
      try {
        const first = await page(1);
        const people = [...(first.data?.people ?? [])];
        if (!first.found || !people.length) continue;
        const total = first.data?.total_entries ?? people.length;
        const pages = Math.min(
          Math.ceil(Math.min(total, maxPeople) / input.per_page!),
          first.data?.total_pages ?? Infinity,
        );
        const rest = await mapLimit(
          Array.from({ length: Math.max(0, pages - 1) }, (_, i) => i + 2),
          SEARCH_PARALLEL_PAGES,
          async (n) => {
            try {
              return (await page(n)).data?.people ?? [];
            } catch (err) {
              if (mustStop(err, scope)) throw err;
              apiErrors += 1;
              return [];
            }
          },
        );
        people.push(...rest.flat());
        const at = new Date().toISOString();
        const share = people.length ? cost / people.length : 0;
        const candidates = people.slice(0, maxPeople).map((person) =>
          // Read from a page of the company's site (the built-in reader), or a vendor's record.
          this.candidate(person, p.meta.id, {
            source: person.source_url ?? p.meta.id,
            method: person.source_url ? 'scrape' : 'api',
            confidence: person.source_url ? 0.6 : 0.8,
            costUsd: share,
            taskId: scope.taskId,
            ...(person.source_url ? { evidence: [person.source_url] } : {}),
            at,
          }),
        );
        return {
          candidates: dedupeCandidates(candidates),
          provider: p.meta.id,
          total_entries: total,
          api_errors: apiErrors,
          ai_errors: 0,
          cost_usd: cost,
        };
      } catch (err) {
        if (mustStop(err, scope)) throw err;
        apiErrors += 1;
      }
    }
    const web = await this.webSearch(account, personas, scope, maxPeople);
    return {
      candidates: web.candidates,
      provider: web.candidates.length ? 'llm_search' : null,
      total_entries: null,
      api_errors: apiErrors,
      ai_errors: web.failed ? 1 : 0,
      cost_usd: cost + web.cost,
    };
  }

  private candidate(
    person: PersonProfile,
    vendor: string,
    src: Parameters<typeof provenanceOf>[1],
  ): Candidate {
    return {
      id: candidateId(person, vendor),
      person,
      vendor,
      provenance: provenanceOf(person, src),
    };
  }

  /** The LLM web search for people (no people provider found anyone); nothing without an LLM. */
  private async webSearch(
    account: { name: string; domain: string },
    personas: PersonaRoleTitles,
    scope: CallScope & { taskId: string | null },
    maxPeople: number,
  ): Promise<{ candidates: Candidate[]; cost: number; failed: boolean }> {
    if (!this.registry.forCapability('llm.generate').length)
      return { candidates: [], cost: 0, failed: false };
    const titles = allTitles(personas);
    try {
      const answer = await this.llm.generateStructured<{ people: WebPerson[] }>(
        {
          system:
            'You research who works at a company. Only name people a source you found says hold the role now; never guess.',
          prompt:
            `Find the people who currently work at ${account.name} (website ${account.domain}) ` +
            `in roles like: ${titles.join('; ') || 'leadership and management'}. ` +
            'Prefer the company team or leadership page, press releases and LinkedIn profiles. For each person ' +
            'give the name, the current title, the LinkedIn profile URL when you found it, and the URL of the ' +
            'page that names the person and role (source_url). At most 50 people.',
          schema: WEB_PEOPLE_SCHEMA,
          schemaName: 'people_at_company',
          webSearch: true,
          temperature: 0,
        },
        scope,
      );
      const at = new Date().toISOString();
      const people = answer.value.people.slice(0, Math.min(50, maxPeople));
      const candidates = people.map((w) => {
        const [first, ...rest] = w.name.trim().split(/\s+/);
        const person: PersonProfile = {
          name: w.name.trim(),
          first_name: first,
          ...(rest.length ? { last_name: rest.join(' ') } : {}),
          title: w.title,
          ...(w.linkedin_url && /linkedin\.com\/in\//i.test(w.linkedin_url)
            ? { linkedin_url: w.linkedin_url }
            : {}),
          organization: { name: account.name, domain: account.domain },
        };
        return this.candidate(person, 'llm_search', {
          source: answer.provider,
          method: 'llm',
          confidence: 0.5,
          costUsd: people.length ? answer.cost_usd / people.length : 0,
          taskId: scope.taskId,
          evidence: [...new Set([w.source_url, ...answer.citations])].slice(0, 5),
          at,
        });
      });
      return { candidates: dedupeCandidates(candidates), cost: answer.cost_usd, failed: false };
    } catch (err) {
      if (mustStop(err, scope)) throw err;
      return { candidates: [], cost: 0, failed: true };
    }
  }
}
