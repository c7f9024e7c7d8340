import { createHash } from 'node:crypto';
import { AppConfig } from '../../../common/config/app.config';
import { TaskContext } from '../../tasks/engine/task-context';
import { TaskError } from '../../tasks/engine/task-errors';
import type { TaskEntity } from '../../tasks/task.entity';
import { TaskEstimate, TaskHandler, TaskType } from '../../tasks/engine/task-type.decorator';
import { EMAIL_TASK, EmailFindingInput, emailDomain } from '../dto/email-finding.input';
import { EmailJobFeeder } from '../jobs/email-job-feeder';
import { EmailsRepository } from '../storage/emails.repository';
import { LeadsRepository } from '../../leads/storage/leads.repository';
import { addCounts, DomainFinder, emptyStep, namedPeople } from './domain.finder';
import type { FindRules, FoundAddress, PatternInfo } from './email-candidate';
import { DOMAIN_SEARCH_LIMIT, EmailEstimate } from './email-estimate';
import { addressPart } from './email-patterns';
import { domainList as domainListOf } from './keep';
import { PatternKnowledge } from './pattern-knowledge';
import { FindRun, PersonFinder, PersonToFind } from './person.finder';

export { EMAIL_TASK };

export interface EmailFindingResult {
  domain: string;
  emails: FoundAddress[];
  pattern: PatternInfo | null;
  counts: {
    candidates: number;
    verified: number;
    kept: number;
    /** Verified addresses not kept, by reason (disposable, blocked, low_score, a status). */
    rejected: Record<string, number>;
  };
  /** The verifier found the domain accepts any address (its addresses are risky at best). */
  catch_all: boolean | null;
  api_errors: number;
  cost_usd: number;
}

/** The person key of an address (see EmailEntity.personKey). */
export const personKey = (a: FoundAddress, leadId: string | null): string =>
  leadId
    ? `lead:${leadId}`
    : a.generic || !a.first_name
      ? 'generic'
      : `name:${addressPart(a.first_name)}|${addressPart(a.last_name)}`;

/** A repeat of the same find returns the stored result (names hashed: no PII in the key). */
function emailScope(i: EmailFindingInput): string {
  const name = (i.full_name ?? `${i.first_name ?? ''} ${i.last_name ?? ''}`).trim().toLowerCase();
  const who = i.lead_id
    ? `lead:${i.lead_id}`
    : `${emailDomain(i.domain)}:${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
  return `email_finding:${who}:${i.max_emails ?? ''}:${i.min_score ?? ''}`;
}

/**
 * `email_finding` (issue 11, SEED-CONTRACTS part C): the addresses of one person (by name, or a
 * stored lead) or of a domain's decision-makers, found, verified and kept by part C's rules, each
 * with its evidence; stored per tenant. Each stage is a checkpoint. Not found is a result.
 */
@TaskType({
  name: EMAIL_TASK,
  input: EmailFindingInput,
  enrichmentType: EMAIL_TASK,
  concurrency: 2,
  maxAttempts: 3,
  timeoutMs: 30 * 60_000,
  description:
    'Work email addresses of a person ({domain, first_name, last_name} or {domain, full_name}), a stored lead ({lead_id}) or a domain ({domain})',
  scope: emailScope,
  entities: (i) => ({ accountId: emailDomain(i.domain), leadId: i.lead_id ?? null }),
})
export class EmailFindingTask implements TaskHandler<EmailFindingInput, EmailFindingResult> {
  constructor(
    private readonly config: AppConfig,
    private readonly patterns: PatternKnowledge,
    private readonly persons: PersonFinder,
    private readonly domains: DomainFinder,
    private readonly repo: EmailsRepository,
    private readonly leads: LeadsRepository,
    private readonly jobs: EmailJobFeeder,
    private readonly estimates: EmailEstimate,
  ) {}

  /** One of a job's tasks ended: the job queues its next item (docs/emails.md "Jobs"). */
  async ended(task: TaskEntity): Promise<void> {
    if (task.batchId) await this.jobs.taskEnded(task.batchId, task.traceId);
  }

  estimate(input: EmailFindingInput): TaskEstimate {
    return this.estimates.estimate(input);
  }

  private rules(input: EmailFindingInput): FindRules {
    const c = this.config;
    return {
      minScore: input.min_score ?? c.EMAILS_MIN_SCORE,
      primaryScore: c.EMAILS_PRIMARY_SCORE,
      minFindConfidence: c.EMAILS_MIN_FIND_CONFIDENCE,
      maxGeneric: c.EMAILS_MAX_GENERIC,
      wanted: input.max_emails ?? c.EMAILS_MAX_EMAILS,
      maxPeople: c.EMAILS_MAX_PEOPLE,
    };
  }

  async run(ctx: TaskContext<EmailFindingInput>): Promise<EmailFindingResult> {
    const input = ctx.input;
    const tenantId = ctx.task.tenantId ?? null;
    await ctx.progress('initialization', 10, 'starting', { callback: false });
    const target = await ctx.checkpoint('initialization', () => this.target(input, tenantId));
    const run: FindRun = {
      tenantId,
      taskId: ctx.taskId,
      domain: target.domain,
      rules: this.rules(input),
      scope: () => ctx.providerScope(),
      bounced: await this.repo.bouncedAt(tenantId, target.domain),
    };
    const result = target.person
      ? await this.findPerson(ctx, run, target.person)
      : await this.findDomain(ctx, run);

    await ctx.progress('storing_results', 95, 'storing addresses', { callback: false });
    const pattern = await ctx.checkpoint('storing_results', async () => {
      await this.repo.save({
        tenantId,
        domain: run.domain,
        leadUuid: target.leadId,
        taskId: ctx.taskId,
        rows: result.emails.map((found) => ({ personKey: personKey(found, target.leadId), found })),
      });
      return { learned: await this.patterns.learn(tenantId, run.domain, result.emails) };
    });
    return { ...result, pattern: pattern.learned ?? result.pattern };
  }

  /** The domain and, for one person, the name: from the request or the stored lead. */
  private async target(
    input: EmailFindingInput,
    tenantId: string | null,
  ): Promise<{ domain: string; person: PersonToFind | null; leadId: string | null }> {
    if (input.lead_id) {
      const lead = await this.leads.findById(input.lead_id, tenantId);
      if (!lead) throw TaskError.permanent('NOT_FOUND', `no lead with id ${input.lead_id}`);
      const domain = emailDomain(lead.accountDomain ?? lead.person.organization?.domain);
      const [first, ...rest] = (lead.name ?? '').trim().split(/\s+/);
      const person = {
        first_name: lead.person.first_name ?? first,
        last_name: lead.person.last_name ?? rest.join(' '),
      };
      if (!domain || !person.first_name || !person.last_name)
        throw TaskError.permanent('BAD_INPUT', 'the lead has no name or no account domain');
      return {
        domain,
        person: { ...person, position: lead.title, source: `lead:${lead.id}`, method: 'inferred' },
        leadId: lead.id,
      };
    }
    const domain = emailDomain(input.domain)!;
    if (input.full_name) {
      const [first, ...rest] = input.full_name.trim().split(/\s+/);
      return { domain, person: { first_name: first, last_name: rest.join(' ') }, leadId: null };
    }
    if (input.first_name && input.last_name)
      return {
        domain,
        person: { first_name: input.first_name.trim(), last_name: input.last_name.trim() },
        leadId: null,
      };
    return { domain, person: null, leadId: null };
  }

  private async findPerson(
    ctx: TaskContext<EmailFindingInput>,
    run: FindRun,
    person: PersonToFind,
  ): Promise<EmailFindingResult> {
    await ctx.progress('pattern', 20, 'the domain pattern', { callback: false });
    const known = await ctx.checkpoint('pattern', async () => {
      const k = await this.patterns.known(run.tenantId, run.domain, {
        search: true,
        scope: run.scope(),
      });
      return { pattern: k.pattern, cost_usd: k.search?.cost_usd ?? 0 };
    });
    await ctx.progress('finding_email', 40, 'finding and verifying', { callback: false });
    const o = await ctx.checkpoint('finding_email', () =>
      this.persons.find(person, run, known.pattern, { useFinder: true }),
    );
    const emails = o.best ? [o.best] : [];
    return {
      domain: run.domain,
      emails,
      pattern: known.pattern,
      counts: {
        candidates: o.candidates,
        verified: o.verified,
        kept: emails.length,
        rejected: o.rejected,
      },
      catch_all: o.verdicts.some((v) => v.catch_all === true)
        ? true
        : o.verdicts.some((v) => v.catch_all === false)
          ? false
          : null,
      api_errors: o.api_errors,
      cost_usd: round(known.cost_usd + o.cost_usd),
    };
  }

  private async findDomain(
    ctx: TaskContext<EmailFindingInput>,
    run: FindRun,
  ): Promise<EmailFindingResult> {
    await ctx.progress('domain_search', 20, 'searching the domain', { callback: false });
    const searched = await ctx.checkpoint('domain_search', async () => {
      const search = await this.patterns.searchDomain(run.domain, DOMAIN_SEARCH_LIMIT, run.scope());
      const k = await this.patterns.known(run.tenantId, run.domain, {
        searched: search,
        search: false,
        scope: run.scope(),
      });
      return { search, pattern: k.pattern };
    });
    await ctx.progress('verifying_found', 40, 'verifying found addresses', { callback: false });
    const found = await ctx.checkpoint('verifying_found', () =>
      this.domains.verifyFound(
        searched.search.result,
        searched.search.provider,
        searched.search.cost_usd,
        run,
      ),
    );
    const personal = found.kept.filter((k) => !k.generic).length;
    let people = emptyStep();
    let pattern = searched.pattern;
    let catchAll = found.catch_all;
    if (personal < run.rules.wanted && run.rules.maxPeople > 0) {
      await ctx.progress('finding_people', 60, 'finding decision-makers', { callback: false });
      const named = await ctx.checkpoint('finding_people', async () => {
        const f = await this.domains.findPeople(run, searched.search.result?.organization ?? null);
        return { people: namedPeople(f), cost_usd: f.cost_usd, api_errors: f.api_errors };
      });
      await ctx.progress('verifying_people', 75, 'verifying permutations', { callback: false });
      const step = await ctx.checkpoint('verifying_people', () =>
        this.domains.permute(named.people, found.kept, run, pattern),
      );
      people = {
        ...step,
        cost_usd: step.cost_usd + named.cost_usd,
        api_errors: step.api_errors + named.api_errors,
      };
      pattern = step.pattern;
      catchAll = step.catch_all ?? catchAll;
    }
    const emails = domainListOf([...found.kept, ...people.kept], run.rules);
    return {
      domain: run.domain,
      emails,
      pattern,
      counts: {
        candidates: found.candidates + people.candidates,
        verified: found.verified + people.verified,
        kept: emails.length,
        rejected: addCounts({ ...found.rejected }, people.rejected),
      },
      catch_all: catchAll,
      api_errors: searched.search.api_errors + found.api_errors + people.api_errors,
      cost_usd: round(searched.search.cost_usd + found.cost_usd + people.cost_usd),
    };
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
