import type { Sourced } from '../../../providers/core/provenance';
import type { ExtractedFacts, FactField, FactValue } from './extraction.types';
import { fieldSpec } from './field-specs';
import type { PageDoc } from './html-page';
import { comparisonKey } from './value-keys';

export interface FactOrigin {
  doc: PageDoc;
  /** How it was found: `json-ld`, `opengraph`, `tel-link`… (see Sourced.detail). */
  detail: string;
  /** 0..1, by strength of evidence. */
  confidence: number;
}

const FIELDS: FactField[] = [
  'name',
  'legal_name',
  'description',
  'slogan',
  'logo_url',
  'website',
  'industry_keywords',
  'founded_year',
  'employee_count',
  'company_size',
  'headquarters',
  'addresses',
  'phones',
  'emails',
  'linkedin_url',
  'twitter_url',
  'github_url',
  'youtube_url',
  'facebook_url',
  'instagram_url',
  'crunchbase_url',
  'customers',
  'technologies',
];

/**
 * Collects candidates as extractors find them. The same value found the same way on several
 * pages (a footer phone on every page) becomes one candidate whose `evidence` lists the pages;
 * found two different ways (JSON-LD and a tel: link) it stays two candidates, so the merge sees
 * both methods.
 */
export class FactSink {
  private readonly byField = new Map<FactField, Map<string, Sourced<unknown>>>();

  constructor(private readonly taskId: string | null) {
    for (const f of FIELDS) this.byField.set(f, new Map());
  }

  add<F extends FactField>(field: F, value: FactValue<F>, origin: FactOrigin): void {
    if (value == null || (typeof value === 'string' && !value.trim())) return;
    const key = `${origin.detail}\u0000${comparisonKey(fieldSpec(field).key, value)}`;
    const seen = this.byField.get(field)!;
    const prior = seen.get(key);
    const url = origin.doc.url;
    const confidence = Math.max(0, Math.min(1, origin.confidence));
    if (!prior) {
      seen.set(key, {
        value,
        source: url,
        method: 'scrape',
        retrieved_at: origin.doc.page.fetched_at,
        confidence,
        cost_usd: 0,
        task_id: this.taskId,
        evidence: [url],
        detail: origin.detail,
      });
      return;
    }
    const evidence = prior.evidence ?? [prior.source];
    if (!evidence.includes(url)) evidence.push(url);
    if (confidence > prior.confidence) {
      seen.set(key, {
        ...prior,
        value,
        source: url,
        retrieved_at: origin.doc.page.fetched_at,
        confidence,
        evidence,
      });
    } else {
      prior.evidence = evidence;
    }
  }

  /** Whether the field already holds a candidate found the given way. */
  has(field: FactField, detail?: string): boolean {
    const seen = [...this.byField.get(field)!.values()];
    return detail ? seen.some((c) => c.detail === detail) : seen.length > 0;
  }

  values<F extends FactField>(field: F): Sourced<FactValue<F>>[] {
    return [...this.byField.get(field)!.values()] as Sourced<FactValue<F>>[];
  }

  build(): ExtractedFacts {
    const out = {} as Record<FactField, Sourced<unknown>[]>;
    for (const f of FIELDS) out[f] = this.values(f);
    return out as unknown as ExtractedFacts;
  }
}
