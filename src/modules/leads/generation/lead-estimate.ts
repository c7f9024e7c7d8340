import { Injectable } from '@nestjs/common';
import type { Capability } from '../../../providers/core/capabilities';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { accountKey } from '../../accounts/account-key';
import type { TaskEstimate } from '../../tasks/engine/task-type.decorator';
import type { LeadGenerationInput } from '../dto/lead-generation.input';
import { EVALUATION_BATCH } from '../evaluation/lead-evaluator.service';
import {
  FINAL_EVALUATION_SCHEMA,
  finalEvaluationPrompt,
  PRE_EVALUATION_SCHEMA,
  preEvaluationPrompt,
} from '../evaluation/lead-prompts';
import { ENRICH_BATCH } from './enrichment.stage';
import { SEARCH_PAGE_SIZE } from './people.stage';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** A lead as the LLM sees it, at its longest, for worst-case token counts. */
const SAMPLE_CARD = {
  id: 'x'.repeat(24),
  name: 'x'.repeat(30),
  title: 'x'.repeat(60),
  about: 'x'.repeat(600),
  employments: Array.from({ length: 6 }, () => ({
    title: 'x'.repeat(60),
    organization: 'x'.repeat(40),
  })),
};

/** The dry run of a lead generation: its calls and worst-case cost with the providers configured now. */
@Injectable()
export class LeadEstimate {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  estimate(input: LeadGenerationInput, maxPeople: number, maxEnrich: number): TaskEstimate {
    const notes: string[] = [];
    let calls = 0;
    let max = 0;
    const ids = (c: Capability) => this.registry.forCapability(c).map((p) => p.meta.id);
    const add = (
      provider: string,
      capability: Capability,
      input: unknown,
      times: number,
      operation?: string,
    ) => {
      if (times <= 0) return;
      max += times * this.client.maxCost(provider, { capability, operation, input });
      calls += times;
    };
    const domain = accountKey(input.account_data.website);
    const people = ids('people.search');
    for (const id of ids('company.profile').filter((p) => people.includes(p))) {
      add(id, 'company.profile', { domain }, 1);
      add(id, 'company.profile', { name: input.account_data.name }, 1, 'search');
    }
    const pages = Math.ceil(maxPeople / SEARCH_PAGE_SIZE);
    // The first provider that finds people is paged through; the others answer page 1 at most.
    people.forEach((id, i) => add(id, 'people.search', { domain, page: 1 }, i === 0 ? pages : 1));
    const llm = ids('llm.generate');
    if (!people.length)
      notes.push('no people.search provider configured: people come from an LLM web search');
    if (llm.length) {
      const batches = Math.ceil(maxPeople / EVALUATION_BATCH);
      const cards = Array.from({ length: EVALUATION_BATCH }, () => SAMPLE_CARD);
      const product = {
        ...input.product_data,
        persona_role_titles: input.product_data.persona_role_titles ?? {},
      };
      // Each structured call may need one repair attempt.
      add(
        llm[0],
        'llm.generate',
        {
          prompt: preEvaluationPrompt(product, input.account_data.name, cards),
          schema: PRE_EVALUATION_SCHEMA,
        },
        2 * batches,
      );
      add(
        llm[0],
        'llm.generate',
        { prompt: finalEvaluationPrompt(product, cards), schema: FINAL_EVALUATION_SCHEMA },
        2 * batches,
      );
      if (!people.length)
        add(llm[0], 'llm.generate', { prompt: 'x'.repeat(2000), webSearch: true }, 2);
    } else {
      notes.push('no LLM configured: leads are scored by the transparent rules (method "rules")');
    }
    const enrich = ids('person.enrich');
    if (enrich.length)
      add(enrich[0], 'person.enrich', { people: [] }, Math.ceil(maxEnrich / ENRICH_BATCH));
    for (const id of ids('person.linkedin'))
      add(id, 'person.linkedin', { linkedin_url: 'x' }, maxEnrich);
    notes.push(`at most ${maxPeople} people considered and ${maxEnrich} enriched`);
    return { calls, cost_min_usd: 0, cost_max_usd: round(max), notes };
  }
}
