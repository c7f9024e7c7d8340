/**
 * What a piece of text on a team page is: a person's name, a job title, both ("Jane Doe – CEO"),
 * or neither. Pure string rules, shared by every markup class the extractor reads.
 */

/** Whitespace (non-breaking included) collapsed, trimmed. */
export const clean = (s: string | undefined | null): string =>
  (s ?? '').replace(/[\s\u00a0\u200b]+/g, ' ').trim();

/** Leading and trailing separators and quotes left over from splitting ("– CEO", "Jane Doe,"). */
const trimPunct = (s: string) => s.replace(/^[\s,;:|·•–—-]+|[\s,;:|·•–—-]+$/g, '').trim();

/**
 * Words that make a text a job title, in English, German, French, Spanish and Italian. German
 * compounds end in a role (Vertriebsleiter, Softwareentwicklerin): those endings match inside a
 * word.
 */
const ROLE_WORDS = [
  'c[etfmiop]o|ciso|cro|cso|cco|chro|cdo|cpto|pdg|vp|svp|evp|avp|gm',
  'chief|founders?|co-?founders?|co founder|owner|president|vice[- ]president|head|directors?',
  'managers?|engineer|developer|designer|officer|partner|principal|lead|architect|scientist',
  'researcher|analyst|consultant|advis[eo]r|chair(?:man|woman|person)?|board|executive',
  'specialist|coordinator|representative|recruiter|counsel|attorney|lawyer|accountant',
  'controller|treasurer|secretary|intern|associate|administrator|assistant|strategist|editor',
  'producer|marketer|evangelist|investor|trustee|sales|marketing|operations|engineering',
  'geschäftsführer(?:in)?|gründer(?:in)?|mitgründer(?:in)?|mitbegründer(?:in)?|inhaber(?:in)?',
  'vorstand|vorständin|vorsitzende[r]?|prokurist(?:in)?|vertrieb|leitung|leiter(?:in)?|assistenz',
  'geschäftsführung|teamleitung|geschäftsführende[rn]?|gesellschafter(?:in)?',
  'présidente?|directeur|directrice|fondat(?:eur|rice)|co-?fondat(?:eur|rice)|responsable',
  'gérante?|ingénieure?|chef|associée?|développeu(?:r|se)|chargée?|conseill(?:er|ère)',
  'dirigeante?|administrat(?:eur|rice)|commerciale?',
  'fundador(?:a)?|cofundador(?:a)?|directora?|gerente|jef[ea]|ingenier[oa]|soci[oa]|presidenta',
  'fondatore|cofondatore|direttore|direttrice|amministratore|responsabile',
].join('|');
const ROLE = new RegExp(`(?<![\\p{L}])(?:${ROLE_WORDS})(?![\\p{L}])`, 'iu');
/** Role endings of German compounds (Teamleiter, Softwareentwicklerin, Marketingmanagerin). */
const ROLE_SUFFIX =
  /\p{L}{3,}(?:leiter|leiterin|leitung|entwickler|entwicklerin|berater|beraterin|führer|führerin|ingenieur|ingenieurin|managerin|direktor|direktorin|referent|referentin|architekt|architektin)(?![\p{L}])/iu;

/** Words that are never part of a person's name (navigation, places, companies, sections). */
const NOT_NAME_WORDS = new Set(
  (
    'our the a an team teams meet about us contact home company services service products product ' +
    'solutions solution news blog careers career jobs join read more learn view see all privacy ' +
    'policy terms cookie cookies settings new latest open positions get started sign login log ' +
    'free trial demo book request pricing features platform customers customer clients client ' +
    'case studies study success stories story support help center centre resources docs events ' +
    'webinars press media legal imprint impressum datenschutz kontakt über uns unser unsere notre ' +
    'nos équipe qui sommes nous mentions légales accueil startseite welcome hello thank thanks you ' +
    'your we with for and or of to by from at on is are united states kingdom street road avenue ' +
    'suite floor office offices headquarters hq inc ltd llc gmbh ag corp corporation group holding ' +
    'holdings labs technologies software systems global international europe america asia north ' +
    'south east west city san los las santa mission vision values history culture benefits awards ' +
    'faq faqs questions overview introducing announcing download watch video podcast report ' +
    'monday tuesday wednesday thursday friday saturday sunday email e-mail mail linkedin twitter xing ' +
    'github facebook instagram youtube website profile bio phone call'
  ).split(' '),
);
const PARTICLES = new Set(
  'van von de der den del della des da di du la le bin ibn al el dos das do ten ter zu y e'.split(
    ' ',
  ),
);
const HONORIFIC = /^(?:dr|prof|mr|mrs|ms|mx|sir|dame|herr|frau|mme|mlle|dipl\.-ing|ing|mag)\.?\s+/i;
/** Degrees and credentials after a name: "Jr.", "PhD", ", DDS", ", CPA, MBA". */
const SUFFIX =
  /(?:,?\s+(?:[Pp]h\.?[Dd]|[JjSs]r|I{2,3}|IV|[Ee]sq)\.?|,\s*(?:[A-Z]{2,6}|M\.?D|Ph\.?D|MSc|BSc)\.?)+$/;
const NAME_WORD = /^\p{Lu}[\p{L}\p{M}'’.-]*$/u;

/** Contains a role word (or a German compound ending in one). */
export function hasRoleWord(text: string): boolean {
  return ROLE.test(text) || ROLE_SUFFIX.test(text);
}

/**
 * The name a text spells, cleaned (honorifics and degrees dropped, ALL CAPS put in title case),
 * or null: 2–4 capitalised words (particles such as van, de, von besides), no role words,
 * digits, @ or other symbols, none of the words that name pages, places or companies.
 */
export function nameIn(raw: string): string | null {
  let t = clean(raw);
  if (t.length < 4 || t.length > 60) return null;
  if (/[\d@/\\:|&+#?!=<>()[\]{}"“”«»„]/.test(t)) return null;
  for (let i = 0; i < 3 && HONORIFIC.test(t); i++) t = t.replace(HONORIFIC, '');
  t = t.replace(SUFFIX, '').replace(/[,.;]+$/, '');
  if (t === t.toUpperCase() && /\p{Lu}{2}/u.test(t)) {
    t = t
      .toLowerCase()
      .replace(/(^|[\s'’-])(\p{Ll})/gu, (_, a: string, b: string) => a + b.toUpperCase());
  }
  const words = t.split(' ');
  let proper = 0;
  for (const [i, w] of words.entries()) {
    const lower = w.toLowerCase();
    if (NOT_NAME_WORDS.has(lower.replace(/[.,]$/, ''))) return null;
    if (PARTICLES.has(lower) && i > 0 && i < words.length - 1) continue;
    if (!NAME_WORD.test(w)) return null;
    // An initial ("J.") or a word with lower-case letters; not an acronym ("IBM").
    if (!/^\p{Lu}\.?$/u.test(w) && !/\p{Ll}/u.test(w)) return null;
    proper++;
  }
  if (proper < 2 || proper > 4 || words.length > 6) return null;
  if (/^\p{Lu}\.?$/u.test(words[words.length - 1])) return null;
  if (hasRoleWord(t)) return null;
  return t;
}

/** Lower case, accents and punctuation dropped: for comparing titles and names. */
export function fold(s: string): string {
  return clean(s)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Whether a text reads as a job title: short (≤ 100 characters, ≤ 14 words, not a sentence), and
 * holding a role word or one of the persona titles the caller looks for.
 */
export function isTitleLike(raw: string, personaTitles: readonly string[] = []): boolean {
  const t = clean(raw);
  if (t.length < 2 || t.length > 100) return false;
  const words = t.split(' ');
  if (words.length > 14) return false;
  if (words.length > 6 && /[.!?]$/.test(t)) return false;
  if (/https?:|www\.|@\w+\.\w/.test(t)) return false;
  // Taglines, not titles: "For engineering teams", "Ready for your security officer".
  if (NOT_TITLE_START.test(t) || PRONOUN.test(t)) return false;
  if (hasRoleWord(t)) return true;
  const f = fold(t);
  return personaTitles.some((p) => {
    const q = fold(p);
    return q.length > 1 && (f === q || f.includes(q));
  });
}

/** How taglines and descriptions start; job titles do not. */
const NOT_TITLE_START =
  /^(?:for|with|by|to|from|built|made|designed|ready|talk|get|every|all|no|zero|the|a|an|how|why|what|when|where|is|are|was|pour|avec|für|mit|para|con)\s/i;
/** Pronouns belong in sentences and taglines, not in job titles. */
const PRONOUN =
  /(?<![\p{L}])(?:you|your|yours|we|our|ours|us|they|their|my|its|votre|vos|notre|nos|ihr|ihre|unser|unsere|su|sus|nuestro|nuestra)(?![\p{L}])/iu;

/** Separators between a name and a title on one line: "Jane Doe – CEO", "Jane Doe, CEO", "(CEO)". */
const SEPARATORS = [/\s+[–—-]\s+/, /\s*[|·•]\s*/, /,\s+/, /:\s+/];

/** A name and a title on one line, in either order, or null. */
export function splitNameTitle(
  raw: string,
  personaTitles: readonly string[] = [],
): { name: string; title: string } | null {
  const t = clean(raw);
  if (t.length > 160) return null;
  const paren = /^(.+?)\s*\(([^()]+)\)$/.exec(t);
  if (paren) {
    const name = nameIn(paren[1]);
    if (name && isTitleLike(paren[2], personaTitles)) return { name, title: trimPunct(paren[2]) };
  }
  for (const sep of SEPARATORS) {
    const m = sep.exec(t);
    if (!m) continue;
    const a = trimPunct(t.slice(0, m.index));
    const b = trimPunct(t.slice(m.index + m[0].length));
    const nameA = nameIn(a);
    if (nameA && isTitleLike(b, personaTitles)) return { name: nameA, title: b };
    const nameB = nameIn(b);
    if (nameB && isTitleLike(a, personaTitles)) return { name: nameB, title: a };
  }
  return null;
}

/** Labels of contact and profile links, never part of a title. */
export const LINK_LABEL =
  /^(?:linkedin|xing|twitter|x|github|facebook|instagram|e-?mail|mail|website|web|profile|bio|read more|more|contact|vcard)$/i;

/**
 * A title without what trails it on the line: the labels of links, handles, addresses and
 * numbers after a dash, bar or dot ("CEO — LinkedIn", "CTO | @sam_bots", "CFO · +1 555 0100").
 */
export function tidyTitle(title: string): string {
  const segments = clean(title).split(/\s+[–—|·•]\s+/);
  const junk = (s: string) =>
    LINK_LABEL.test(s) || /@|https?:|www\./i.test(s) || /^\+?[\d\s()./-]{6,}$/.test(s);
  const end = segments.findIndex((s, i) => i > 0 && junk(s));
  return (end < 0 ? segments : segments.slice(0, end)).join(' – ').replace(/[\s–—|·•-]+$/, '');
}

/** First name and last name (particles stay with the last name: "Ludwig" / "van Beethoven"). */
export function nameParts(name: string): { first_name?: string; last_name?: string } {
  const words = clean(name).split(' ');
  if (words.length < 2) return { first_name: words[0] || undefined };
  return { first_name: words[0], last_name: words.slice(1).join(' ') };
}

/** The employer a title names explicitly ("VP Sales at Globex", "CTO @ Initech", "CEO bei X"). */
export function employerIn(title: string): string | null {
  const t = clean(title);
  const at = /(?:^|\s)(?:at|@|bei|chez)\s+(.{2,80})$/i.exec(t);
  if (at) return trimPunct(at[1]);
  const corp =
    /,\s*([^,]{2,80}?(?:inc|corp|corporation|gmbh|ltd|llc|ag|sa|sas|sarl|bv|plc|group)\.?)$/i.exec(
      t,
    );
  return corp ? trimPunct(corp[1]) : null;
}

const CORPORATE = /\b(inc|corp|corporation|gmbh|ltd|llc|ag|sa|sas|sarl|bv|plc|group|co)\b/g;

/** Whether an employer's name is the organisation's own (its name or its domain's label). */
export function isOwnOrganization(
  employer: string,
  org: { name?: string; domain?: string },
): boolean {
  const e = fold(employer).replace(CORPORATE, '').replace(/\s+/g, '');
  if (!e) return true;
  const label =
    (org.domain ?? '')
      .split('.')[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9]/g, '') ?? '';
  const name = fold(org.name ?? '')
    .replace(CORPORATE, '')
    .replace(/\s+/g, '');
  return [label, name].some((own) => own.length >= 2 && (e.includes(own) || own.includes(e)));
}

/** A LinkedIn profile URL as `https://www.linkedin.com/in/<slug>`, or null for anything else. */
export function linkedinProfile(href: string | undefined): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), 'https://www.linkedin.com/');
    if (!/(^|\.)linkedin\.com$/i.test(u.hostname)) return null;
    const slug = /^\/in\/([^/?#]+)/i.exec(u.pathname);
    return slug ? `https://www.linkedin.com/in/${slug[1]}` : null;
  } catch {
    return null;
  }
}
