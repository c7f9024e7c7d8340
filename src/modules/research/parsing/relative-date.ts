/** A relative date as LinkedIn shows it next to an item ("3d", "2 Wochen", "3 days ago"). */
export interface RelativeDate {
  /** The token as found, trimmed ("3d", "2 Wochen"). */
  token: string;
  amount: number;
  unit: 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
}

type Unit = RelativeDate['unit'];

/**
 * Unit words by language, lowercase and without a trailing dot. English short forms are
 * LinkedIn's own (m = minutes, mo = months); the rest covers the UI languages seen most
 * (de, fr, es, pt, nl, it). Ambiguous single letters of other languages are left out
 * on purpose (Spanish/Portuguese "m" is months, English "m" minutes).
 */
const UNIT_WORDS: Record<Unit, string[]> = {
  second: [
    's',
    'sec',
    'secs',
    'second',
    'seconds',
    'sek',
    'sekunde',
    'sekunden',
    'seconde',
    'secondes',
    'segundo',
    'segundos',
  ],
  minute: [
    'm',
    'min',
    'mins',
    'minute',
    'minutes',
    'minuten',
    'minuto',
    'minutos',
    'minuut',
    'minuten',
    'minuti',
  ],
  hour: [
    'h',
    'hr',
    'hrs',
    'hour',
    'hours',
    'std',
    'stunde',
    'stunden',
    'heure',
    'heures',
    'hora',
    'horas',
    'u',
    'uur',
    'ora',
    'ore',
  ],
  day: [
    'd',
    'day',
    'days',
    't',
    'tag',
    'tage',
    'tagen',
    'j',
    'jour',
    'jours',
    'día',
    'días',
    'dia',
    'dias',
    'dag',
    'dagen',
    'g',
    'giorno',
    'giorni',
  ],
  week: [
    'w',
    'wk',
    'wks',
    'week',
    'weeks',
    'wo',
    'woche',
    'wochen',
    'sem',
    'semaine',
    'semaines',
    'semana',
    'semanas',
    'weken',
    'sett',
    'settimana',
    'settimane',
  ],
  month: [
    'mo',
    'mos',
    'mth',
    'mths',
    'month',
    'months',
    'mon',
    'monat',
    'monate',
    'monaten',
    'mois',
    'mes',
    'meses',
    'mês',
    'mnd',
    'maand',
    'maanden',
    'mese',
    'mesi',
  ],
  year: [
    'y',
    'yr',
    'yrs',
    'year',
    'years',
    'jahr',
    'jahre',
    'jahren',
    'an',
    'ans',
    'año',
    'años',
    'a',
    'ano',
    'anos',
    'jr',
    'jaar',
    'anno',
    'anni',
  ],
};

const UNIT_BY_WORD = new Map<string, Unit>();
for (const [unit, words] of Object.entries(UNIT_WORDS) as [Unit, string[]][]) {
  for (const w of words) if (!UNIT_BY_WORD.has(w)) UNIT_BY_WORD.set(w, unit);
}

/** "now" in the UI languages above: the item is minutes old at most. */
const NOW_WORDS =
  /^(now|just now|jetzt|gerade eben|gerade|à l'instant|maintenant|ahora|agora|nu|ora|adesso)$/i;

/** Words around the token that carry no date ("ago", "vor", "il y a", "hace", "há", "geleden", "fa"). */
const FILLER_WORDS = new Set(['ago', 'vor', 'hace', 'há', 'geleden', 'fa']);

/**
 * Reads one relative date token. Returns null for anything else, including "Edited" alone,
 * visibility words ("Visible to anyone…") and absolute dates.
 */
export function parseRelativeDate(raw: string | null | undefined): RelativeDate | null {
  const text = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (!text || text.length > 40) return null;
  const bare = text
    .replace(/^il y a /i, '')
    .split(' ')
    .filter((w) => !FILLER_WORDS.has(w.toLowerCase()))
    .join(' ');
  if (NOW_WORDS.test(bare)) return { token: text, amount: 0, unit: 'minute' };
  const m = /^(\d{1,4})\s?([\p{L}]{1,12})\.?$/u.exec(bare);
  if (!m) return null;
  const word = m[2].toLowerCase();
  // German abbreviates Jahr as "J." with a dot; French jour is a bare "j".
  const unit = word === 'j' && bare.endsWith('.') ? 'year' : UNIT_BY_WORD.get(word);
  return unit ? { token: text, amount: Number(m[1]), unit } : null;
}

/**
 * Finds the first relative date in a line such as "3d • Edited • 🌐" or
 * "2 Wochen • Bearbeitet •": the line is split on bullets and each part is tried in order.
 */
export function findRelativeDate(line: string | null | undefined): RelativeDate | null {
  for (const part of (line ?? '').split(/[•·|\n]/)) {
    const found = parseRelativeDate(part);
    if (found) return found;
  }
  return null;
}

/** The absolute date `capturedAt − amount·unit`; months and years step the calendar (UTC). */
export function subtractRelative(capturedAt: Date, rel: RelativeDate): Date {
  const d = new Date(capturedAt.getTime());
  const ms: Partial<Record<Unit, number>> = {
    second: 1_000,
    minute: 60_000,
    hour: 3_600_000,
    day: 86_400_000,
    week: 7 * 86_400_000,
  };
  const step = ms[rel.unit];
  if (step !== undefined) return new Date(d.getTime() - rel.amount * step);
  const months = rel.unit === 'month' ? rel.amount : rel.amount * 12;
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - months;
  const [year, month] = [Math.floor(total / 12), total % 12];
  // Clamp the day: 31 March minus one month is 28/29 February, not 3 March.
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  d.setUTCFullYear(year, month, Math.min(d.getUTCDate(), lastDay));
  return d;
}
