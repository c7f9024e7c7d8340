import { stableStringify } from '../../common/stable-json';
import type { Sourced } from '../../providers/core/provenance';
import type { AccountEnhancementProcessedData } from './extraction';

/*
 * What the LLM is asked for account enhancement: JSON Schemas, prompts, and the answers as merge
 * candidates (method `llm`, evidence = the pages read or the URLs the search cited). Pure.
 */

type Candidates = Record<string, Sourced<unknown>[]>;

const str = { type: 'string' };
const urls = {
  type: 'array',
  items: { type: 'string' },
  description: 'URLs that support this claim',
};

/** Structured extraction into the profile's fields (all optional: null when the text does not say). */
export const PROFILE_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
    industry: { type: ['string', 'null'] },
    company_type: {
      type: ['string', 'null'],
      description: 'private, public, nonprofit, government…',
    },
    employee_count: { type: ['integer', 'null'] },
    founded_year: { type: ['integer', 'null'] },
    headquarters: {
      type: ['object', 'null'],
      properties: { city: str, state: str, country: str },
    },
    linkedin_url: { type: ['string', 'null'] },
    customers: { type: 'array', items: str },
    technologies: { type: 'array', items: str },
    industry_keywords: { type: 'array', items: str },
  },
  required: ['name'],
} as const;

export interface LlmProfile {
  name?: string | null;
  description?: string | null;
  industry?: string | null;
  company_type?: string | null;
  employee_count?: number | null;
  founded_year?: number | null;
  headquarters?: { city?: string; state?: string; country?: string } | null;
  linkedin_url?: string | null;
  customers?: string[];
  technologies?: string[];
  industry_keywords?: string[];
}

export const SUMMARY_SCHEMA = {
  type: 'object',
  properties: { analysis_summary: { type: 'string', minLength: 1, description: 'Markdown' } },
  required: ['analysis_summary'],
} as const;

const named = {
  type: 'array',
  items: { type: 'object', properties: { name: str, urls }, required: ['name'] },
};

/** Market intelligence by grounded web search: every claim carries the URLs it rests on. */
export const MARKET_INTEL_SCHEMA = {
  type: 'object',
  properties: {
    competitors: named,
    customers: named,
    recent_events: {
      type: 'array',
      items: {
        type: 'object',
        properties: { title: str, description: str, date: str, urls },
        required: ['title'],
      },
    },
    funding: {
      type: ['object', 'null'],
      properties: {
        total_funding_usd: { type: ['number', 'null'] },
        rounds: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              series: str,
              amount: { type: ['number', 'null'] },
              currency: str,
              date: str,
              investors: { type: 'array', items: str },
              urls,
            },
          },
        },
        urls,
      },
    },
  },
  required: ['competitors', 'customers', 'recent_events'],
} as const;

interface Claim {
  urls?: string[];
}
export interface MarketIntel {
  competitors: Array<{ name: string } & Claim>;
  customers: Array<{ name: string } & Claim>;
  recent_events: Array<{ title: string; description?: string; date?: string } & Claim>;
  funding?:
    | ({
        total_funding_usd?: number | null;
        rounds?: Array<
          {
            series?: string;
            amount?: number | null;
            currency?: string;
            date?: string;
            investors?: string[];
          } & Claim
        >;
      } & Claim)
    | null;
}

export function extractionPrompt(company: string, text: string): string {
  return (
    `Extract facts about the company "${company}" from its own website's pages below. ` +
    'Use only what the text states; leave a field null or empty when it does not say. ' +
    'Answer with JSON matching the schema.\n\n--- PAGES ---\n' +
    text
  );
}

/**
 * Facts not given to the summary: `tech_profile` is a vendor's raw report (detection dates,
 * scores, its own `created_at`), not a business fact — `technologies` already names what it found.
 */
const NOT_SUMMARY_FACTS = new Set(['tech_profile']);

/**
 * The known facts as the summary prompt shows them, the same text for the same facts: the fields in
 * processed_data's order, every nested object with its keys sorted. A vendor answer read back
 * from the provider cache (JSONB) has its keys in another order than the fresh one; serialised
 * as-is it made an identical re-run's prompt differ, and so miss the LLM cache.
 */
export function knownFactsText(known: AccountEnhancementProcessedData | null): string {
  const fields = Object.entries(known ?? {})
    .filter(([k, v]) => v !== undefined && !NOT_SUMMARY_FACTS.has(k))
    .map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`);
  return `{${fields.join(',')}}`;
}

export function summaryPrompt(
  company: string,
  known: AccountEnhancementProcessedData | null,
  text: string,
): string {
  return (
    `Write a concise business summary of "${company}" for a B2B sales team, in Markdown ` +
    '(what they do, who they sell to, notable facts; at most 200 words). Use only the facts below.\n\n' +
    `--- KNOWN FACTS ---\n${knownFactsText(known).slice(0, 4000)}\n\n--- WEBSITE TEXT ---\n${text.slice(0, 12_000)}\n\n` +
    'Answer with JSON: {"analysis_summary": "<markdown>"}.'
  );
}

export function marketIntelPrompt(company: string, domain: string): string {
  return (
    `Search the web for market intelligence on the company "${company}" (${domain}): its main ` +
    'competitors, named customers, recent events of the last 12 months (funding, launches, ' +
    'acquisitions, leadership changes) and funding. For every item give the URLs of the pages ' +
    'that support it in `urls`; leave out anything you cannot source. Answer with JSON matching the schema.'
  );
}

interface LlmProvenance {
  provider: string;
  cost: number;
  taskId: string | null;
}

/** `at`: one time per answer, so that the order of its claims is the model's, not the clock's. */
function sourcedLlm<T>(
  value: T,
  p: LlmProvenance,
  evidence: string[],
  confidence: number,
  at: string,
): Sourced<T> {
  return {
    value,
    source: p.provider,
    method: 'llm',
    retrieved_at: at,
    confidence,
    cost_usd: p.cost,
    task_id: p.taskId,
    ...(evidence.length ? { evidence } : {}),
  };
}

/** Structured extraction as candidates; evidence = the pages the model read. */
export function candidatesFromLlmProfile(
  a: LlmProfile,
  p: LlmProvenance & { evidence: string[] },
): Candidates {
  const out: Candidates = {};
  const at = new Date().toISOString();
  const add = (field: string, value: unknown) => {
    if (value == null || value === '') return;
    (out[field] ??= []).push(sourcedLlm(value, p, p.evidence, 0.6, at));
  };
  add('name', a.name);
  add('description', a.description);
  add('industry', a.industry);
  add('company_type', a.company_type);
  add('employee_count', a.employee_count);
  add('founded_year', a.founded_year);
  if (a.headquarters && Object.values(a.headquarters).some(Boolean))
    add('headquarters', a.headquarters);
  if (a.linkedin_url && /linkedin\.com\/company\//i.test(a.linkedin_url))
    add('linkedin_url', a.linkedin_url);
  for (const c of a.customers ?? []) add('customers', c);
  for (const k of a.industry_keywords ?? []) add('industry_keywords', k);
  for (const t of a.technologies ?? [])
    add('technologies', { name: t, categories: [], confidence: 0.5 });
  return out;
}

/**
 * Market intel as candidates. Each claim's evidence is its own URLs, or, when the model gave none,
 * the answer's citations; a claim with no URL at all is dropped (nothing unsourced is kept).
 */
export function candidatesFromMarketIntel(
  a: MarketIntel,
  p: LlmProvenance & { citations: string[] },
): Candidates {
  const out: Candidates = {};
  const at = new Date().toISOString();
  const evidence = (c: Claim | null | undefined) => {
    const own = (c?.urls ?? []).filter((u) => /^https?:\/\//i.test(u));
    return own.length ? own : p.citations;
  };
  const add = (field: string, value: unknown, claim: Claim | null | undefined) => {
    const ev = evidence(claim);
    if (value == null || value === '' || !ev.length) return;
    // Above structured extraction (0.6): the seed listed search-intel names first.
    (out[field] ??= []).push(sourcedLlm(value, p, ev, 0.65, at));
  };
  for (const c of a.competitors ?? []) add('competitors', c.name, c);
  for (const c of a.customers ?? []) add('customers', c.name, c);
  for (const e of a.recent_events ?? []) {
    const ev = evidence(e);
    add(
      'recent_events',
      {
        title: e.title,
        description: e.description ?? null,
        date: e.date ?? null,
        source: ev[0] ?? null,
      },
      e,
    );
  }
  const f = a.funding;
  if (f) {
    if (typeof f.total_funding_usd === 'number') add('total_funding_usd', f.total_funding_usd, f);
    for (const r of f.rounds ?? []) {
      const { urls: _urls, ...round } = r;
      add(
        'funding_rounds',
        { ...round, amount: round.amount ?? undefined },
        r.urls?.length ? r : f,
      );
    }
  }
  return out;
}
