import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../common/config/app.config';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { TaskEstimate } from '../../tasks/engine/task-type.decorator';
import {
  extractionPrompt,
  MARKET_INTEL_SCHEMA,
  marketIntelPrompt,
  PROFILE_SCHEMA,
  SUMMARY_SCHEMA,
  summaryPrompt,
} from '../account-llm';
import type { AccountToEnhance } from '../dto/account-enhancement.input';
import { tryNormaliseDomain } from '../extraction';
import { LLM_TEXT_CHARS } from './site.stage';
import { configuredProviders } from './stage-helpers';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The dry run of one account: its calls and worst-case cost. */
@Injectable()
export class EnhancementEstimate {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly config: AppConfig,
  ) {}

  /** Dry run: calls and worst-case cost of one account with the providers configured now. */
  estimate(item: AccountToEnhance): TaskEstimate {
    const notes: string[] = [];
    let calls = this.config.WEB_SITE_MAX_PAGES;
    let max = 0;
    const configured = (capability: string) => configuredProviders(this.registry, capability);
    const add = (capability: string, input: Record<string, unknown>, times = 1) => {
      const ids = configured(capability);
      if (!ids.length) return;
      // A waterfall may try every configured provider; each costs at most its maxCost.
      for (const id of ids)
        max += times * this.client.maxCost(id, { capability: capability as never, input });
      calls += times * ids.length;
    };
    const domain = tryNormaliseDomain(item.website) ?? 'example.com';
    add('company.profile', { domain });
    if (item.linkedin_url) add('company.linkedin', { linkedin_url: item.linkedin_url });
    else if (configured('company.linkedin').length)
      notes.push('company.linkedin runs only if the site links a LinkedIn page (not counted)');
    add('tech.stack', { domain });
    if (configured('llm.generate').length) {
      const text = 'x'.repeat(LLM_TEXT_CHARS);
      // Each structured call may need one repair attempt.
      add('llm.generate', { prompt: extractionPrompt(domain, text), schema: PROFILE_SCHEMA }, 2);
      add('llm.generate', { prompt: summaryPrompt(domain, null, text), schema: SUMMARY_SCHEMA }, 2);
      add(
        'llm.generate',
        { prompt: marketIntelPrompt(domain, domain), schema: MARKET_INTEL_SCHEMA, webSearch: true },
        2,
      );
    } else {
      notes.push('no LLM configured: no structured extraction, summary or market intel');
    }
    return { calls, cost_min_usd: 0, cost_max_usd: round(max), notes };
  }
}
