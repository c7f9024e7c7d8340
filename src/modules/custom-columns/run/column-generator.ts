import { Injectable } from '@nestjs/common';
import type { CallOutcome, CallScope } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { LlmService } from '../../../providers/llm/llm.service';
import {
  LlmGenerateInput,
  LlmGenerateOutput,
  parseJsonAnswer,
} from '../../../providers/llm/llm.types';
import {
  answerSchema,
  ColumnAnswer,
  ColumnSpec,
  parseMarkdownAnswer,
  systemPrompt,
  userPrompt,
} from './column-prompts';
import { coerceValue, TypedValue } from './response-types';
import { SearchChecker, SearchValidation } from './search-checker';

/** How one column is asked: the routed provider and model (or the waterfall), and the A2.4 switches. */
export interface AskSettings {
  provider?: string;
  model?: string;
  useInternet: boolean;
  temperature: number;
  /** ai_config.thinking_budget (Gemini models' reasoning tokens). */
  thinkingBudget?: number;
  unstructured: boolean;
  validateWithSearch: boolean;
}

interface Spend {
  provider: string | null;
  model: string | null;
  cost_usd: number;
  llm_calls: number;
  repaired: boolean;
}

export type Generated =
  | (Spend & {
      ok: true;
      value: TypedValue;
      text: string;
      rationale: string;
      confidence: number;
      sources: string[];
      search_validation?: SearchValidation;
    })
  | (Spend & { ok: false; error: string; code: string; rationale?: string });

const isAnswer = (v: unknown): v is Partial<ColumnAnswer> & { value: unknown } =>
  !!v && typeof v === 'object' && !Array.isArray(v) && 'value' in v;

/** An answer the model gave, read (not yet coerced): the parsed JSON or Markdown. */
type Read = { answer: Partial<ColumnAnswer> & { value: unknown } } | { why: string };

/**
 * One entity's value of one column: the A6 prompt to the routed LLM, the answer coerced to the
 * column's type and checked (enum membership, bounds, schema, sources when searching), one repair
 * attempt that shows the model its answer and what is wrong, then either the value or the reason
 * it failed. Provider errors (refusals, 429s after the platform's retries, outages) fail this
 * entity only.
 */
@Injectable()
export class ColumnGenerator {
  constructor(
    private readonly llm: LlmService,
    private readonly checker: SearchChecker,
  ) {}

  async generate(
    spec: ColumnSpec,
    context: unknown,
    ask: AskSettings,
    deps: Array<{ column_id: string; name: string | null; value: string }>,
    today: string,
    scope: CallScope,
  ): Promise<Generated> {
    const spend: Spend = {
      provider: ask.provider ?? null,
      model: ask.model ?? null,
      cost_usd: 0,
      llm_calls: 0,
      repaired: false,
    };
    const input: LlmGenerateInput = {
      system: systemPrompt(spec, ask.useInternet, ask.unstructured),
      prompt: userPrompt(spec, context, today, deps),
      ...(ask.unstructured
        ? {}
        : { schema: answerSchema(spec, ask.useInternet), schemaName: 'custom_column_value' }),
      ...(ask.useInternet ? { webSearch: true } : {}),
      ...(ask.model ? { model: ask.model } : {}),
      temperature: ask.temperature,
      ...(ask.thinkingBudget !== undefined ? { thinkingBudget: ask.thinkingBudget } : {}),
    };
    try {
      let outcome = await this.call(input, scope, ask.provider, spend);
      let result = this.check(spec, ask, outcome);
      if ('unknown' in result) return { ...spend, ok: false, code: 'NOT_FOUND', ...result.unknown };
      if ('why' in result) {
        spend.repaired = true;
        const repair = {
          ...input,
          prompt: `${input.prompt}\n\nYour previous answer was:\n${outcome.data?.text ?? ''}\n\nIt cannot be used: ${result.why}.\nAnswer again, following the required response type exactly.`,
        };
        outcome = await this.call(repair, scope, spend.provider ?? undefined, spend);
        result = this.check(spec, ask, outcome);
        if ('unknown' in result)
          return { ...spend, ok: false, code: 'NOT_FOUND', ...result.unknown };
        if ('why' in result)
          return {
            ...spend,
            ok: false,
            code: 'INVALID_ANSWER',
            error: `the answer was invalid even after one repair attempt: ${result.why}`,
          };
      }
      let { value, text, rationale, confidence } = result;
      const sources = result.sources;
      let search_validation: SearchValidation | undefined;
      if (ask.validateWithSearch) {
        const checked = await this.checker.check(
          spec,
          context,
          { text, rationale, confidence },
          ask,
          scope,
          spend,
        );
        if (checked) {
          ({ rationale, confidence } = checked);
          search_validation = checked.validation;
          if (checked.replaced) ({ value, text } = checked.replaced);
          for (const s of checked.sources) if (!sources.includes(s)) sources.push(s);
        }
      }
      return { ...spend, ok: true, value, text, rationale, confidence, sources, search_validation };
    } catch (err) {
      if (scope.signal?.aborted) throw err;
      if (!(err instanceof ProviderError) || err.code === 'BUDGET_EXCEEDED') throw err;
      return { ...spend, ok: false, code: err.code, error: err.message };
    }
  }

  private async call(
    input: LlmGenerateInput,
    scope: CallScope,
    provider: string | undefined,
    spend: Spend,
  ): Promise<CallOutcome<LlmGenerateOutput>> {
    const { outcome } = await this.llm.generate(input, scope, provider);
    spend.llm_calls += outcome.cached ? 0 : 1;
    spend.cost_usd += outcome.costUsd;
    spend.provider = outcome.provider;
    spend.model = outcome.model ?? spend.model;
    return outcome;
  }

  /** The answer coerced and checked, or why it cannot be used, or the model's "cannot be found". */
  private check(
    spec: ColumnSpec,
    ask: AskSettings,
    o: CallOutcome<LlmGenerateOutput>,
  ):
    | { why: string }
    | { unknown: { error: string; rationale: string } }
    | {
        value: TypedValue;
        text: string;
        rationale: string;
        confidence: number;
        sources: string[];
      } {
    const read = this.read(ask, o);
    if ('why' in read) return read;
    const a = read.answer;
    const rationale = typeof a.rationale === 'string' ? a.rationale : '';
    if (a.value === null)
      return {
        unknown: { error: 'the model could not determine the answer', rationale },
      };
    const coerced = coerceValue(spec.response_type, a.value, spec.response_config);
    if (!coerced.ok) return { why: coerced.why };
    const sources = [
      ...new Set([
        ...(Array.isArray(a.sources) ? a.sources : []).filter(
          (s): s is string => typeof s === 'string' && /^https?:\/\//i.test(s),
        ),
        ...(o.data?.citations ?? []),
        ...(o.sources ?? []),
      ]),
    ];
    if (ask.useInternet && sources.length === 0)
      return { why: 'a web-searched answer must cite at least one source URL in `sources`' };
    const c = Number(a.confidence_score);
    const confidence = Number.isFinite(c) ? Math.min(1, Math.max(0, c)) : 0;
    return { value: coerced.value, text: coerced.text, rationale, confidence, sources };
  }

  private read(ask: AskSettings, o: CallOutcome<LlmGenerateOutput>): Read {
    const text = o.data?.text ?? '';
    if (!text.trim() && o.data?.json === undefined) return { why: 'the answer was empty' };
    if (ask.unstructured) {
      const md = parseMarkdownAnswer(text);
      return md ? { answer: md } : { why: 'the answer has no "**Answer:**" section' };
    }
    let json: unknown;
    try {
      json = o.data?.json ?? parseJsonAnswer(text);
    } catch {
      return { why: 'the answer is not valid JSON' };
    }
    // Some models wrap the object in a list: take the object with the most keys (the seed's rule).
    if (Array.isArray(json)) {
      json = json
        .filter((x) => x && typeof x === 'object' && !Array.isArray(x))
        .sort((x, y) => Object.keys(y as object).length - Object.keys(x as object).length)[0];
    }
    return isAnswer(json) ? { answer: json } : { why: 'the JSON answer has no `value` key' };
  }
}
