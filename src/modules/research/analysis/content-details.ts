import type { ParsedActivity } from '../parsing/activity.types';
import type { ActivityAnalysis } from './activity-prompts';
import type { LlmUsage } from './activity-analyzer';

/*
 * An activity as the seed's ContentDetails (SEED-CONTRACTS A5): what the parser found (dates,
 * author, counts, hashtags) with the model's analysis, plus Assay's own fields (the person's own
 * text and the post's apart, links, mentions, the analysis' provenance). Pure.
 */

export type ProcessingStatus =
  | 'started'
  | 'failed_missing_publish_date'
  | 'failed_stale_publish_date'
  | 'failed_unrelated_to_company'
  | 'complete';

/** Activities older than this (in months before the capture) are not analysed (the seed's rule). */
export const STALE_AFTER_MONTHS = 15;

export interface ContentDetails {
  id: string;
  url: string;
  person_name: string;
  company_name: string;
  person_role_title: string | null;
  linkedin_activity_ref_id: string;
  /** The seed's kinds: post (a repost too), comment, reaction. */
  linkedin_activity_type: 'post' | 'comment' | 'reaction';
  processing_status: ProcessingStatus;
  /** Naive UTC, as the seed sent it (`2025-03-05T09:00:00`). */
  publish_date: string | null;
  publish_date_readable_str: string | null;
  author: string | null;
  author_type: 'person' | 'company' | null;
  author_linkedin_url: string | null;
  detailed_summary: string | null;
  concise_summary: string | null;
  one_line_summary: string | null;
  category: string | null;
  category_reason: string | null;
  focus_on_company: boolean;
  focus_on_company_reason: string | null;
  main_colleague: string | null;
  main_colleague_reason: string | null;
  product_associations: string[];
  hashtags: string[];
  num_linkedin_reactions: number | null;
  num_linkedin_comments: number | null;
  num_linkedin_reposts: number | null;
  openai_tokens_used: {
    operation_tag: string;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    total_cost_in_usd: number;
  };
  // Assay's additions.
  activity_kind: ParsedActivity['type'];
  reaction_kind: string | null;
  own_text_md: string;
  parent_text_md: string | null;
  date_token: string | null;
  links: string[];
  mentions: ParsedActivity['mentions'];
  analysis_error?: string;
  provenance: {
    source: 'linkedin_activity_capture';
    source_tab: ParsedActivity['source_tab'];
    parsed_by: 'assay';
    analysed_by: { provider: string; model: string | null } | null;
  };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "05 March, 2025" (the seed's publish_date_readable_str). */
export function readableDate(d: Date): string {
  return `${String(d.getUTCDate()).padStart(2, '0')} ${MONTHS[d.getUTCMonth()]}, ${d.getUTCFullYear()}`;
}

/** The capture time minus STALE_AFTER_MONTHS calendar months. */
export function staleBefore(capturedAt: Date): Date {
  const d = new Date(capturedAt);
  d.setUTCMonth(d.getUTCMonth() - STALE_AFTER_MONTHS);
  return d;
}

/** An activity's id in a report: its tab and position, e.g. `posts-3` (stable for a capture). */
export const activityId = (a: ParsedActivity) => `${a.source_tab}-${a.index + 1}`;

/** Whether the model is asked about it: dated, and not older than STALE_AFTER_MONTHS. */
export function statusBeforeAnalysis(a: ParsedActivity, capturedAt: Date): ProcessingStatus {
  if (!a.published_at) return 'failed_missing_publish_date';
  if (new Date(a.published_at) < staleBefore(capturedAt)) return 'failed_stale_publish_date';
  return 'started';
}

export function toContentDetails(
  a: ParsedActivity,
  subject: { person_name: string; company_name: string; person_role_title?: string },
  capturedAt: Date,
  analysis: (ActivityAnalysis & { usage: LlmUsage }) | undefined,
  analysisError: string | undefined,
): ContentDetails {
  const before = statusBeforeAnalysis(a, capturedAt);
  const status: ProcessingStatus =
    before !== 'started' ? before : analysis ? 'complete' : 'started';
  const published = a.published_at ? new Date(a.published_at) : null;
  // Whose content it is: the post's author (the original one for reposts, comments, reactions).
  const postAuthor = a.original_author ?? a.author;
  const usage = analysis?.usage;
  const used = status === 'complete' ? analysis : undefined;
  return {
    id: activityId(a),
    url: a.post_url ?? a.activity_url,
    person_name: subject.person_name,
    company_name: subject.company_name,
    person_role_title: subject.person_role_title ?? null,
    linkedin_activity_ref_id: activityId(a),
    linkedin_activity_type: a.type === 'repost' ? 'post' : a.type,
    processing_status: status,
    publish_date: published ? published.toISOString().slice(0, 19) : null,
    publish_date_readable_str: published ? readableDate(published) : null,
    author: postAuthor?.name ?? null,
    author_type: postAuthor?.type ?? null,
    author_linkedin_url: postAuthor?.profile_url ?? null,
    detailed_summary: used?.detailed_summary ?? null,
    concise_summary: used?.concise_summary ?? null,
    one_line_summary: used?.one_line_summary ?? null,
    category: used?.category ?? null,
    category_reason: used?.category_reason ?? null,
    focus_on_company: used?.focus_on_company ?? false,
    focus_on_company_reason: used?.focus_on_company_reason ?? null,
    main_colleague: used?.focus_on_company ? (used.main_colleague ?? null) : null,
    main_colleague_reason: used?.focus_on_company ? (used.main_colleague_reason ?? null) : null,
    product_associations: used?.focus_on_company ? (used.product_associations ?? []) : [],
    hashtags: a.hashtags,
    num_linkedin_reactions: a.counts.reactions,
    num_linkedin_comments: a.counts.comments,
    num_linkedin_reposts: a.counts.reposts,
    openai_tokens_used: {
      operation_tag: 'activity_analysis',
      prompt_tokens: usage?.prompt_tokens ?? 0,
      completion_tokens: usage?.completion_tokens ?? 0,
      total_tokens: (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0),
      total_cost_in_usd: Math.round((usage?.cost_usd ?? 0) * 1e6) / 1e6,
    },
    activity_kind: a.type,
    reaction_kind: a.reaction_kind ?? null,
    own_text_md: a.text_md,
    parent_text_md: a.parent_text_md ?? null,
    date_token: a.date_token ?? null,
    links: a.links,
    mentions: a.mentions,
    ...(status === 'started' && analysisError ? { analysis_error: analysisError } : {}),
    provenance: {
      source: 'linkedin_activity_capture',
      source_tab: a.source_tab,
      parsed_by: 'assay',
      analysed_by:
        used && usage?.provider ? { provider: usage.provider, model: usage.model } : null,
    },
  };
}
