/*
 * Identity resolution (SEED-CONTRACTS part D): how likely a profile found on the web is the person
 * the conversation talked about, from what both say — the name, the company, the role — with the
 * evidence for each point. Labels as the seed's: ≥ 0.8 high_confidence, ≥ 0.6 medium, else low.
 */

export interface Said {
  name: string;
  company: string | null;
  role: string | null;
}

export interface Found {
  name?: string | null;
  headline?: string | null;
  company?: string | null;
  /** Any other text about the profile (a search result's title and snippet). */
  text?: string | null;
  linkedin_url?: string | null;
}

export interface IdentityScore {
  score: number;
  label: 'high_confidence' | 'medium' | 'low';
  evidence: string[];
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const words = (s: string | null | undefined) =>
  fold(s ?? '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
const COMPANY_NOISE = new Set([
  'inc',
  'ltd',
  'llc',
  'gmbh',
  'corp',
  'corporation',
  'co',
  'the',
  'sa',
  'ag',
  'plc',
]);
const ROLE_NOISE = new Set(['of', 'and', 'the', 'at', 'for', 'a', 'an', '&']);

export const labelOf = (score: number): IdentityScore['label'] =>
  score >= 0.8 ? 'high_confidence' : score >= 0.6 ? 'medium' : 'low';

export function identityScore(said: Said, found: Found): IdentityScore {
  const evidence: string[] = [];
  const wanted = words(said.name);
  const foundName = words(found.name ?? found.text?.split(/[-|–]/)[0]);
  let score = 0;
  if (wanted.length && foundName.length) {
    const all = wanted.every((w) => foundName.includes(w));
    const last = wanted[wanted.length - 1];
    if (all) {
      score += 0.5;
      evidence.push(`name matches: ${found.name ?? said.name}`);
    } else if (foundName.includes(last) && foundName.some((w) => w[0] === wanted[0][0])) {
      score += 0.35;
      evidence.push(`last name and first initial match (${found.name ?? ''})`);
    } else if (wanted.some((w) => w.length > 2 && foundName.includes(w))) {
      score += 0.15;
      evidence.push('part of the name matches');
    } else return { score: 0, label: 'low', evidence: ['the name does not match'] };
  }
  const context = words([found.company, found.headline, found.text].filter(Boolean).join(' '));
  const company = words(said.company).filter((w) => !COMPANY_NOISE.has(w));
  if (company.length && company.every((w) => context.includes(w))) {
    score += 0.3;
    evidence.push(`works at ${said.company}`);
  }
  const role = words(said.role).filter((w) => !ROLE_NOISE.has(w));
  if (role.length) {
    const shared = role.filter((w) => context.includes(w));
    if (shared.length / role.length >= 0.5) {
      score += 0.15;
      evidence.push(`role matches (${shared.join(' ')})`);
    }
  }
  const slug = words(found.linkedin_url?.split('/in/')[1]);
  if (wanted.length && slug.length && wanted.every((w) => slug.some((s) => s.includes(w)))) {
    score += 0.05;
    evidence.push('the profile address carries the name');
  }
  score = Math.round(Math.min(1, score) * 100) / 100;
  return { score, label: labelOf(score), evidence };
}
