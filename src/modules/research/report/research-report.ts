import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { LlmService } from '../../../providers/llm/llm.service';
import type { ContentDetails } from '../analysis/content-details';
import {
  INSIGHTS_SCHEMA,
  INSIGHTS_SYSTEM,
  InsightsAnswer,
  insightsPrompt,
  reportCard,
} from './insights-prompts';

/** Personalization signals resting only on activities older than this are dropped (the seed's rule). */
export const SIGNAL_MAX_AGE_MONTHS = 3;

/** The seed's Insights (processed_data.insights), with the emails and citations Assay adds. */
export interface Insights {
  personality_traits: { description: string; evidence: string[]; activity_ids: string[] };
  areas_of_interest: Array<{ description: string; supporting_activities: string[] }>;
  engaged_colleagues: string[];
  engaged_products: string[];
  total_engaged_activities: number;
  num_company_related_activities: number;
  recommended_approach: InsightsAnswer['recommended_approach'];
  personalization_signals: Array<{
    description: string;
    reason: string;
    outreach_message: string;
    activity_ids: string[];
  }>;
  personalized_emails: Array<{
    id: string;
    email_subject: string;
    email_body: string;
    activity_ids: string[];
    highlight_url: string | null;
  }>;
  total_tokens_used: {
    operation_tag: 'insights';
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    total_cost_in_usd: number;
  };
  generated_by: { provider: string; model: string | null };
}

export interface ReportInput {
  person: Record<string, unknown>;
  account?: Record<string, unknown>;
  product?: Record<string, unknown>;
  emails: number;
  capturedAt: Date;
}

/** Names by how often they occur (case-insensitive, first spelling kept), most frequent first. */
export function rankByFrequency(names: Array<string | null | undefined>): string[] {
  const seen = new Map<string, { name: string; n: number; first: number }>();
  names.forEach((raw, i) => {
    const name = raw?.trim();
    if (!name) return;
    const k = name.toLowerCase();
    const e = seen.get(k);
    if (e) e.n++;
    else seen.set(k, { name, n: 1, first: i });
  });
  return [...seen.values()].sort((a, b) => b.n - a.n || a.first - b.first).map((e) => e.name);
}

/**
 * The research report: the model writes the judgement (personality, interests, approach, signals,
 * emails) from the analysed activities; code computes the counts and rankings, keeps only
 * citations of activities that exist, drops claims left without any, and drops signals resting
 * only on activities older than SIGNAL_MAX_AGE_MONTHS (undated ones are kept, as the seed did).
 */
@Injectable()
export class ResearchReport {
  constructor(private readonly llm: LlmService) {}

  async build(
    details: ContentDetails[],
    input: ReportInput,
    scope: CallScope,
  ): Promise<Insights | null> {
    const analysed = details
      .filter((d) => d.processing_status === 'complete')
      .sort((a, b) => (b.publish_date ?? '').localeCompare(a.publish_date ?? ''));
    if (!analysed.length) return null;
    const answer = await this.llm.generateStructured<InsightsAnswer>(
      {
        system: INSIGHTS_SYSTEM,
        prompt: insightsPrompt({
          person: input.person,
          account: input.account,
          product: input.product,
          cards: analysed.map(reportCard),
          emails: input.emails,
          today: input.capturedAt.toISOString().slice(0, 10),
        }),
        schema: INSIGHTS_SCHEMA,
        schemaName: 'lead_research_insights',
        temperature: 0.4,
      },
      scope,
    );
    const a = answer.value;
    const byId = new Map(analysed.map((d) => [d.id, d]));
    const cited = (list: string[] | undefined) => [
      ...new Set((list ?? []).filter((id) => byId.has(id))),
    ];
    const recentFrom = new Date(input.capturedAt);
    recentFrom.setUTCMonth(recentFrom.getUTCMonth() - SIGNAL_MAX_AGE_MONTHS);
    const recent = (ids: string[]) =>
      ids.some((id) => {
        const date = byId.get(id)?.publish_date;
        return !date || new Date(`${date}Z`) >= recentFrom;
      });
    // The activities' analysis (each carries its share of its batch), then the report's call.
    const tokens = [
      ...details.map((d) => ({
        prompt_tokens: d.openai_tokens_used.prompt_tokens,
        completion_tokens: d.openai_tokens_used.completion_tokens,
        cost_usd: d.openai_tokens_used.total_cost_in_usd,
      })),
      {
        prompt_tokens: answer.usage.input_tokens,
        completion_tokens: answer.usage.output_tokens,
        cost_usd: answer.cost_usd,
      },
    ];
    const prompt = tokens.reduce((n, u) => n + u.prompt_tokens, 0);
    const completion = tokens.reduce((n, u) => n + u.completion_tokens, 0);
    return {
      personality_traits: {
        description: a.personality_traits.description,
        evidence: a.personality_traits.evidence ?? [],
        activity_ids: cited(a.personality_traits.activity_ids),
      },
      areas_of_interest: a.areas_of_interest
        .map((x) => ({
          description: x.description,
          supporting_activities: cited(x.supporting_activities),
        }))
        .filter((x) => x.supporting_activities.length)
        .slice(0, 5),
      engaged_colleagues: rankByFrequency(analysed.map((d) => d.main_colleague)),
      engaged_products: rankByFrequency(analysed.flatMap((d) => d.product_associations)),
      total_engaged_activities: details.length,
      num_company_related_activities: analysed.filter((d) => d.focus_on_company).length,
      recommended_approach: {
        ...a.recommended_approach,
        activity_ids: cited(a.recommended_approach.activity_ids),
      },
      personalization_signals: input.product
        ? (a.personalization_signals ?? [])
            .map((s) => ({ ...s, activity_ids: cited(s.activity_ids) }))
            .filter((s) => s.activity_ids.length && recent(s.activity_ids))
        : [],
      personalized_emails: a.emails
        .map((e) => ({ ...e, activity_ids: cited(e.activity_ids) }))
        .filter((e) => e.activity_ids.length)
        .slice(0, input.emails)
        .map((e, i) => ({
          id: `email-${i + 1}`,
          email_subject: e.email_subject,
          email_body: e.email_body,
          activity_ids: e.activity_ids,
          highlight_url: byId.get(e.activity_ids[0])?.url ?? null,
        })),
      total_tokens_used: {
        operation_tag: 'insights',
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        total_cost_in_usd: Math.round(tokens.reduce((n, u) => n + u.cost_usd, 0) * 1e6) / 1e6,
      },
      generated_by: { provider: answer.provider, model: answer.model ?? null },
    };
  }
}
