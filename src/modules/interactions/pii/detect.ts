/** All detectors, then one winner for every stretch of text. */
import { detectEmails, detectIps } from './detect-contact';
import { detectCards, detectIbans, detectSsns } from './detect-numbers';
import { detectPhones } from './detect-phones';
import { PII_TYPES, type PiiMatch, type PiiOptions, type PiiType } from './pii.types';

const DETECTORS: Record<PiiType, (text: string, options: Required<PiiOptions>) => PiiMatch[]> = {
  EMAIL: (t) => detectEmails(t),
  IBAN: (t) => detectIbans(t),
  CARD: (t) => detectCards(t),
  SSN: (t) => detectSsns(t),
  IP: (t) => detectIps(t),
  PHONE: (t, o) => detectPhones(t, o.defaultRegion),
};

/**
 * The personal data in `text`, in text order, no two overlapping. Every detector runs on the whole
 * text and validates its own candidates; overlaps are then settled by type (PII_TYPES order: EMAIL,
 * IBAN, CARD, SSN, IP, PHONE), then by length (longer first), then position, so no pattern can
 * swallow a value another type recognises better.
 */
export function detectPii(text: string, options: PiiOptions = {}): PiiMatch[] {
  const o: Required<PiiOptions> = {
    defaultRegion: options.defaultRegion ?? 'US',
    types: options.types ?? PII_TYPES,
  };
  const all: PiiMatch[] = [];
  for (const type of PII_TYPES) if (o.types.includes(type)) all.push(...DETECTORS[type](text, o));
  const rank = (m: PiiMatch) => PII_TYPES.indexOf(m.type);
  all.sort((a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiMatch[] = [];
  for (const m of all) {
    if (!kept.some((k) => m.start < k.end && k.start < m.end)) kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}
