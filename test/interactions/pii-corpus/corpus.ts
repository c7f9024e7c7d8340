/**
 * The labelled PII corpus (sentences in the style of a diarised call transcript after Deepgram's
 * smart_format) and how a detector is scored on it. Used by pii-corpus.spec.ts and
 * `npm run bench:pii`.
 */
import type { PiiMatch, PiiType } from '../../../src/modules/interactions/pii';
import { PII_TYPES } from '../../../src/modules/interactions/pii';

export interface Span {
  type: PiiType;
  start: number;
  end: number;
}

export interface CorpusSentence {
  text: string;
  pii: Span[];
}

/**
 * A sentence and its personal data, each as [type, exact text]; repeated texts are found one
 * after the other. Throws when a labelled text is not in the sentence.
 */
export function s(text: string, ...labels: Array<[PiiType, string]>): CorpusSentence {
  const from = new Map<string, number>();
  const pii = labels.map(([type, value]) => {
    const start = text.indexOf(value, from.get(value) ?? 0);
    if (start < 0) throw new Error(`"${value}" is not in: ${text}`);
    from.set(value, start + value.length);
    return { type, start, end: start + value.length };
  });
  return { text, pii };
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  /** True positives whose span is exactly the labelled one. */
  exact: number;
}

export interface Score extends Tally {
  recall: number;
  precision: number;
  perType: Record<PiiType, Tally>;
  /** Labelled values not found (or found as another type), as `TYPE "text" in: sentence`. */
  misses: string[];
  /** Finds that are not labelled, as `TYPE "text" in: sentence`. */
  falsePositives: string[];
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

/**
 * Scores `detect` on `sentences`: a find is a true positive when it has the type of a labelled
 * span it overlaps (each label and each find count once); an unmatched label is a miss, an
 * unmatched find a false positive.
 */
export function score(
  sentences: readonly CorpusSentence[],
  detect: (text: string) => PiiMatch[],
): Score {
  const perType = Object.fromEntries(
    PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0, exact: 0 }]),
  ) as Record<PiiType, Tally>;
  const misses: string[] = [];
  const falsePositives: string[] = [];
  for (const { text, pii } of sentences) {
    const found = detect(text);
    const used = new Set<number>();
    for (const gold of pii) {
      const i = found.findIndex(
        (f, k) => !used.has(k) && f.type === gold.type && f.start < gold.end && gold.start < f.end,
      );
      if (i < 0) {
        perType[gold.type].fn++;
        misses.push(`${gold.type} "${text.slice(gold.start, gold.end)}" in: ${text}`);
        continue;
      }
      used.add(i);
      perType[gold.type].tp++;
      if (found[i].start === gold.start && found[i].end === gold.end) perType[gold.type].exact++;
    }
    found.forEach((f, k) => {
      if (used.has(k)) return;
      perType[f.type].fp++;
      falsePositives.push(`${f.type} "${text.slice(f.start, f.end)}" in: ${text}`);
    });
  }
  const sum = (key: keyof Tally) => PII_TYPES.reduce((n, t) => n + perType[t][key], 0);
  const [tp, fp, fn, exact] = [sum('tp'), sum('fp'), sum('fn'), sum('exact')];
  return {
    tp,
    fp,
    fn,
    exact,
    recall: ratio(tp, tp + fn),
    precision: ratio(tp, tp + fp),
    perType,
    misses,
    falsePositives,
  };
}
