/*
 * From verified candidates to the addresses a find keeps (decide() per address), and the person
 * pipeline's choice among them. Pure.
 */
import type { EmailVerification } from '../../../providers/email/email.types';
import { decide } from './acceptance';
import { EmailCandidate, FindRules, FoundAddress, summarize } from './email-candidate';

/**
 * The candidates decide() keeps, in candidate order, each with its verdict and provenance. A
 * candidate without a verdict (no verifier answered) is not kept.
 */
export function keepVerified(
  candidates: EmailCandidate[],
  verdicts: Map<string, EmailVerification>,
  rules: FindRules,
  taskId: string | null,
  /** Counts the addresses not kept, by decide()'s reason (disposable, blocked, a status, score). */
  rejected: Record<string, number> = {},
): FoundAddress[] {
  const out: FoundAddress[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const email = c.email.toLowerCase();
    const v = verdicts.get(email);
    if (!v || seen.has(email)) continue;
    seen.add(email);
    const d = decide(v, c.generic, rules);
    if (!d.keep) {
      const why = d.why.startsWith('score') ? 'low_score' : d.why;
      rejected[why] = (rejected[why] ?? 0) + 1;
      continue;
    }
    const verification = summarize(v);
    out.push({
      email,
      type: d.type,
      generic: c.generic,
      status: v.status,
      score: v.score,
      reasons: [...v.reasons],
      confidence: d.confidence,
      first_name: c.first_name,
      last_name: c.last_name,
      position: c.position,
      source: c.source,
      method: c.method,
      ...(c.pattern ? { pattern: c.pattern } : {}),
      verification,
      provenance: {
        source: c.source,
        method: c.method,
        confidence: Math.round(d.confidence) / 100,
        retrieved_at: v.verified_at,
        cost_usd: Math.round(c.cost_usd * 1e6) / 1e6,
        task_id: taskId,
        ...(c.evidence?.length ? { evidence: c.evidence } : {}),
        ...(c.pattern ? { pattern: c.pattern } : {}),
        verification,
      },
    });
  }
  return out;
}

/** One person's address: the first kept deliverable, else the best-scored risky one. */
export function bestForPerson(kept: FoundAddress[]): FoundAddress | null {
  const deliverable = kept.find((k) => k.status === 'deliverable');
  if (deliverable) return deliverable;
  let best: FoundAddress | null = null;
  for (const k of kept) if (!best || k.score > best.score) best = k;
  return best;
}

/**
 * A domain find's list: personal addresses (primary first, then by confidence) up to `wanted`;
 * generic inboxes only when fewer personal ones were kept, at most `maxGeneric`.
 */
export function domainList(kept: FoundAddress[], rules: FindRules): FoundAddress[] {
  const byRank = (a: FoundAddress, b: FoundAddress) =>
    (a.type === 'primary' ? 0 : 1) - (b.type === 'primary' ? 0 : 1) || b.confidence - a.confidence;
  const personal = kept
    .filter((k) => !k.generic)
    .sort(byRank)
    .slice(0, rules.wanted);
  if (personal.length >= rules.wanted) return personal;
  const generic = kept
    .filter((k) => k.generic)
    .sort(byRank)
    .slice(0, rules.maxGeneric);
  return [...personal, ...generic];
}
