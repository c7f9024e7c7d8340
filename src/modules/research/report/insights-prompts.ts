import { stableStringify } from '../../../common/stable-json';
import type { ContentDetails } from '../analysis/content-details';

/*
 * What the LLM is asked for the research report (SEED-CONTRACTS A6 "Insights": personality,
 * interests, outreach approach, personalization signals; and the personalised emails the seed's
 * report model defined but never sent). Every claim must cite the ids of the activities it rests
 * on; the counts and rankings are computed in code (ResearchReport). Pure.
 */

const text = { type: 'string' };
const texts = { type: 'array', items: text };
const ids = { type: 'array', items: text, description: 'ids of the activities this rests on' };

export const INSIGHTS_SCHEMA = {
  type: 'object',
  properties: {
    personality_traits: {
      type: 'object',
      properties: {
        description: { type: 'string', description: '2–3 sentences' },
        evidence: texts,
        activity_ids: ids,
      },
      required: ['description', 'evidence', 'activity_ids'],
    },
    areas_of_interest: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: {
        type: 'object',
        properties: { description: text, supporting_activities: ids },
        required: ['description', 'supporting_activities'],
      },
    },
    recommended_approach: {
      type: 'object',
      properties: {
        approach: text,
        key_topics: texts,
        conversation_starters: texts,
        best_channels: texts,
        timing_preferences: text,
        cautions: texts,
        activity_ids: ids,
      },
      required: ['approach', 'key_topics', 'conversation_starters', 'best_channels'],
    },
    personalization_signals: {
      type: 'array',
      items: {
        type: 'object',
        properties: { description: text, reason: text, outreach_message: text, activity_ids: ids },
        required: ['description', 'reason', 'outreach_message', 'activity_ids'],
      },
    },
    emails: {
      type: 'array',
      items: {
        type: 'object',
        properties: { email_subject: text, email_body: text, activity_ids: ids },
        required: ['email_subject', 'email_body', 'activity_ids'],
      },
    },
  },
  required: ['personality_traits', 'areas_of_interest', 'recommended_approach', 'emails'],
} as const;

export interface InsightsAnswer {
  personality_traits: { description: string; evidence: string[]; activity_ids: string[] };
  areas_of_interest: Array<{ description: string; supporting_activities: string[] }>;
  recommended_approach: {
    approach: string;
    key_topics: string[];
    conversation_starters: string[];
    best_channels: string[];
    timing_preferences?: string;
    cautions?: string[];
    activity_ids?: string[];
  };
  personalization_signals?: Array<{
    description: string;
    reason: string;
    outreach_message: string;
    activity_ids: string[];
  }>;
  emails: Array<{ email_subject: string; email_body: string; activity_ids: string[] }>;
}

export const INSIGHTS_SYSTEM =
  'You are a senior B2B sales researcher preparing outreach to one person from their recent LinkedIn ' +
  'activity (already summarised, each with an id and a date). Write: their personality (2–3 sentences, ' +
  'with the evidence); 3–5 areas of interest; an outreach approach (the approach, 3–5 key topics, 3 ' +
  'conversation starters, the best channels, timing, cautions); when a product is given, ' +
  'personalization signals (what in their activity makes the product relevant now, why, and a short ' +
  'personalised message for each); and the personalised emails asked for (a subject and a short body, ' +
  'each built on specific activities, in a natural, non-generic tone, no placeholders). Every claim, ' +
  'area, signal and email must list the ids of the activities it rests on, and rest only on them: ' +
  'never invent facts, numbers, names or events. Prefer recent activities.';

/** An analysed activity as the report's model sees it. */
export function reportCard(c: ContentDetails): Record<string, unknown> {
  return {
    id: c.id,
    date: c.publish_date?.slice(0, 10) ?? null,
    kind: c.activity_kind,
    summary: c.detailed_summary,
    category: c.category,
    about_their_company: c.focus_on_company,
    colleague: c.main_colleague,
    products: c.product_associations,
    hashtags: c.hashtags,
  };
}

export function insightsPrompt(input: {
  person: Record<string, unknown>;
  account?: Record<string, unknown>;
  product?: Record<string, unknown>;
  cards: Array<Record<string, unknown>>;
  emails: number;
  today: string;
}): string {
  return (
    `Today: ${input.today}\n\nThe person: ${stableStringify(input.person)}\n\n` +
    (input.account ? `Their company: ${stableStringify(input.account)}\n\n` : '') +
    (input.product
      ? `The product the outreach is for: ${stableStringify(input.product)}\n\n`
      : 'No product is given: leave personalization_signals empty.\n\n') +
    `Their activities (JSON, newest first):\n${stableStringify(input.cards)}\n\n` +
    `Write exactly ${input.emails} email(s) in "emails". Answer with JSON: {"personality_traits", ` +
    '"areas_of_interest", "recommended_approach", "personalization_signals", "emails"}.'
  );
}
