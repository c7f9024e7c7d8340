import type { KeyKind } from './value-keys';

/**
 * How a profile field merges. `list` fields keep every distinct value (each with its own
 * provenance): phones, customers, technologies. Single fields choose one value and report the
 * others as a conflict when they disagree.
 */
export interface FieldSpec {
  list: boolean;
  key: KeyKind;
}

const single = (key: KeyKind): FieldSpec => ({ list: false, key });
const list = (key: KeyKind): FieldSpec => ({ list: true, key });

/**
 * The profile vocabulary: keyless extraction's fields (ExtractedFacts), the canonical
 * CompanyProfile's, and what LLM market intelligence adds. A field not listed merges as a single
 * value compared as JSON.
 */
export const FIELD_SPECS: Readonly<Record<string, FieldSpec>> = {
  name: single('name'),
  legal_name: single('name'),
  description: single('text'),
  slogan: single('text'),
  logo_url: single('url'),
  website: single('url'),
  domain: single('domain'),
  industry: single('text'),
  company_type: single('text'),
  company_size: single('text'),
  employee_count: single('number'),
  founded_year: single('number'),
  annual_revenue_usd: single('number'),
  total_funding_usd: single('number'),
  headquarters: single('address'),
  phone: single('phone'),
  linkedin_url: single('url'),
  twitter_url: single('url'),
  github_url: single('url'),
  youtube_url: single('url'),
  facebook_url: single('url'),
  instagram_url: single('url'),
  crunchbase_url: single('url'),
  funding_details: single('json'),
  tech_profile: single('json'),
  analysis_summary: single('text'),
  industry_keywords: list('text'),
  keywords: list('text'),
  addresses: list('address'),
  locations: list('address'),
  phones: list('phone'),
  emails: list('email'),
  customers: list('name'),
  competitors: list('name'),
  technologies: list('technology'),
  funding_rounds: list('title'),
  recent_events: list('title'),
};

export function fieldSpec(
  field: string,
  overrides?: Readonly<Record<string, Partial<FieldSpec>>>,
): FieldSpec {
  const base = FIELD_SPECS[field] ?? single('json');
  const o = overrides?.[field];
  return o ? { ...base, ...o } : base;
}
