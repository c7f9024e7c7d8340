import type { Sourced } from '../../../providers/core/provenance';
import type { AccountEnhancementProcessedData, MergedProfile } from '../extraction';

/** Candidate values per profile field, each with its provenance, as the merge takes them. */
export type Candidates = Record<string, Sourced<unknown>[]>;

/** What one stage or vendor did for an account (kept in the result's `sources`). */
export interface SourceStep {
  stage: string;
  capability?: string;
  provider?: string;
  outcome: string;
  cost_usd: number;
  cached?: boolean;
  error?: string;
}

export interface AccountError {
  stage: string;
  code: string;
  message: string;
}

export interface AccountSucceeded {
  status: 'completed';
  account_id: string | null;
  website: string;
  domain: string;
  company_name: string | null;
  account_uuid: string;
  version: number;
  changed_fields: string[];
  processed_data: AccountEnhancementProcessedData;
  /** What each source returned, under the seed's raw_data keys (sent in the completed callback). */
  raw_data: AccountRawData;
  profile: MergedProfile;
  /** Per field of processed_data-backing profile fields: the sources of its values. */
  field_sources: Record<string, string[]>;
  sources: SourceStep[];
  errors: AccountError[];
}

export interface AccountFailed {
  status: 'failed';
  account_id: string | null;
  /** As given (on the seed route it may be null or not a domain: INVALID_WEBSITE). */
  website: string | null;
  error: string;
  error_code: string;
  retryable: boolean;
  sources: SourceStep[];
  errors: AccountError[];
}

export type AccountOutcome = AccountSucceeded | AccountFailed;

/**
 * The seed's raw_data keys (A2.1), each with what Assay's source for that step returned (the
 * names are the seed's; `providers` says which provider actually answered each), plus the
 * company-data vendors' answers.
 */
export interface AccountRawData {
  jina_response: string | null;
  gemini_structured: unknown;
  gemini_analysis: string | null;
  openai_intelligence: unknown;
  vendors: Record<string, { provider: string; data: unknown }>;
  providers: Record<string, string>;
}

/** The site read, as a checkpoint stores it (facts and text; not the raw HTML). */
export interface SiteStageOutput {
  home_url: string | null;
  pages: string[];
  failures: Array<{ url: string; code: string; message: string }>;
  candidates: Candidates;
  text: string;
}

/** What the vendors stage or one LLM stage found, as its checkpoint stores it. */
export interface StageOutput {
  candidates: Candidates;
  sources: SourceStep[];
  errors: AccountError[];
  /** What the winning provider of each capability / LLM call returned, for raw_data. */
  raw?: Record<string, { provider: string; data: unknown }>;
}
