import { createHash } from 'node:crypto';
import { AppConfig } from '../../../common/config/app.config';
import { stableStringify } from '../../../common/stable-json';
import { accountKey } from '../../accounts/account-key';
import { TaskContext } from '../../tasks/engine/task-context';
import { TaskEstimate, TaskHandler, TaskType } from '../../tasks/engine/task-type.decorator';
import { LeadGenerationInput } from '../dto/lead-generation.input';
import { LeadEvaluator } from '../evaluation/lead-evaluator.service';
import type { PreEvaluation, ProductContext } from '../evaluation/lead-prompts';
import { selectForEnrichment } from '../scoring/enrichment-selection';
import { timeSignals } from '../scoring/time-signals';
import type { StoredEvaluation } from '../storage/lead-evaluation.entity';
import { LeadsRepository } from '../storage/leads.repository';
import { EnrichmentStage } from './enrichment.stage';
import type { Candidate } from './lead-candidates';
import { LeadEstimate } from './lead-estimate';
import {
  buildResult,
  LeadGenerationResult,
  leadSummary,
  toEnrichedLead,
  toEvaluatedLead,
} from './lead-result';
import { OrganizationStage, ResolvedOrganization } from './organization.stage';
import { allTitles, PeopleStage } from './people.stage';

export const LEAD_TASK = 'lead_identification_apollo';

/** The product a run evaluates for: the key its evaluations are kept under. */
export function productKey(p: LeadGenerationInput['product_data']): string {
  return createHash('sha256')
    .update(stableStringify({ name: p.name ?? null, description: p.description ?? null }))
    .digest('hex')
    .slice(0, 32);
}

/** A repeat for the same account and product returns the stored result (unless refresh). */
export function leadScope(input: LeadGenerationInput): string | undefined {
  return `generate_leads:${input.account_id}:${productKey(input.product_data)}`.slice(0, 500);
}

const product = (input: LeadGenerationInput): ProductContext => ({
  name: input.product_data.name,
  description: input.product_data.description,
  icp_description: input.product_data.icp_description,
  persona_role_titles: input.product_data.persona_role_titles ?? {},
  additional_lead_signals: input.product_data.additional_lead_signals,
});

interface PeopleCheckpoint {
  candidates: Candidate[];
  provider: string | null;
  api_errors: number;
  ai_errors: number;
}

/**
 * `lead_identification_apollo` (seed 001, SEED-CONTRACTS A2.2): finds the people at an account,
 * scores them for a product and stores them. Each stage is a checkpoint, so a retry never buys a
 * finished stage again; the seed's progress callbacks (10 % initialization, 30 %
 * fetching_employees with employees_found) go out as the seed sent them, the other stages are
 * visible on the status routes.
 */
@TaskType({
  name: LEAD_TASK,
  input: LeadGenerationInput,
  enrichmentType: 'generate_leads',
  callbackSource: 'apollo',
  progressCallbacks: true,
  concurrency: 2,
  maxAttempts: 3,
  timeoutMs: 60 * 60_000,
  description:
    'People at an account scored for a product: {account_id, account_data{name, website}, product_data{…, persona_role_titles}}',
  scope: leadScope,
  entities: (input) => ({ accountId: input.account_id, leadId: null }),
  callbackPages: {
    lists: ['all_leads', 'qualified_leads', 'structured_leads'],
    counted: ['qualified_leads', 'structured_leads'],
  },
  summarize: leadSummary,
})
export class LeadGenerationTask implements TaskHandler<LeadGenerationInput, LeadGenerationResult> {
  constructor(
    private readonly config: AppConfig,
    private readonly organizations: OrganizationStage,
    private readonly people: PeopleStage,
    private readonly evaluator: LeadEvaluator,
    private readonly enrichment: EnrichmentStage,
    private readonly leads: LeadsRepository,
    private readonly estimator: LeadEstimate,
  ) {}

  estimate(input: LeadGenerationInput): TaskEstimate {
    return this.estimator.estimate(input, this.maxPeople(input), this.config.LEADS_MAX_ENRICH);
  }

  private maxPeople(input: LeadGenerationInput): number {
    return input.max_people ?? this.config.LEADS_MAX_PEOPLE;
  }

  async run(ctx: TaskContext<LeadGenerationInput>): Promise<LeadGenerationResult> {
    const started = Date.now();
    const input = ctx.input;
    const prod = product(input);
    const titles = allTitles(prod.persona_role_titles);
    await ctx.progress('initialization', 10, 'starting', { data: { stage: 'initialization' } });
    // Validated on submission; the domain is the registrable domain of the website.
    const domain = accountKey(input.account_data.website);
    const account = {
      name: input.account_data.name,
      domain,
      linkedin_url: input.account_data.linkedin_url,
    };
    const scope = () => ctx.providerScope();

    await ctx.progress('fetching_apollo_org_id', 20, 'resolving the organization', {
      callback: false,
    });
    const org = await ctx.checkpoint<ResolvedOrganization>('fetching_apollo_org_id', () =>
      this.organizations.resolve(account, scope()),
    );

    const found = await ctx.checkpoint<PeopleCheckpoint>('fetching_employees', async () => {
      const f = await this.people.find(
        account,
        org,
        prod.persona_role_titles,
        this.maxPeople(input),
        scope(),
      );
      return {
        candidates: f.candidates,
        provider: f.provider,
        api_errors: f.api_errors,
        ai_errors: f.ai_errors,
      };
    });
    await ctx.progress('fetching_employees', 30, `${found.candidates.length} people found`, {
      data: { stage: 'fetching_employees', employees_found: found.candidates.length },
      counters: { employees_found: found.candidates.length },
    });

    await ctx.progress('initial_evaluation', 45, 'pre-evaluating', { callback: false });
    const pre = await ctx.checkpoint('initial_evaluation', async () => {
      const pass = await this.evaluator.preEvaluate(prod, account.name, found.candidates, scope());
      return { byId: Object.fromEntries(pass.byId), ai_errors: pass.aiErrors };
    });

    await ctx.progress('structuring_leads', 55, 'choosing leads to enrich', { callback: false });
    const now = new Date();
    const chosen = selectForEnrichment(
      found.candidates.map((c) => candidateForSelection(c, pre.byId[c.id])),
      {
        employee_count: org.employee_count ?? undefined,
        annual_revenue_usd: org.annual_revenue_usd ?? undefined,
      },
      titles,
      now,
      { minInitialScore: 50, minConfidence: 50, maxLeads: this.config.LEADS_MAX_ENRICH },
    );

    await ctx.progress('enriching_leads', 65, `enriching ${chosen.length} leads`, {
      callback: false,
    });
    const enriched = await ctx.checkpoint('enriching_leads', async () => {
      const e = await this.enrichment.enrich(found.candidates, chosen, domain, scope());
      return { ...e, at: new Date().toISOString() };
    });

    await ctx.progress('evaluating_leads', 80, 'evaluating leads', { callback: false });
    const final = await ctx.checkpoint('evaluating_leads', async () => {
      const pass = await this.evaluator.finalEvaluate(
        prod,
        enriched.candidates.map((c) => {
          const signals = timeSignals(c.person.employments, now);
          const p = pre.byId[c.id];
          return {
            ...c,
            timeSignals: signals,
            insights: {
              initial_score: p?.initial_score,
              key_signals: [...(p?.key_signals ?? []), ...signals],
              career_insights: p?.career_insights,
              confidence: p?.confidence,
            },
          };
        }),
        scope(),
      );
      return { byId: Object.fromEntries(pass.byId), ai_errors: pass.aiErrors };
    });

    await ctx.progress('storing_results', 95, 'storing leads', { callback: false });
    const stored = await ctx.checkpoint('storing_results', () =>
      this.store(ctx, input, domain, enriched.candidates, final.byId),
    );

    const qualifiedMin = input.qualified_min_score ?? this.config.LEADS_QUALIFIED_MIN_SCORE;
    const evaluated = enriched.candidates.map((c) => toEvaluatedLead(c.id, final.byId[c.id]));
    const structured = enriched.candidates.map((c) =>
      toEnrichedLead(c, {
        leadUuid: stored[c.id] ?? null,
        enrichedBy: enriched.enrichedBy[c.id] ?? [],
        enrichedAt: enriched.enrichedBy[c.id] ? enriched.at : null,
      }),
    );
    const aiErrors = found.ai_errors + pre.ai_errors + final.ai_errors;
    const failed = evaluated.filter((e) => e.llm_error).length;
    return buildResult(structured, evaluated, qualifiedMin, {
      total_leads_processed: found.candidates.length,
      successful_leads: evaluated.length - failed,
      failed_leads: failed,
      processing_time: Math.round((Date.now() - started) / 10) / 100,
      api_errors: found.api_errors,
      ai_errors: aiErrors,
      enriched_leads: Object.keys(enriched.enrichedBy).length,
      enrichment_errors: enriched.enrichment_errors,
    });
  }

  /** Stores the leads and their evaluations; returns the stored lead id per candidate id. */
  private async store(
    ctx: TaskContext<LeadGenerationInput>,
    input: LeadGenerationInput,
    domain: string,
    candidates: Candidate[],
    evaluations: Record<string, StoredEvaluation>,
  ): Promise<Record<string, string>> {
    const rows = await this.leads.saveLeads(
      {
        tenantId: ctx.task.tenantId ?? null,
        accountId: input.account_id,
        accountDomain: domain,
        taskId: ctx.taskId,
      },
      candidates.map((c) => ({ person: c.person, vendor: c.vendor, provenance: c.provenance })),
    );
    const key = productKey(input.product_data);
    await this.leads.addEvaluations(
      candidates.map((c, i) => ({
        leadUuid: rows[i].id,
        taskId: ctx.taskId,
        productKey: key,
        productName: input.product_data.name ?? null,
        evaluation: evaluations[c.id],
      })),
    );
    return Object.fromEntries(candidates.map((c, i) => [c.id, rows[i].id]));
  }
}

/** What the enrichment selection reads of a candidate and its pre-evaluation. */
function candidateForSelection(c: Candidate, p: PreEvaluation | undefined) {
  const current = c.person.employments?.find((e) => e.current !== false && !e.end_date);
  return {
    id: c.id,
    initial_score: p?.initial_score ?? 0,
    enrichment_recommended: p?.enrichment_recommended ?? false,
    confidence: p?.confidence ?? 0,
    seniority: c.person.seniority,
    departments: c.person.departments,
    functions: c.person.functions,
    current_role_start: current?.start_date,
    years_of_relevant_experience: p?.career_insights?.years_of_relevant_experience,
    industry_alignment: p?.career_insights?.industry_alignment,
  };
}
