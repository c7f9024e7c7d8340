import type { ProvenanceMethod } from '../../../providers/core/provenance';
import type { EmailVerification } from '../../../providers/email/email.types';
import type { AcceptanceRules } from './acceptance';

/** An address worth verifying, with how it was found. */
export interface EmailCandidate {
  email: string;
  first_name: string | null;
  last_name: string | null;
  position: string | null;
  generic: boolean;
  /** Provider id or URL the address (or the person it was made for) came from. */
  source: string;
  method: ProvenanceMethod;
  /** The pattern the address was made with (method `inferred`). */
  pattern?: string;
  /** 0–100: how sure the finder was (a vendor's confidence; a pattern's for permutations). */
  find_confidence: number;
  cost_usd: number;
  evidence?: string[];
}

/** The verifier's verdict as kept with an address. */
export interface VerificationSummary {
  provider: string | null;
  status: EmailVerification['status'];
  score: number;
  reasons: string[];
  catch_all: boolean | null;
  smtp_code: number | null;
  verified_at: string;
}

/** Where a kept address came from and what it cost (the emails table's `provenance`). */
export interface EmailProvenance {
  source: string;
  method: ProvenanceMethod;
  /** 0–1. */
  confidence: number;
  retrieved_at: string;
  cost_usd: number;
  task_id: string | null;
  evidence?: string[];
  pattern?: string;
  verification: VerificationSummary;
}

/** One address of a find's result. */
export interface FoundAddress {
  email: string;
  type: 'primary' | 'secondary';
  generic: boolean;
  status: EmailVerification['status'];
  score: number;
  reasons: string[];
  /** 0–100, decide()'s: the score, or max(50, 0.8 × score) for a generic inbox. */
  confidence: number;
  first_name: string | null;
  last_name: string | null;
  position: string | null;
  source: string;
  method: ProvenanceMethod;
  pattern?: string;
  verification: VerificationSummary;
  provenance: EmailProvenance;
}

/** The domain's address pattern as a find used it. */
export interface PatternInfo {
  pattern: string;
  /** 0–1. */
  confidence: number;
  /** `stored` (learned earlier, feedback included), `hunter`, or `inferred` (verified rows). */
  source: string;
}

/** The thresholds a run decides with (settings, overridden by the request). */
export interface FindRules extends AcceptanceRules {
  maxPeople: number;
}

export function summarize(v: EmailVerification): VerificationSummary {
  return {
    provider: v.provider ?? null,
    status: v.status,
    score: v.score,
    reasons: [...v.reasons],
    catch_all: v.catch_all,
    smtp_code: v.smtp?.code ?? null,
    verified_at: v.verified_at,
  };
}
