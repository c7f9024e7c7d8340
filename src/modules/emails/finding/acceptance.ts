/*
 * Which verified addresses are kept, and how (SEED-CONTRACTS part C, step 4), with the thresholds
 * configurable. Pure.
 */

/** Local parts of shared inboxes rather than people. */
const ROLE_LOCALS = new Set([
  'info',
  'contact',
  'hello',
  'hi',
  'sales',
  'support',
  'help',
  'admin',
  'office',
  'team',
  'marketing',
  'press',
  'media',
  'pr',
  'jobs',
  'careers',
  'hr',
  'billing',
  'accounts',
  'accounting',
  'finance',
  'legal',
  'privacy',
  'security',
  'abuse',
  'postmaster',
  'webmaster',
  'noreply',
  'no-reply',
  'enquiries',
  'inquiries',
  'service',
  'customerservice',
  'partners',
  'events',
  'feedback',
  'mail',
  'newsletter',
  'orders',
  'shop',
  'store',
  'booking',
  'reservations',
]);

/** Whether an address is a shared (role) inbox: info@, sales@, … */
export function isRoleAddress(email: string): boolean {
  const local = email
    .toLowerCase()
    .split('@')[0]
    .replace(/[._+-].*$/, '');
  return ROLE_LOCALS.has(local) || ROLE_LOCALS.has(email.toLowerCase().split('@')[0]);
}

export interface AcceptanceRules {
  /** Least verification score kept (the seed: 65). */
  minScore: number;
  /** A deliverable address with at least this score is primary (the seed: 90). */
  primaryScore: number;
  /** A personal address from a domain search is kept above this confidence (the seed: > 70). */
  minFindConfidence: number;
  /** Generic (role) inboxes kept at most, and only when too few personal ones were found (3). */
  maxGeneric: number;
  /** Personal addresses wanted before more are searched (the seed: 3). */
  wanted: number;
}

export const SEED_RULES: AcceptanceRules = {
  minScore: 65,
  primaryScore: 90,
  minFindConfidence: 70,
  maxGeneric: 3,
  wanted: 3,
};

export interface Verification {
  status: 'deliverable' | 'undeliverable' | 'risky' | 'unknown';
  score: number;
  reasons: string[];
}

export type Decision =
  { keep: true; type: 'primary' | 'secondary'; confidence: number } | { keep: false; why: string };

/**
 * The seed's rule: kept when deliverable or risky, scored at least `minScore`, neither disposable
 * nor blocked; primary when deliverable with a score of at least `primaryScore`, else secondary. A
 * generic inbox's confidence is max(50, 0.8 × score) and it is never primary.
 */
export function decide(
  v: Verification,
  generic: boolean,
  rules: AcceptanceRules = SEED_RULES,
): Decision {
  if (v.reasons.includes('disposable')) return { keep: false, why: 'disposable' };
  if (v.reasons.some((r) => r === 'policy_block' || r === 'smtp_blocked'))
    return { keep: false, why: 'blocked' };
  if (v.status !== 'deliverable' && v.status !== 'risky') return { keep: false, why: v.status };
  if (v.score < rules.minScore) return { keep: false, why: `score ${v.score} < ${rules.minScore}` };
  if (generic) {
    const confidence = Math.round(Math.max(50, 0.8 * v.score) * 100) / 100;
    return { keep: true, type: 'secondary', confidence };
  }
  const primary = v.status === 'deliverable' && v.score >= rules.primaryScore;
  return { keep: true, type: primary ? 'primary' : 'secondary', confidence: v.score };
}

/**
 * The domain-search results worth verifying: personal addresses above `minFindConfidence`,
 * highest confidence first; generic inboxes (at most `maxGeneric`) only when fewer than `wanted`
 * personal ones remain.
 */
export function toVerify<T extends { email: string; confidence: number; type?: string | null }>(
  found: T[],
  rules: AcceptanceRules = SEED_RULES,
): Array<T & { generic: boolean }> {
  const tagged = found.map((f) => ({
    ...f,
    generic: f.type === 'generic' || (f.type !== 'personal' && isRoleAddress(f.email)),
  }));
  const personal = tagged
    .filter((f) => !f.generic && f.confidence > rules.minFindConfidence)
    .sort((a, b) => b.confidence - a.confidence);
  if (personal.length >= rules.wanted) return personal;
  const generic = tagged
    .filter((f) => f.generic)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, rules.maxGeneric);
  return [...personal, ...generic];
}
