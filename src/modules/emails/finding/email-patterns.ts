/*
 * Email address patterns of a domain (Hunter's notation: `{first}.{last}`, `{f}{last}`, …): the
 * candidates to try for a person, ordered by the domain's known or inferred pattern, and the
 * pattern inferred from addresses already known at the domain. Pure.
 */

/** Patterns tried for a person, most common first (the order when a domain's pattern is unknown). */
export const PATTERNS = [
  '{first}.{last}',
  '{f}{last}',
  '{first}',
  '{first}{last}',
  '{f}.{last}',
  '{first}_{last}',
  '{first}.{l}',
  '{first}{l}',
  '{last}',
  '{last}.{first}',
  '{last}{f}',
  '{first}-{last}',
] as const;

export type EmailPattern = (typeof PATTERNS)[number];

/** A name part as it appears in addresses: lower case, accents folded, letters and digits only. */
export function addressPart(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
}

/** The local part a pattern gives for a person; null when a part it needs is missing. */
export function renderPattern(pattern: string, first: string, last: string): string | null {
  const f = addressPart(first);
  const l = addressPart(last);
  const needsFirst = /\{f(irst)?\}/.test(pattern);
  const needsLast = /\{l(ast)?\}/.test(pattern);
  if ((needsFirst && !f) || (needsLast && !l)) return null;
  const local = pattern
    .replace(/\{first\}/g, f)
    .replace(/\{last\}/g, l)
    .replace(/\{f\}/g, f.slice(0, 1))
    .replace(/\{l\}/g, l.slice(0, 1));
  return /^[a-z0-9][a-z0-9._-]*$/.test(local) ? local : null;
}

/**
 * The addresses to try for a person at a domain: the domain's known pattern first (Hunter's
 * `pattern`, or the one inferred from its verified addresses), then the others in the usual order;
 * each once. A last name of several words (van der Berg) is also tried joined.
 */
export function candidateAddresses(
  person: { first_name: string; last_name: string },
  domain: string,
  knownPattern?: string | null,
): Array<{ email: string; pattern: string }> {
  const order = knownPattern
    ? [knownPattern, ...PATTERNS.filter((p) => p !== knownPattern)]
    : [...PATTERNS];
  const lasts = [person.last_name];
  const words = person.last_name.trim().split(/\s+/);
  if (words.length > 1) lasts.push(words[words.length - 1]);
  const seen = new Set<string>();
  const out: Array<{ email: string; pattern: string }> = [];
  for (const last of lasts) {
    for (const pattern of order) {
      const local = renderPattern(pattern, person.first_name, last);
      if (!local) continue;
      const email = `${local}@${domain.toLowerCase()}`;
      if (seen.has(email)) continue;
      seen.add(email);
      out.push({ email, pattern });
    }
  }
  return out;
}

/**
 * The pattern most of the known addresses of a domain follow (each address matched against every
 * pattern for its person's name), with its share of them; null when none matches.
 */
export function inferPattern(
  known: Array<{ email: string; first_name?: string | null; last_name?: string | null }>,
): { pattern: EmailPattern; confidence: number; matched: number } | null {
  const counts = new Map<EmailPattern, number>();
  let usable = 0;
  for (const k of known) {
    if (!k.first_name || !k.last_name) continue;
    const local = k.email.toLowerCase().split('@')[0];
    usable += 1;
    for (const p of PATTERNS) {
      if (renderPattern(p, k.first_name, k.last_name) === local) {
        counts.set(p, (counts.get(p) ?? 0) + 1);
      }
    }
  }
  let best: { pattern: EmailPattern; matched: number } | null = null;
  // PATTERNS order breaks ties (the more common pattern wins).
  for (const p of PATTERNS) {
    const n = counts.get(p) ?? 0;
    if (n > (best?.matched ?? 0)) best = { pattern: p, matched: n };
  }
  return best && usable
    ? { ...best, confidence: Math.round((best.matched / usable) * 100) / 100 }
    : null;
}
