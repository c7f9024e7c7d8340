import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../common/config/app.config';
import type { Capability } from '../../../providers/core/capabilities';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { TaskEstimate } from '../../tasks/engine/task-type.decorator';
import type { EmailFindingInput } from '../dto/email-finding.input';
import { PATTERNS } from './email-patterns';
import { VERIFY_BATCH } from './verify.stage';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Addresses a domain search asks for (EmailFindingTask, PatternKnowledge). */
export const DOMAIN_SEARCH_LIMIT = 10;

/**
 * The dry run of one `email_finding` task: its calls and worst-case cost with the providers
 * configured now (a keyless builtin_smtp verification costs nothing; Hunter's credits do).
 * Worst case: every provider of a waterfall is asked, every permutation of every person is
 * verified by every verifier, nothing is answered from the cache.
 */
@Injectable()
export class EmailEstimate {
  constructor(
    private readonly config: AppConfig,
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  estimate(input: EmailFindingInput, maxPeople = this.config.EMAILS_MAX_PEOPLE): TaskEstimate {
    let calls = 0;
    let max = 0;
    const ids = (c: Capability) => this.registry.forCapability(c).map((p) => p.meta.id);
    const each = (c: Capability, input: unknown, operation?: string) => {
      for (const id of ids(c)) {
        max += this.client.maxCost(id, { capability: c, operation, input });
        calls += 1;
      }
    };
    const domain = input.domain ?? 'example.com';
    const person = { domain, first_name: 'x', last_name: 'x' };
    // The address of one person: the finders, then the finder's answer and the permutations
    // verified (in batches) by each verifier in turn.
    const onePerson = () => {
      each('email.find', person);
      const addresses = PATTERNS.length + 1;
      for (let i = 0; i < addresses; i += VERIFY_BATCH) {
        const n = Math.min(VERIFY_BATCH, addresses - i);
        each('email.verify', { emails: Array.from({ length: n }, (_, k) => `p${k}@${domain}`) });
      }
    };
    // The domain's pattern or addresses: a domain search.
    each('email.find', { domain, limit: DOMAIN_SEARCH_LIMIT }, 'domain-search');
    const single = !!(input.lead_id || input.full_name || input.first_name);
    if (single) onePerson();
    else {
      // Its addresses verified; then the people at the company, each person's address.
      each('email.verify', {
        emails: Array.from({ length: DOMAIN_SEARCH_LIMIT }, (_, k) => `a${k}@${domain}`),
      });
      each('people.search', { domain, page: 1 });
      if (ids('llm.generate').length) {
        each('llm.generate', { prompt: 'x'.repeat(2000), webSearch: true });
      }
      for (let i = 0; i < maxPeople; i++) onePerson();
    }
    const notes: string[] = [];
    if (!ids('email.verify').length) notes.push('no email verifier is configured');
    if (!ids('email.find').length)
      notes.push('no email.find provider configured: addresses come from name permutations');
    return { calls, cost_min_usd: 0, cost_max_usd: round(max), notes };
  }
}
