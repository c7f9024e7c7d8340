import { Injectable } from '@nestjs/common';
import { chunks, mapLimit } from '../../../common/map-limit';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { LlmService } from '../../../providers/llm/llm.service';
import type { ParsedActivity } from '../parsing/activity.types';
import {
  ACTIVITY_ANALYSIS_SCHEMA,
  ACTIVITY_ANALYSIS_SYSTEM,
  ActivityAnalysis,
  activityAnalysisPrompt,
  activityCard,
  ResearchSubject,
} from './activity-prompts';

/** Activities per LLM call, and calls at once (under the providers' shared limiter). */
export const ANALYSIS_BATCH = 5;
export const ANALYSIS_PARALLEL = 4;

/** Tokens and cost of the LLM calls behind an analysis or a report. */
export interface LlmUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  provider: string | null;
  model: string | null;
}

export interface AnalysisPass {
  /** By activity id. */
  byId: Record<string, ActivityAnalysis & { usage: LlmUsage }>;
  /** By activity id: why the model gave no analysis (its batch failed for good). */
  errors: Record<string, string>;
}

/**
 * Analyses activities with the `llm.generate` waterfall in batches bound to a JSON Schema
 * (validated and repaired once by LlmService). A batch the model cannot answer in the schema
 * leaves its activities unanalysed with the reason; a temporary failure (rate limit, outage)
 * is thrown, so the task retries — the batches already answered come from the provider cache.
 * Each activity carries its share of its batch's tokens and cost.
 */
@Injectable()
export class ActivityAnalyzer {
  constructor(private readonly llm: LlmService) {}

  async analyse(
    subject: ResearchSubject,
    activities: Array<{ id: string; activity: ParsedActivity }>,
    scope: CallScope,
  ): Promise<AnalysisPass> {
    const out: AnalysisPass = { byId: {}, errors: {} };
    await mapLimit(chunks(activities, ANALYSIS_BATCH), ANALYSIS_PARALLEL, async (batch) => {
      try {
        const answer = await this.llm.generateStructured<{ activities: ActivityAnalysis[] }>(
          {
            system: ACTIVITY_ANALYSIS_SYSTEM,
            prompt: activityAnalysisPrompt(
              subject,
              batch.map((b) => activityCard(b.id, b.activity)),
            ),
            schema: ACTIVITY_ANALYSIS_SCHEMA,
            schemaName: 'activity_analysis',
            temperature: 0,
          },
          scope,
        );
        const share = (n: number) => n / batch.length;
        const usage: LlmUsage = {
          prompt_tokens: Math.round(share(answer.usage.input_tokens)),
          completion_tokens: Math.round(share(answer.usage.output_tokens)),
          cost_usd: share(answer.cost_usd),
          provider: answer.provider,
          model: answer.model ?? null,
        };
        const wanted = new Set(batch.map((b) => b.id));
        for (const a of answer.value.activities) {
          if (wanted.has(a.id) && !out.byId[a.id]) out.byId[a.id] = { ...a, usage };
        }
        for (const b of batch) {
          if (!out.byId[b.id]) out.errors[b.id] = 'the model left this activity out';
        }
      } catch (err) {
        if (err instanceof ProviderError && !err.retryable) {
          for (const b of batch) out.errors[b.id] = err.message;
          return;
        }
        throw err;
      }
    });
    return out;
  }
}
