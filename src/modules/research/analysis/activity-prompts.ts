import { stableStringify } from '../../../common/stable-json';
import type { ParsedActivity } from '../parsing/activity.types';

/*
 * What the LLM is asked about each activity (SEED-CONTRACTS A6 "LinkedIn activity", steps 2–3:
 * summaries, category with a reason, whether it concerns the person's company and why, the
 * colleague and products involved). Dates, authors, counts and hashtags come from the parser,
 * never from the model. Pure; prompts are built from sorted JSON so that the same activities
 * ask the same question (a cache hit).
 */

/** The seed's fixed categories (ContentDetails.category). */
export const CATEGORIES = [
  'personal_thoughts',
  'industry_update',
  'company_news',
  'product_update',
  'social_update',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

const text = { type: 'string' };

export const ACTIVITY_ANALYSIS_SCHEMA = {
  type: 'object',
  properties: {
    activities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: text,
          detailed_summary: { type: 'string', description: '3–5 sentences' },
          concise_summary: { type: 'string', description: '1–2 sentences' },
          one_line_summary: { type: 'string', description: 'at most 20 words' },
          category: { enum: [...CATEGORIES] },
          category_reason: text,
          focus_on_company: { type: 'boolean' },
          focus_on_company_reason: text,
          main_colleague: { type: ['string', 'null'] },
          main_colleague_reason: { type: ['string', 'null'] },
          product_associations: { type: 'array', items: text },
        },
        required: [
          'id',
          'detailed_summary',
          'concise_summary',
          'one_line_summary',
          'category',
          'category_reason',
          'focus_on_company',
          'focus_on_company_reason',
        ],
      },
    },
  },
  required: ['activities'],
} as const;

/** The model's analysis of one activity. */
export interface ActivityAnalysis {
  id: string;
  detailed_summary: string;
  concise_summary: string;
  one_line_summary: string;
  category: Category;
  category_reason: string;
  focus_on_company: boolean;
  focus_on_company_reason: string;
  main_colleague?: string | null;
  main_colleague_reason?: string | null;
  product_associations?: string[];
}

/** Who the person is and what their company does: what "concerns the company" is judged on. */
export interface ResearchSubject {
  person_name: string;
  person_role_title?: string;
  company_name: string;
  company_description?: string;
  /** The product the outreach is for (from input_data.product_data), if given. */
  product?: Record<string, unknown>;
}

export const ACTIVITY_ANALYSIS_SYSTEM =
  "You are a B2B sales researcher reading a person's LinkedIn activity before outreach. " +
  "For each activity you are given (its id, kind, who wrote it, the person's own words and the post it " +
  'refers to), write three summaries of what the person said or engaged with (detailed: 3–5 sentences; ' +
  'concise: 1–2; one line: at most 20 words), in English whatever the language of the post. Choose one ' +
  `category from ${CATEGORIES.join(', ')} and say why. Decide whether the activity concerns the person's ` +
  'own company (its news, products, people, customers, hiring) and say why. Only when it does: name the ' +
  'colleague from that company it most involves (an author, a mention or a tagged person; null if none) ' +
  "with a reason, and list the company's products or services it mentions. Use only what the activity " +
  'says; never invent names, numbers or products. Answer every id you were given, once.';

/** The activity as the model sees it: what the parser found, without markup. */
export function activityCard(id: string, a: ParsedActivity): Record<string, unknown> {
  const clip = (s: string | undefined, n: number) =>
    s && s.length > n ? `${s.slice(0, n)}…` : (s ?? '');
  return {
    id,
    kind: a.type,
    ...(a.reaction_kind ? { reaction: a.reaction_kind } : {}),
    author: a.author ? { name: a.author.name, headline: a.author.headline } : null,
    ...(a.original_author
      ? { original_author: { name: a.original_author.name, headline: a.original_author.headline } }
      : {}),
    own_text: clip(a.text_md, 3000),
    ...(a.parent_text_md ? { post_text: clip(a.parent_text_md, 3000) } : {}),
    mentions: [...a.mentions.people, ...a.mentions.companies].map((m) => m.name),
    hashtags: a.hashtags,
    links: a.links.slice(0, 5),
  };
}

export function activityAnalysisPrompt(
  subject: ResearchSubject,
  cards: Array<Record<string, unknown>>,
): string {
  return (
    `The person: ${stableStringify({
      name: subject.person_name,
      role: subject.person_role_title ?? null,
      company: subject.company_name,
      company_description: subject.company_description ?? null,
    })}\n\n` +
    `Their activities (JSON):\n${stableStringify(cards)}\n\n` +
    'Answer with JSON: {"activities": [{"id", "detailed_summary", "concise_summary", "one_line_summary", ' +
    '"category", "category_reason", "focus_on_company", "focus_on_company_reason", "main_colleague", ' +
    '"main_colleague_reason", "product_associations"}]}.'
  );
}
