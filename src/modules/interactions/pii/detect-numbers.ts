/** Payment cards, US Social Security numbers and IBANs: found by shape, kept only when valid. */
import { cardValid, IBAN_LENGTHS, ibanValid, ssnValid } from './checksums';
import { textBefore } from './context';
import type { PiiMatch } from './pii.types';

/** Digit groups split by single spaces or dashes, not glued to letters, decimals or amounts. */
const DIGIT_RUN = /(?<![\w.,$€£¥/])\d+(?:[ -]\d+)*(?![\w$€£¥%]|[.,/]\d)/g;

/**
 * Payment card numbers: 13–19 digits written in one block, in groups of four (the last one
 * shorter), or as Amex/Diners 4-6-5 / 4-6-4, one kind of separator; Luhn and issuer prefix checked.
 * Inside a longer run of groups ("4111 1111 1111 1111 12 27") the longest valid stretch is taken.
 */
export function detectCards(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const run = m[0];
    if (run.length < 13) continue;
    const groups: Array<{ start: number; end: number; sep: string }> = [];
    const re = /\d+/g;
    for (let g = re.exec(run); g; g = re.exec(run)) {
      groups.push({ start: g.index, end: g.index + g[0].length, sep: run[g.index - 1] ?? '' });
    }
    let best: { start: number; end: number; digits: string } | undefined;
    for (let i = 0; i < groups.length; i++) {
      for (let j = i; j < groups.length && j - i < 5; j++) {
        const span = groups.slice(i, j + 1);
        if (!cardShape(span.map((g) => g.end - g.start))) continue;
        if (span.slice(2).some((g) => g.sep !== span[1].sep)) continue;
        const raw = run.slice(span[0].start, span[span.length - 1].end);
        const digits = raw.replace(/\D/g, '');
        if (!cardValid(digits)) continue;
        if (!best || raw.length > best.end - best.start) {
          best = { start: span[0].start, end: span[span.length - 1].end, digits };
        }
      }
    }
    if (best) {
      found.push({
        type: 'CARD',
        start: m.index + best.start,
        end: m.index + best.end,
        key: best.digits,
      });
    }
  }
  return found;
}

/** Group lengths a card number is written in. */
function cardShape(sizes: number[]): boolean {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < 13 || total > 19) return false;
  if (sizes.length === 1) return true;
  if (sizes.length === 3 && sizes[0] === 4 && sizes[1] === 6)
    return sizes[2] === 4 || sizes[2] === 5;
  const last = sizes[sizes.length - 1];
  return sizes.slice(0, -1).every((s) => s === 4) && last >= 1 && last <= 4;
}

const SSN_FORMATTED = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|[-.]\d)/g;
const SSN_BARE = /(?<![\w-])(\d{3})(\d{2})(\d{4})(?![\w]|[-.]\d)/g;
/** Words that say a bare 9-digit number nearby is a Social Security number. */
const SSN_CUE = /\b(?:ssn|ss#|social security|social|soc sec)\b/i;

/**
 * US Social Security numbers as `123-45-6789` or `123 45 6789`; a bare `123456789` only with "SSN"
 * or "social security" in the 40 characters before it. Area 000/666/9xx, group 00 and serial
 * 0000 are not issued and are not taken.
 */
export function detectSsns(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  const add = (m: RegExpMatchArray, area: string, group: string, serial: string) => {
    if (!ssnValid(area, group, serial)) return;
    const start = m.index ?? 0;
    found.push({ type: 'SSN', start, end: start + m[0].length, key: area + group + serial });
  };
  for (const m of text.matchAll(SSN_FORMATTED)) add(m, m[1], m[3], m[4]);
  for (const m of text.matchAll(SSN_BARE)) {
    const before = textBefore(text, m.index ?? 0, 40);
    if (SSN_CUE.test(before)) add(m, m[1], m[2], m[3]);
  }
  return found;
}

const IBAN_SHAPE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){10,32}/g;

/**
 * IBANs, with or without spaces in groups of four: country code, length of that country, mod-97
 * check. The span ends where the country's length ends, which must be the end of a word.
 */
export function detectIbans(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  const re = new RegExp(IBAN_SHAPE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // the shape runs on over spaces into the next words: read on from the IBAN's end, or next char
    re.lastIndex = m.index + 1;
    const want = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
    if (!want) continue;
    let count = 0;
    let end = 0;
    for (; end < m[0].length && count < want; end++) if (/[A-Za-z0-9]/.test(m[0][end])) count++;
    if (count < want || /[A-Za-z0-9]/.test(text[m.index + end] ?? '')) continue;
    const iban = m[0].slice(0, end).replace(/[ -]/g, '').toUpperCase();
    if (!ibanValid(iban)) continue;
    found.push({ type: 'IBAN', start: m.index, end: m.index + end, key: iban });
    re.lastIndex = m.index + end;
  }
  return found;
}
