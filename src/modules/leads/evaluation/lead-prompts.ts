import { stableStringify } from '../../../common/stable-json';
import type { PersonProfile } from '../../../providers/person/person.types';
import type { PersonaRoleTitles } from '../scoring/rules-score';

/*
 * What the LLM is asked about leads (SEED-CONTRACTS A6): the pre-evaluation of search records
 * and the final evaluation (the seed's V2 prompt), as JSON Schemas and prompts. Pure. Prompts are
 * built from sorted JSON so that an identical run asks identical questions (cache hits, no cost).
 */

/** What the product is, as the lead generation payload gives it. */
export interface ProductContext {
  name?: string;
  description?: string;
  icp_description?: string;
  persona_role_titles: PersonaRoleTitles;
  additional_lead_signals?: string;
}

const PERSONA = { enum: ['buyer', 'influencer', 'end_user', null] };
const ALIGNMENT = { enum: ['high', 'medium', 'low'] };
const SCORE = { type: 'number', minimum: 0, maximum: 100 };
const strings = { type: 'array', items: { type: 'string' } };

export const PRE_EVALUATION_SCHEMA = {
  type: 'object',
  properties: {
    evaluations: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          lead_id: { type: 'string' },
          reason: { type: 'string', description: 'Why; written before the persona guess' },
          initial_persona_estimate: PERSONA,
          initial_score: SCORE,
          enrichment_recommended: { type: 'boolean' },
          confidence: SCORE,
          key_signals: strings,
          career_insights: {
            type: 'object',
            properties: {
              relevant_past_roles: strings,
              years_of_relevant_experience: { type: 'number', minimum: 0 },
              industry_alignment: ALIGNMENT,
              function_alignment: ALIGNMENT,
            },
          },
        },
        required: ['lead_id', 'reason', 'initial_score', 'enrichment_recommended', 'confidence'],
      },
    },
  },
  required: ['evaluations'],
} as const;

export interface PreEvaluation {
  lead_id: string;
  reason: string;
  initial_persona_estimate?: 'buyer' | 'influencer' | 'end_user' | null;
  initial_score: number;
  enrichment_recommended: boolean;
  confidence: number;
  key_signals?: string[];
  career_insights?: {
    relevant_past_roles?: string[];
    years_of_relevant_experience?: number;
    industry_alignment?: 'high' | 'medium' | 'low';
    function_alignment?: 'high' | 'medium' | 'low';
  };
}

export const FINAL_EVALUATION_SCHEMA = {
  type: 'object',
  properties: {
    evaluated_leads: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          internal_analysis: { type: 'string' },
          fit_score: SCORE,
          persona_match: PERSONA,
          rationale: { type: 'string', minLength: 1 },
          matching_signals: strings,
          recommended_approach: { type: 'string' },
          key_insights: strings,
        },
        required: ['id', 'fit_score', 'persona_match', 'rationale', 'matching_signals'],
      },
    },
  },
  required: ['evaluated_leads'],
} as const;

export interface FinalEvaluation {
  id: string;
  internal_analysis?: string;
  fit_score: number;
  persona_match: 'buyer' | 'influencer' | 'end_user' | null;
  rationale: string;
  matching_signals: string[];
  recommended_approach?: string;
  key_insights?: string[];
}

/** What the model sees of a lead: the facts that bear on fit, nothing to contact them by. */
export function leadCard(id: string, p: PersonProfile): Record<string, unknown> {
  return {
    id,
    name: p.name ?? ([p.first_name, p.last_name].filter(Boolean).join(' ') || undefined),
    title: p.title,
    headline: p.headline,
    seniority: p.seniority,
    departments: p.departments,
    functions: p.functions,
    location:
      p.location?.formatted ?? [p.location?.city, p.location?.country].filter(Boolean).join(', '),
    organization: p.organization?.name,
    employments: p.employments?.slice(0, 6).map((e) => ({
      title: e.title,
      organization: e.organization_name,
      start: e.start_date,
      end: e.end_date ?? (e.current ? 'present' : undefined),
    })),
    about: p.about?.slice(0, 600),
  };
}

const productBlock = (product: ProductContext): string =>
  stableStringify({
    product: product.name,
    description: product.description,
    ideal_customer_profile: product.icp_description,
    persona_role_titles: product.persona_role_titles,
    additional_signals: product.additional_lead_signals,
  });

export const PRE_EVALUATION_SYSTEM =
  'You are an experienced SDR judging sales leads from search records only (no full profiles yet). ' +
  'Be strict and consistent; answer only with JSON matching the schema.';

export function preEvaluationPrompt(
  product: ProductContext,
  company: string,
  cards: Record<string, unknown>[],
): string {
  return [
    `Product and personas: ${productBlock(product)}`,
    `Company of the leads: ${company}`,
    'For each lead judge: how relevant the role is to the persona titles (write the reason before ' +
      'guessing the persona), seniority, department and function fit, the company context, and ' +
      'your own confidence (0-100). initial_score is 0-100. Recommend enrichment only when a full ' +
      'profile could change the decision. key_signals are short facts from the record. ' +
      'career_insights: relevant past roles, years of relevant experience, industry and function ' +
      'alignment (high, medium, low). Use each lead_id exactly as given.',
    `Leads: ${stableStringify(cards)}`,
  ].join('\n\n');
}

export const FINAL_EVALUATION_SYSTEM =
  'You are a B2B SDR scoring leads for a product. Answer only with JSON matching the schema.';

export function finalEvaluationPrompt(
  product: ProductContext,
  cards: Record<string, unknown>[],
): string {
  return [
    `Product and personas: ${productBlock(product)}`,
    'Personas: end_user uses the product hands-on every day; influencer sways the decision without ' +
      'holding the budget; buyer owns the budget or the purchase. The current role is the main ' +
      'evidence. Give a persona to any plausible match; null only when there is none at all.',
    'fit_score is 0-100: more product-relevant signals mean a higher score; a new role or a recent ' +
      'promotion (see pre_evaluation_insights.key_signals) counts as a signal. rationale cites the ' +
      'signals, or says "No Signals found". matching_signals are full sentences, similar ones merged, ' +
      'without the obvious "works at <company>". recommended_approach: one or two sentences on how to ' +
      'open the conversation. key_insights: short facts worth knowing before reaching out. Explain a ' +
      'disagreement with the pre-evaluation only in internal_analysis. Use each id exactly as given.',
    `Leads: ${stableStringify(cards)}`,
  ].join('\n\n');
}
