/** The personas of a product: role titles that buy, influence or use it. */
export interface PersonaRoleTitles {
  buyers?: string[];
  influencers?: string[];
  end_users?: string[];
}

export type PersonaMatch = 'buyer' | 'influencer' | 'end_user';

/** A transparent evaluation without an LLM. */
export interface RulesEvaluation {
  fit_score: number;
  persona_match: PersonaMatch | null;
  rationale: string;
  matching_signals: string[];
  method: 'rules';
}

const PERSONAS: Array<[PersonaMatch, keyof PersonaRoleTitles]> = [
  ['buyer', 'buyers'],
  ['influencer', 'influencers'],
  ['end_user', 'end_users'],
];

/** Points for seniority (of 30). */
const SENIORITY_POINTS: Record<string, number> = {
  owner: 30,
  founder: 30,
  c_suite: 30,
  partner: 28,
  vp: 27,
  head: 24,
  director: 21,
  manager: 15,
  senior: 10,
  entry: 5,
  intern: 0,
};

const STOP = new Set(['of', 'and', 'the', 'for', 'at', 'in', 'to', '&', 'a']);
/** Common abbreviations in titles, read as their words. */
const EXPAND: Record<string, string> = {
  vp: 'vice president',
  svp: 'senior vice president',
  evp: 'executive vice president',
  cto: 'chief technology officer',
  ceo: 'chief executive officer',
  cfo: 'chief financial officer',
  cmo: 'chief marketing officer',
  coo: 'chief operating officer',
  cio: 'chief information officer',
  cro: 'chief revenue officer',
  ciso: 'chief information security officer',
  sr: 'senior',
  mgr: 'manager',
  eng: 'engineering',
  dir: 'director',
};

/** A crude stem, the same for "engineer", "engineers" and "engineering". */
function stem(word: string): string {
  let w = word.length > 3 ? word.replace(/s$/, '') : word;
  if (w.length > 5) w = w.replace(/ing$/, '');
  if (w.length > 4) w = w.replace(/er$/, '');
  return w;
}

/** The significant words of a title, abbreviations expanded, plurals and "-ing" folded. */
export function titleWords(title: string): string[] {
  const raw = title
    .toLowerCase()
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim()
    .split(' ');
  const words = raw.flatMap((w) => (EXPAND[w] ?? w).split(' ')).filter((w) => w && !STOP.has(w));
  return [...new Set(words.map(stem))];
}

/** 0–1: how much of the persona title the lead's title covers. */
export function titleSimilarity(leadTitle: string, personaTitle: string): number {
  const persona = titleWords(personaTitle);
  if (!persona.length) return 0;
  const lead = new Set(titleWords(leadTitle));
  return persona.filter((w) => lead.has(w)).length / persona.length;
}

/**
 * Scores a lead from its title and seniority alone: up to 60 points for the best match of its
 * title with a persona title, 30 for seniority, 10 when the match is complete. The persona is the
 * one whose title matches best (at least half of its words); ties go to buyer, then influencer.
 */
export function rulesEvaluation(
  lead: { title?: string; seniority?: string },
  personas: PersonaRoleTitles,
): RulesEvaluation {
  let best: { persona: PersonaMatch; title: string; similarity: number } | null = null;
  for (const [persona, key] of PERSONAS) {
    for (const title of personas[key] ?? []) {
      const similarity = lead.title ? titleSimilarity(lead.title, title) : 0;
      if (similarity > (best?.similarity ?? 0)) best = { persona, title, similarity };
    }
  }
  const matched = best && best.similarity >= 0.5 ? best : null;
  const seniority = SENIORITY_POINTS[lead.seniority ?? ''] ?? 12;
  const titlePoints = matched ? Math.round(60 * matched.similarity) : 0;
  const fit = Math.min(100, titlePoints + seniority + (matched?.similarity === 1 ? 10 : 0));
  const signals: string[] = [];
  if (matched) {
    signals.push(
      `Title "${lead.title}" matches the ${matched.persona.replace('_', ' ')} title "${matched.title}"` +
        (matched.similarity < 1 ? ` (${Math.round(matched.similarity * 100)} % of its words)` : ''),
    );
  }
  if (lead.seniority) signals.push(`Seniority: ${lead.seniority}`);
  return {
    fit_score: fit,
    persona_match: matched?.persona ?? null,
    rationale: matched
      ? `Rule-based score (no LLM): ${signals.join('; ')}.`
      : `Rule-based score (no LLM): No Signals found — the title "${lead.title ?? 'unknown'}" matches no persona title${lead.seniority ? `; seniority ${lead.seniority}` : ''}.`,
    matching_signals: matched ? signals : [],
    method: 'rules',
  };
}
