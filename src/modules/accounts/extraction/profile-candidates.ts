import type { CompanyProfile, TechStack } from '../../../providers/company/company.types';
import type { Sourced } from '../../../providers/core/provenance';

/** Provenance shared by every value of one vendor answer. */
export type AnswerProvenance = Omit<Sourced<unknown>, 'value'>;

const LIST_FIELDS: Record<string, string> = {
  keywords: 'industry_keywords',
  locations: 'addresses',
  technologies: 'technologies',
  funding_rounds: 'funding_rounds',
  recent_posts: 'recent_events',
};

/**
 * A vendor's canonical CompanyProfile as merge candidates: each field one candidate with the
 * answer's provenance, list fields one candidate per item (so each technology or location merges
 * on its own). `phone` joins `phones`, `logo_url` and the rest keep their names.
 */
export function candidatesFromCompanyProfile(
  profile: CompanyProfile,
  provenance: AnswerProvenance,
): Record<string, Sourced<unknown>[]> {
  const out: Record<string, Sourced<unknown>[]> = {};
  const push = (field: string, value: unknown) => {
    if (value == null || value === '') return;
    (out[field] ??= []).push({ ...provenance, value });
  };
  for (const [key, value] of Object.entries(profile)) {
    if (key === 'vendor_id') continue;
    const listField = LIST_FIELDS[key];
    if (listField && Array.isArray(value)) {
      for (const item of value) push(listField, item);
    } else if (key === 'phone') {
      push('phones', { number: value, e164: /^\+\d{6,}$/.test(String(value)), raw: value });
    } else {
      push(key, value);
    }
  }
  return out;
}

/** A `tech.stack` answer (BuiltWith…) as technology candidates. */
export function candidatesFromTechStack(
  stack: TechStack,
  provenance: AnswerProvenance,
): Record<string, Sourced<unknown>[]> {
  return {
    technologies: stack.technologies.map((t) => ({
      ...provenance,
      value: t,
      confidence: t.confidence ?? provenance.confidence,
    })),
  };
}
