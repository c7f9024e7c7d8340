import type { JsonSchema } from '../../../providers/llm/llm.types';
import { describeType, entityJson, type ColumnSpec } from './column-prompts';

export const VALIDATION_STATUSES = [
  'validated_correct',
  'validated_incorrect',
  'validation_failed',
  'insufficient_data',
] as const;
export type ValidationStatus = (typeof VALIDATION_STATUSES)[number];

/** The grounded check's answer (SEED-CONTRACTS A6 "Search validator"). */
export interface SearchCheck {
  validation_status: ValidationStatus;
  confidence: number;
  validation_notes: string;
  corrected_answer: unknown;
  sources: string[];
}

export const SEARCH_CHECK_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    validation_status: { type: 'string', enum: [...VALIDATION_STATUSES] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    validation_notes: { type: 'string' },
    corrected_answer: {},
    sources: { type: 'array', items: { type: 'string' } },
  },
  required: ['validation_status', 'confidence', 'validation_notes', 'sources'],
};

export const SEARCH_CHECK_SYSTEM = [
  'You are a fact checker. You verify an answer another assistant gave about a company or person by searching the web.',
  'Pick the 2 or 3 claims the answer depends on most and check each against current, reliable sources.',
  'validated_correct: the sources confirm the answer. validated_incorrect: the sources contradict it; give the right answer in corrected_answer, in the required response type.',
  'insufficient_data: you found nothing that confirms or contradicts it. validation_failed: you could not check it.',
  'Give your confidence in your verdict (0 to 1), short notes naming what you checked, and the URLs you used.',
  'Answer with JSON only.',
].join('\n');

export function searchCheckPrompt(
  spec: ColumnSpec,
  context: unknown,
  answer: { text: string; rationale: string },
): string {
  return [
    `<question>\n${spec.question}\n</question>`,
    `Required response type: ${describeType(spec.response_type, spec.response_config)}`,
    `Answer to check: ${answer.text}`,
    `Its rationale:\n${answer.rationale}`,
    `<entity>\n${entityJson(context)}\n</entity>`,
  ].join('\n\n');
}

/** What the check does to a value (A6): confidence, a replacement, the rationale's preface. */
export interface CheckEffect {
  confidence: number;
  /** The corrected answer to coerce in place of the value (validated_incorrect only). */
  replaceWith?: unknown;
  rationale: string;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * validated_correct raises confidence by 0.1 (at most 0.95); validated_incorrect lowers it by 0.2
 * (at least 0.1) and replaces the value with the corrected answer; the others leave both. The
 * notes and sources are put before the rationale under "**Validation:**".
 */
export function applySearchCheck(
  confidence: number,
  rationale: string,
  check: SearchCheck,
): CheckEffect {
  let c = confidence;
  let replaceWith: unknown;
  if (check.validation_status === 'validated_correct') c = Math.min(0.95, c + 0.1);
  if (check.validation_status === 'validated_incorrect') {
    c = Math.max(0.1, c - 0.2);
    if (check.corrected_answer !== undefined && check.corrected_answer !== null)
      replaceWith = check.corrected_answer;
  }
  const sources = check.sources.length ? `\n\nSources: ${check.sources.join(', ')}` : '';
  const preface = `**Validation:** ${check.validation_status.replace(/_/g, ' ')}. ${check.validation_notes}${sources}`;
  return {
    confidence: round(c),
    ...(replaceWith !== undefined ? { replaceWith } : {}),
    rationale: `${preface}\n\n${rationale}`.trim(),
  };
}
