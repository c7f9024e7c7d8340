import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { LlmService } from '../../../providers/llm/llm.service';
import type { ColumnSpec } from './column-prompts';
import { coerceValue, TypedValue } from './response-types';
import {
  applySearchCheck,
  SEARCH_CHECK_SCHEMA,
  SEARCH_CHECK_SYSTEM,
  SearchCheck,
  searchCheckPrompt,
  ValidationStatus,
} from './search-validation';

/** Recorded on the value (and, as the seed did, under error_details.search_validation). */
export interface SearchValidation {
  validation_status: ValidationStatus;
  validation_confidence: number;
  validation_notes: string;
  validated_at: string;
  validation_tool: 'llm_web_search';
}

export interface CheckedAnswer {
  rationale: string;
  confidence: number;
  validation: SearchValidation;
  sources: string[];
  replaced?: { value: TypedValue; text: string };
}

/**
 * `validate_with_search` (A6): a second, grounded LLM call checks the answer's critical claims on
 * the web, and its verdict adjusts the confidence and may correct the value. The seed ran a
 * LangChain agent over Jina and DuckDuckGo; here any provider with grounded search (the column's
 * own) does it. A check that fails is recorded as `validation_failed` and changes nothing.
 */
@Injectable()
export class SearchChecker {
  constructor(private readonly llm: LlmService) {}

  async check(
    spec: ColumnSpec,
    context: unknown,
    answer: { text: string; rationale: string; confidence: number },
    ask: { provider?: string; model?: string },
    scope: CallScope,
    spend: { cost_usd: number; llm_calls: number },
  ): Promise<CheckedAnswer> {
    const at = new Date().toISOString();
    let check: SearchCheck;
    try {
      const res = await this.llm.generateStructured<SearchCheck>(
        {
          system: SEARCH_CHECK_SYSTEM,
          prompt: searchCheckPrompt(spec, context, answer),
          schema: SEARCH_CHECK_SCHEMA,
          schemaName: 'custom_column_validation',
          webSearch: true,
          temperature: 0,
          ...(ask.model ? { model: ask.model } : {}),
        },
        scope,
        ask.provider,
      );
      spend.cost_usd += res.cost_usd;
      spend.llm_calls += res.repaired ? 2 : 1;
      check = {
        ...res.value,
        sources: [...new Set([...(res.value.sources ?? []), ...res.citations])].filter((s) =>
          /^https?:\/\//i.test(s),
        ),
      };
    } catch (err) {
      if (scope.signal?.aborted || !(err instanceof ProviderError)) throw err;
      if (err.code === 'BUDGET_EXCEEDED') throw err;
      return {
        rationale: answer.rationale,
        confidence: answer.confidence,
        sources: [],
        validation: {
          validation_status: 'validation_failed',
          validation_confidence: 0,
          validation_notes: err.message,
          validated_at: at,
          validation_tool: 'llm_web_search',
        },
      };
    }
    const effect = applySearchCheck(answer.confidence, answer.rationale, check);
    let replaced: CheckedAnswer['replaced'];
    if (effect.replaceWith !== undefined) {
      const c = coerceValue(spec.response_type, effect.replaceWith, spec.response_config);
      if (c.ok) replaced = { value: c.value, text: c.text };
    }
    return {
      rationale: effect.rationale,
      confidence: effect.confidence,
      sources: check.sources,
      ...(replaced ? { replaced } : {}),
      validation: {
        validation_status: check.validation_status,
        validation_confidence: check.confidence,
        validation_notes: check.validation_notes,
        validated_at: at,
        validation_tool: 'llm_web_search',
      },
    };
  }
}
