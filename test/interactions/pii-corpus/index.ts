/** The whole labelled corpus: sentences with personal data, and sentences without any. */
import type { CorpusSentence } from './corpus';
import { HELDOUT_NEGATIVES, HELDOUT_POSITIVES } from './heldout';
import { NEGATIVES_DOCUMENTS, NEGATIVES_NUMBERS } from './negatives';
import { POSITIVE_EMAILS, POSITIVE_IPS, POSITIVE_PHONES } from './positives-contact';
import { POSITIVE_CARDS, POSITIVE_IBANS, POSITIVE_SSNS } from './positives-financial';
import { POSITIVE_MIXED } from './positives-mixed';

export { score, type CorpusSentence, type Score, type Tally } from './corpus';

export const POSITIVES: readonly CorpusSentence[] = [
  ...POSITIVE_PHONES,
  ...POSITIVE_EMAILS,
  ...POSITIVE_IPS,
  ...POSITIVE_SSNS,
  ...POSITIVE_CARDS,
  ...POSITIVE_IBANS,
  ...POSITIVE_MIXED,
  ...HELDOUT_POSITIVES,
];

export const NEGATIVES: readonly CorpusSentence[] = [
  ...NEGATIVES_NUMBERS,
  ...NEGATIVES_DOCUMENTS,
  ...HELDOUT_NEGATIVES,
];

/** The held-out part alone (also in POSITIVES and NEGATIVES). */
export const HELDOUT: readonly CorpusSentence[] = [...HELDOUT_POSITIVES, ...HELDOUT_NEGATIVES];

export const CORPUS: readonly CorpusSentence[] = [...POSITIVES, ...NEGATIVES];
