/** All detectors, then one winner for every stretch of text. */
import { detectEmails, detectIps } from './detect-contact';
import { detectCards, detectIbans, detectSsns } from './detect-numbers';
import { detectPhones } from './detect-phones';
import { PII_TYPES, type PiiMatch, type PiiOptions, type PiiType } from './pii.types';

const DETECTORS: Record<Exclude<PiiType, 'PHONE'>, (text: string) => PiiMatch[]> = {
  EMAIL: detectEmails,
  IBAN: detectIbans,
  CARD: detectCards,
  SSN: detectSsns,
  IP: detectIps,
};

/**
 * Dates and clock times (2024-03-15, 03/15/2024, 15.03.2024, 10:30, 10:30:45): never phone
 * numbers. They are masked before the phone search, which is then also several times faster (the
 * phone matcher tries many sub-spans of every long run of digits it cannot accept).
 */
const DATE_OR_TIME =
  /(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,2}:\d{2}(?::\d{2})?)(?!\d)/g;

/** `text` with the given spans and all dates/times replaced by `_`, offsets unchanged. */
function masked(text: string, spans: readonly PiiMatch[]): string {
  const dated = text.replace(DATE_OR_TIME, (d) => '_'.repeat(d.length));
  const parts: string[] = [];
  let at = 0;
  for (const m of [...spans].sort((a, b) => a.start - b.start)) {
    parts.push(dated.slice(at, m.start), '_'.repeat(m.end - m.start));
    at = m.end;
  }
  parts.push(dated.slice(at));
  return parts.join('');
}

/** `all` without overlaps: by type (PII_TYPES order), then longer first, then earlier. */
function resolve(all: PiiMatch[]): PiiMatch[] {
  const rank = (m: PiiMatch) => PII_TYPES.indexOf(m.type);
  all.sort((a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiMatch[] = [];
  for (const m of all) {
    if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  }
  return kept;
}

/**
 * The personal data in `text`, in text order, no two overlapping. Every detector validates its
 * own candidates; overlaps are settled by type (PII_TYPES order: EMAIL, IBAN, CARD, SSN, IP,
 * PHONE), then by length (longer first), then position. Phone numbers, the broadest pattern, are
 * looked for last, in the text with everything already found (and dates and times) masked, so no
 * card, SSN, IBAN, IP or email address is ever taken for a phone number.
 */
export function detectPii(text: string, options: PiiOptions = {}): PiiMatch[] {
  const types = options.types ?? PII_TYPES;
  const all: PiiMatch[] = [];
  for (const type of PII_TYPES) {
    if (type !== 'PHONE' && types.includes(type)) all.push(...DETECTORS[type](text));
  }
  const kept = resolve(all);
  if (types.includes('PHONE')) {
    kept.push(...detectPhones(masked(text, kept), options.defaultRegion ?? 'US'));
  }
  return kept.sort((a, b) => a.start - b.start);
}
