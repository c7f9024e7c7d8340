/** Phone numbers, found and validated by libphonenumber-js (full metadata). */
import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import { textBefore } from './context';
import type { PiiMatch } from './pii.types';

/**
 * Stretches that could hold a phone number: a digit (or `+`/`(` before one) followed by at least
 * six more digits with the usual separators. libphonenumber only reads these, with some context
 * around them: it is several times faster than reading the whole transcript.
 */
const PHONE_ZONE = /[+(]?\d(?:[\d\s().\-/]|\s*(?:ext\.?|extension|x)\s*(?=\d)){6,}/gi;
const CONTEXT = 8;
/** Windows longer than this are read in overlapping pieces (a long run of digits is no number). */
const PIECE = 160;
const OVERLAP = 64;

/**
 * `windows` as [from, to, cut at start, cut at end], long ones split into pieces of PIECE
 * characters that overlap by OVERLAP, so libphonenumber's time stays linear in the text.
 */
function pieces(windows: Array<[number, number]>): Array<[number, number, boolean, boolean]> {
  const out: Array<[number, number, boolean, boolean]> = [];
  for (const [from, to] of windows) {
    for (let at = from; ; at += PIECE - OVERLAP) {
      const end = Math.min(to, at + PIECE);
      out.push([at, end, at > from, end < to]);
      if (end === to) break;
    }
  }
  return out;
}

/**
 * Words just before a bare number that make it an identifier, not a phone number: "order
 * 4155550132", "invoice #2024031500", "ticket no. 8005550100".
 */
const ID_CUE =
  /\b(?:order|invoice|ticket|tracking|confirmation|reference|ref|account|acct|case|serial|isbn|sku|po|id|item|part|model|transaction|receipt|booking|claim|policy|member|customer|routing|batch|lot|shipment)\b\s*(?:number|no\.?|num|nr|id|code)?[\s:#.-]*$/i;

/**
 * Phone numbers valid for their region (or of a possible length when written with `+`) (national, `+44 20 7946 0958`, `(415) 555-0132`,
 * `415.555.0132`, `+1-415-555-0132 ext. 12`); numbers without a country code are read in
 * `region`. A number written without `+` or parentheses right after an identifier word is skipped.
 * Key: E.164 (extension left out, so the number with and without it is one value).
 */
export function detectPhones(text: string, region: CountryCode): PiiMatch[] {
  const windows: Array<[number, number]> = [];
  for (const m of text.matchAll(PHONE_ZONE)) {
    if ((m[0].match(/\d/g)?.length ?? 0) < 7) continue;
    // start at a word boundary, so no token is cut in half
    const from = Math.max(0, text.lastIndexOf(' ', Math.max(0, m.index - CONTEXT)));
    const to = Math.min(text.length, m.index + m[0].length + CONTEXT);
    const last = windows[windows.length - 1];
    if (last && from <= last[1]) last[1] = to;
    else windows.push([from, to]);
  }
  const found: PiiMatch[] = [];
  for (const [from, to, cutStart, cutEnd] of pieces(windows)) {
    const part = text.slice(from, to);
    // a hit touching a cut edge may be part of a number: the overlapping piece has all of it
    const whole = (h: { startsAt: number; endsAt: number }) =>
      !(cutStart && h.startsAt === 0) && !(cutEnd && h.endsAt === part.length);
    const hits = findPhoneNumbersInText(part, { defaultCountry: region }).filter(whole);
    // Written with "+" and the country code, a number of a possible length for that country is a
    // phone number even in ranges the metadata does not list as assigned (+44 7700 900123).
    if (part.includes('+')) {
      for (const hit of findPhoneNumbersInText(part, { defaultCountry: region, extended: true })) {
        const overlaps = hits.some((h) => h.startsAt < hit.endsAt && hit.startsAt < h.endsAt);
        if (!overlaps && whole(hit) && part[hit.startsAt] === '+' && hit.number.isPossible()) {
          hits.push(hit);
        }
      }
    }
    for (const hit of hits) {
      const start = from + hit.startsAt;
      let end = from + hit.endsAt;
      // libphonenumber reads ", 123" after a number as an extension: in speech it is the next item
      // of a list ("(415) 555-0132, 123-45-6789"), so the number ends at the comma
      const comma = /,\s*\d+$/.exec(text.slice(start, end));
      if (comma) end = start + comma.index;
      const raw = text.slice(start, end);
      if (!/[+(]/.test(raw) && ID_CUE.test(textBefore(text, start, 40))) continue;
      if (found.slice(-8).some((f) => f.start < end && start < f.end)) continue;
      found.push({ type: 'PHONE', start, end, key: hit.number.number });
    }
  }
  return found;
}
