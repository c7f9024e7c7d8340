import { Injectable } from '@nestjs/common';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { stableStringify } from '../../common/stable-json';
import {
  CallOutcome,
  CallScope,
  ProviderClient,
  waterfallRetryable,
  WaterfallStep,
} from '../core/provider-client';
import { ProviderError } from '../core/provider-error';
import { LlmGenerateInput, LlmGenerateOutput, parseJsonAnswer } from './llm.types';

export interface StructuredAnswer<T> {
  value: T;
  provider: string;
  model?: string;
  citations: string[];
  cost_usd: number;
  /** Tokens of the answer's calls (both, after a repair); a cached answer's as first spent. */
  usage: { input_tokens: number; output_tokens: number };
  repaired: boolean;
  steps?: WaterfallStep[];
}

/**
 * Structured output on top of any `llm.generate` provider: the answer is parsed and validated
 * against the caller's JSON Schema; an invalid answer gets one repair attempt (the model sees its
 * answer and the validation errors), then a clear error.
 */
@Injectable()
export class LlmService {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly client: ProviderClient) {}

  private validator(schema: Record<string, unknown>): ValidateFunction {
    const key = createHash('sha256').update(stableStringify(schema)).digest('hex');
    let v = this.validators.get(key);
    if (!v) {
      try {
        v = this.ajv.compile(schema);
      } catch (err) {
        throw new ProviderError(
          'BAD_INPUT',
          `the schema is not a valid JSON Schema: ${(err as Error).message}`,
          { retryable: false },
        );
      }
      this.validators.set(key, v);
    }
    return v;
  }

  /** Calls `providerId` (or, when omitted, the `llm.generate` waterfall) and returns validated JSON. */
  async generateStructured<T>(
    input: LlmGenerateInput & { schema: Record<string, unknown> },
    scope: CallScope = {},
    providerId?: string,
  ): Promise<StructuredAnswer<T>> {
    const validate = this.validator(input.schema);
    const first = await this.generate(input, scope, providerId);
    const check = (
      o: CallOutcome<LlmGenerateOutput>,
    ): { ok: true; value: T } | { ok: false; why: string } => {
      try {
        const value = o.data?.json ?? parseJsonAnswer(o.data?.text ?? '');
        return validate(value)
          ? { ok: true, value: value as T }
          : { ok: false, why: formatErrors(validate.errors) };
      } catch (err) {
        return { ok: false, why: (err as Error).message };
      }
    };
    const firstCheck = check(first.outcome);
    if (firstCheck.ok)
      return this.answer(
        first.outcome,
        firstCheck.value,
        false,
        first.outcome.costUsd,
        first.steps,
        [first.outcome],
      );

    const repairPrompt =
      `${input.prompt}\n\nYour previous answer was:\n${first.outcome.data?.text ?? ''}\n\n` +
      `It does not match the required JSON Schema: ${firstCheck.why}.\nAnswer again with only JSON that matches the schema.`;
    const second = await this.generate(
      { ...input, prompt: repairPrompt },
      scope,
      first.outcome.provider,
    );
    const secondCheck = check(second.outcome);
    if (secondCheck.ok) {
      return this.answer(
        second.outcome,
        secondCheck.value,
        true,
        first.outcome.costUsd + second.outcome.costUsd,
        first.steps,
        [first.outcome, second.outcome],
      );
    }
    throw new ProviderError(
      'BAD_INPUT',
      `${second.outcome.provider} answered JSON that does not match the schema, even after one repair attempt: ${secondCheck.why}`,
      { retryable: false, providerId: second.outcome.provider },
    );
  }

  /** Plain generation through one provider or the `llm.generate` waterfall. */
  async generate(
    input: LlmGenerateInput,
    scope: CallScope = {},
    providerId?: string,
  ): Promise<{ outcome: CallOutcome<LlmGenerateOutput>; steps?: WaterfallStep[] }> {
    if (providerId) {
      return {
        outcome: await this.client.call<LlmGenerateOutput>(
          providerId,
          { capability: 'llm.generate', operation: 'generate', input },
          scope,
        ),
      };
    }
    const w = await this.client.waterfall<LlmGenerateOutput>(
      'llm.generate',
      { operation: 'generate', input },
      (o) => o.found,
      scope,
    );
    if (!w.winner) {
      const why = w.steps.map((s) => `${s.provider}: ${s.error ?? s.outcome}`).join('; ');
      // The soonest any of them may answer again (a rate limit, an open breaker).
      const waits = w.steps.flatMap((s) =>
        s.retry_after_ms !== undefined ? [s.retry_after_ms] : [],
      );
      throw new ProviderError(
        'TEMPORARY',
        why
          ? `no LLM provider answered (${why})`
          : 'no LLM provider is configured (set GEMINI_API_KEY, OPENAI_API_KEY or OPENAI_BASE_URL, or PERPLEXITY_API_KEY)',
        {
          retryable: waterfallRetryable(w.steps),
          ...(waits.length ? { retryAfterMs: Math.min(...waits) } : {}),
        },
      );
    }
    return { outcome: w.winner, steps: w.steps };
  }

  private answer<T>(
    o: CallOutcome<LlmGenerateOutput>,
    value: T,
    repaired: boolean,
    cost: number,
    steps: WaterfallStep[] | undefined,
    calls: Array<CallOutcome<LlmGenerateOutput>>,
  ): StructuredAnswer<T> {
    return {
      value,
      provider: o.provider,
      model: o.model,
      citations: [...new Set([...(o.data?.citations ?? []), ...(o.sources ?? [])])],
      cost_usd: cost,
      usage: {
        input_tokens: calls.reduce((n, c) => n + (c.usage?.inputTokens ?? 0), 0),
        output_tokens: calls.reduce((n, c) => n + (c.usage?.outputTokens ?? 0), 0),
      },
      repaired,
      ...(steps ? { steps } : {}),
    };
  }
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}
