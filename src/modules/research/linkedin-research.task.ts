import { createHash } from 'node:crypto';
import { ProviderRegistry } from '../../providers/core/provider-registry';
import { TaskContext } from '../tasks/engine/task-context';
import { TaskEstimate, TaskHandler, TaskType } from '../tasks/engine/task-type.decorator';
import type { TaskEntity } from '../tasks/task.entity';
import { ActivityAnalyzer, AnalysisPass } from './analysis/activity-analyzer';
import {
  activityId,
  ContentDetails,
  statusBeforeAnalysis,
  toContentDetails,
} from './analysis/content-details';
import { LinkedInResearchInput } from './dto/linkedin-research.input';
import { parsedCaptures, subjectOf } from './research-input';
import { ResearchEstimate } from './report/research-estimate';
import { Insights, ResearchReport } from './report/research-report';
import { ResearchRepository } from './storage/research.repository';

export const RESEARCH_TASK = 'lead_linkedin_research';

/** Email drafts a report has unless the input asks otherwise. */
export const DEFAULT_EMAIL_DRAFTS = 3;

/** `processed_data` of the completed callback: the seed's two keys, and Assay's report id. */
export interface ResearchResult {
  content_details: ContentDetails[];
  insights: Insights | null;
  report_id: string;
  /** Set when the report could not be written (no LLM configured): what is here is partial. */
  partial_reason?: { code: string; message: string };
}

/** The same lead and the same captures: a repeat returns the stored report (unless refresh). */
export function researchScope(i: LinkedInResearchInput): string {
  const captures = createHash('sha256')
    .update(
      JSON.stringify([i.posts_html, i.comments_html, i.reactions_html, i.email_drafts ?? null]),
    )
    .digest('hex')
    .slice(0, 32);
  return `linkedin_research:${i.lead_id}:${captures}`.slice(0, 500);
}

/** The seed's summary of a run (status route). */
export function researchSummary(result: unknown, task: Readonly<TaskEntity>): unknown {
  const r = result as Partial<ResearchResult> | null;
  if (!r || !Array.isArray(r.content_details)) return undefined;
  return {
    status: 'completed',
    job_id: task.externalId ?? task.id,
    account_id: task.accountId,
    lead_id: task.leadId,
    activities_processed: r.content_details.length,
    content_generated: r.insights !== null && r.insights !== undefined,
  };
}

/**
 * `lead_linkedin_research` (seed 001, SEED-CONTRACTS A2.3): the activity a browser extension
 * captured from a person's LinkedIn page is parsed in code, each recent dated activity analysed
 * by the LLM (batched, cached), and a report written from them — personality, interests,
 * approach, signals and email drafts, each citing its activities. Progress as the seed sent it
 * (10 % initialization, 30 % activity_parsing, 60 % content_processing); stored per lead.
 */
@TaskType({
  name: RESEARCH_TASK,
  input: LinkedInResearchInput,
  enrichmentType: RESEARCH_TASK,
  callbackSource: 'linkedin',
  progressCallbacks: true,
  concurrency: 4,
  maxAttempts: 3,
  timeoutMs: 20 * 60_000,
  description:
    "A lead's captured LinkedIn activity parsed, analysed and turned into a research report with email drafts",
  scope: researchScope,
  entities: (i) => ({ accountId: i.account_id, leadId: i.lead_id }),
  summarize: researchSummary,
})
export class LinkedInResearchTask implements TaskHandler<LinkedInResearchInput, ResearchResult> {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly analyzer: ActivityAnalyzer,
    private readonly report: ResearchReport,
    private readonly repo: ResearchRepository,
    private readonly estimator: ResearchEstimate,
  ) {}

  estimate(input: LinkedInResearchInput): TaskEstimate {
    return this.estimator.estimate(input, new Date());
  }

  async run(ctx: TaskContext<LinkedInResearchInput>): Promise<ResearchResult> {
    const input = ctx.input;
    await ctx.progress('initialization', 10, 'starting', { data: { stage: 'initialization' } });
    const capturedAt = input.captured_at ? new Date(input.captured_at) : ctx.task.createdAt;
    const parsed = parsedCaptures(input, capturedAt);
    await ctx.progress('activity_parsing', 30, `${parsed.length} activities found`, {
      data: { stage: 'activity_parsing', activities_found: parsed.length },
      counters: { activities_found: parsed.length },
    });

    const subject = subjectOf(input);
    const llm = this.registry.forCapability('llm.generate').length > 0;
    const eligible = parsed
      .filter((a) => statusBeforeAnalysis(a, capturedAt) === 'started')
      .map((a) => ({ id: activityId(a), activity: a }));
    const pass: AnalysisPass =
      llm && eligible.length
        ? await ctx.checkpoint('content_processing', () =>
            this.analyzer.analyse(subject, eligible, ctx.providerScope()),
          )
        : { byId: {}, errors: {} };
    const details = parsed.map((a) =>
      toContentDetails(
        a,
        subject,
        capturedAt,
        pass.byId[activityId(a)],
        pass.errors[activityId(a)],
      ),
    );
    const processed = details.filter((d) => d.processing_status === 'complete').length;
    await ctx.progress('content_processing', 60, `${processed} activities analysed`, {
      data: { stage: 'content_processing', content_processed: processed },
      counters: { content_processed: processed },
    });

    let insights: Insights | null = null;
    let partial: ResearchResult['partial_reason'];
    if (!llm) {
      partial = {
        code: 'LLM_NOT_CONFIGURED',
        message:
          'no LLM provider is configured (GEMINI_API_KEY, OPENAI_API_KEY or OPENAI_BASE_URL, PERPLEXITY_API_KEY): the activities are parsed, not analysed, and there is no report',
      };
    } else {
      await ctx.progress('report_generation', 80, 'writing the report', { callback: false });
      insights = await ctx.checkpoint('report_generation', () =>
        this.report.build(
          details,
          {
            person: {
              name: input.person_name,
              role: input.person_role_title ?? null,
              linkedin_url: input.person_linkedin_url,
              ...(input.input_data?.lead_data ?? {}),
            },
            account: {
              name: input.company_name,
              ...(input.company_description ? { description: input.company_description } : {}),
              ...(input.input_data?.account_data ?? {}),
            },
            product: input.input_data?.product_data,
            emails: input.email_drafts ?? DEFAULT_EMAIL_DRAFTS,
            capturedAt,
          },
          ctx.providerScope(),
        ),
      );
    }

    const reportId = await ctx.checkpoint('storing_results', () =>
      this.repo.save({
        tenant_id: ctx.task.tenantId ?? '',
        lead_id: input.lead_id,
        account_id: input.account_id,
        task_id: ctx.taskId,
        person_name: input.person_name,
        person_linkedin_url: input.person_linkedin_url,
        company_name: input.company_name,
        captured_at: capturedAt,
        activities: details.length,
        analysed: processed,
        content_details: details,
        insights,
        partial_reason: partial ?? null,
        cost_usd:
          insights?.total_tokens_used.total_cost_in_usd ??
          details.reduce((n, d) => n + d.openai_tokens_used.total_cost_in_usd, 0),
      }),
    );
    return {
      content_details: details,
      insights,
      report_id: reportId,
      ...(partial ? { partial_reason: partial } : {}),
    };
  }
}
