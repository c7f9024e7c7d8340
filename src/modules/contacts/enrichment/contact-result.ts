import { isStrongKey, type ContactInput } from '../contact-keys';
import { ContactOutcome, OutputContact, toOutputContact, VendorContact } from './contact-output';
import type { ContactPlan } from './contact-plan';

/** One vendor batch's outcome, as checkpointed: positional matches, or why it failed for good. */
export interface BatchRecord {
  provider: string;
  /** ISO time of the answer. */
  at: string;
  /** Answered from the provider cache (no vendor call, no cost). */
  cached: boolean;
  cost_usd: number;
  /** `matches[i]` answers the batch's i-th contact; null: the vendor found no one. */
  matches?: Array<VendorContact | null>;
  error?: { code: string; message: string };
}

export interface ContactSummary {
  total: number;
  enriched: number;
  unenriched: number;
  duplicates: number;
  /** Batches the vendor answered (not from the cache). */
  vendor_calls: number;
  /** Batches answered from the cache (a re-run of the same contacts: all of them). */
  cache_hits: number;
  cost_usd: number;
}

export interface ContactEnrichmentResult {
  contacts: OutputContact[];
  summary: ContactSummary;
  /** Set on a failed task's result: the contacts not reached are `not_attempted`. */
  partial?: true;
}

/** Confidence of a match found by email or LinkedIn URL, and by name and employer only. */
export const MATCH_CONFIDENCE = { strong: 0.9, name: 0.7 } as const;

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** Why a failed batch left its contacts unenriched. */
export function failureReason(e: { code: string; message: string }): string {
  return e.code === 'BAD_INPUT'
    ? `invalid_input: ${e.message}`
    : `vendor_error: ${e.code}: ${e.message}`;
}

/**
 * Every input contact, in input order, with its outcome: its batch's match (a repeated contact
 * gets the first one's, at no cost), no_match, the batch's failure, or not_attempted (a batch
 * that never ran: only in a failed task's partial result).
 */
export function buildResult(
  contacts: ContactInput[],
  plan: ContactPlan,
  records: ReadonlyMap<number, BatchRecord>,
  taskId: string | null,
): ContactEnrichmentResult {
  const out = contacts.map((input, i) => {
    const key = plan.keys[i];
    const duplicateOf = plan.firstOf[i] !== i ? plan.firstOf[i] : undefined;
    const base = { taskId, duplicateOf, confidence: 0, costUsd: 0 };
    const slot = key ? plan.slots.get(key) : undefined;
    if (!key || !slot) {
      const reason = 'invalid_input: identifies no one (give an email, linkedin_url or a name)';
      return toOutputContact(input, { ...base, status: 'unenriched', reason, provider: null });
    }
    const r = records.get(slot.batch);
    const o: ContactOutcome = { ...base, status: 'unenriched', provider: r?.provider ?? null };
    if (!r) o.reason = 'not_attempted';
    else if (r.error) o.reason = failureReason(r.error);
    else if (!r.matches?.[slot.index]) o.reason = 'no_match';
    else {
      const found = r.matches.filter(Boolean).length;
      Object.assign(o, {
        status: 'enriched',
        match: r.matches[slot.index],
        at: r.at,
        confidence: isStrongKey(key) ? MATCH_CONFIDENCE.strong : MATCH_CONFIDENCE.name,
        costUsd: duplicateOf === undefined ? r.cost_usd / found : 0,
      });
    }
    return toOutputContact(input, o);
  });
  const all = [...records.values()];
  const enriched = out.filter((c) => c.status === 'enriched').length;
  return {
    contacts: out,
    summary: {
      total: out.length,
      enriched,
      unenriched: out.length - enriched,
      duplicates: plan.duplicates,
      vendor_calls: all.filter((r) => !r.cached).length,
      cache_hits: all.filter((r) => r.cached).length,
      cost_usd: round(all.reduce((s, r) => s + r.cost_usd, 0)),
    },
  };
}

/** The job's summary on the seed status route. */
export function contactSummary(result: unknown): unknown {
  return (result as Partial<ContactEnrichmentResult> | null)?.summary ?? null;
}
