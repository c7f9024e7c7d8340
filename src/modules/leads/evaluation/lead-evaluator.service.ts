import { Injectable } from '@nestjs/common';
import { chunks, mapLimit } from '../../../common/map-limit';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { PersonProfile } from '../../../providers/person/person.types';
import { LlmService } from '../../../providers/llm/llm.service';
import { rulesEvaluation } from '../scoring/rules-score';
import type { StoredEvaluation } from '../storage/lead-evaluation.entity';
import {
  FINAL_EVALUATION_SCHEMA,
  FINAL_EVALUATION_SYSTEM,
  FinalEvaluation,
  finalEvaluationPrompt,
  leadCard,
  PRE_EVALUATION_SCHEMA,
  PRE_EVALUATION_SYSTEM,
  PreEvaluation,
  preEvaluationPrompt,
  ProductContext,
} from './lead-prompts';

/** Leads per LLM call and calls at once (the seed: 5 per call, 10 in parallel). */
export const EVALUATION_BATCH = 5;
export const EVALUATION_PARALLEL = 10;

export interface CandidateLead {
  id: string;
  person: PersonProfile;
}

/** What one evaluation pass gave: per lead id, and the pass's counts. */
export interface EvaluationPass<T> {
  byId: Map<string, T>;
  /** Batches the LLM could not answer (those leads were scored by the rules). */
  aiErrors: number;
  costUsd: number;
  /** False when no LLM is configured: every lead was scored by the rules. */
  llm: boolean;
}

/**
 * Evaluates leads with the configured LLM (the `llm.generate` waterfall), in batches bound to a
 * JSON Schema (validated, repaired once by LlmService). A batch the LLM cannot answer — or a lead
 * it leaves out — is scored by the transparent rules instead and marked with the error; without
 * any LLM every lead is scored by the rules (`method: "rules"`).
 */
@Injectable()
export class LeadEvaluator {
  constructor(
    private readonly llm: LlmService,
    private readonly registry: ProviderRegistry,
  ) {}

  hasLlm(): boolean {
    return this.registry.forCapability('llm.generate').length > 0;
  }

  /** Pre-evaluation of search records (temperature 0). */
  preEvaluate(
    product: ProductContext,
    company: string,
    leads: CandidateLead[],
    scope: CallScope,
  ): Promise<EvaluationPass<PreEvaluation>> {
    const fallback = (lead: CandidateLead, why?: string): PreEvaluation => {
      const r = rulesEvaluation(lead.person, product.persona_role_titles);
      return {
        lead_id: lead.id,
        reason: why ? `${r.rationale} (LLM: ${why})` : r.rationale,
        initial_persona_estimate: r.persona_match,
        initial_score: r.fit_score,
        enrichment_recommended: false,
        confidence: 50,
        key_signals: r.matching_signals,
      };
    };
    return this.inBatches(leads, fallback, async (batch) => {
      const answer = await this.llm.generateStructured<{ evaluations: PreEvaluation[] }>(
        {
          system: PRE_EVALUATION_SYSTEM,
          prompt: preEvaluationPrompt(
            product,
            company,
            batch.map((l) => leadCard(l.id, l.person)),
          ),
          schema: PRE_EVALUATION_SCHEMA,
          schemaName: 'lead_pre_evaluation',
          temperature: 0,
        },
        scope,
      );
      const answered = new Map(answer.value.evaluations.map((e) => [e.lead_id, e]));
      return { costUsd: answer.cost_usd, provider: answer.provider, of: (l) => answered.get(l.id) };
    });
  }

  /** The final evaluation (the seed's V2 prompt, temperature 0.15). */
  finalEvaluate(
    product: ProductContext,
    leads: Array<CandidateLead & { insights: Record<string, unknown>; timeSignals: string[] }>,
    scope: CallScope,
  ): Promise<EvaluationPass<StoredEvaluation>> {
    const fallback = (lead: CandidateLead & { timeSignals: string[] }, why?: string) => {
      const r = rulesEvaluation(lead.person, product.persona_role_titles);
      const out: StoredEvaluation = {
        fit_score: r.fit_score,
        persona_match: r.persona_match,
        rationale: r.rationale,
        matching_signals: [...r.matching_signals, ...lead.timeSignals],
        time_signals: lead.timeSignals,
        method: 'rules',
        cost_usd: 0,
        ...(why ? { llm_error: why } : {}),
      };
      return out;
    };
    return this.inBatches(leads, fallback, async (batch) => {
      const answer = await this.llm.generateStructured<{ evaluated_leads: FinalEvaluation[] }>(
        {
          system: FINAL_EVALUATION_SYSTEM,
          prompt: finalEvaluationPrompt(
            product,
            batch.map((l) => ({
              ...leadCard(l.id, l.person),
              pre_evaluation_insights: l.insights,
            })),
          ),
          schema: FINAL_EVALUATION_SCHEMA,
          schemaName: 'lead_evaluation',
          temperature: 0.15,
        },
        scope,
      );
      const share = answer.cost_usd / batch.length;
      const answered = new Map(answer.value.evaluated_leads.map((e) => [e.id, e]));
      return {
        costUsd: answer.cost_usd,
        provider: answer.provider,
        of: (l): StoredEvaluation | undefined => {
          const e = answered.get(l.id);
          return e
            ? {
                fit_score: Math.round(e.fit_score * 100) / 100,
                persona_match: e.persona_match,
                rationale: e.rationale,
                matching_signals: e.matching_signals,
                recommended_approach: e.recommended_approach,
                key_insights: e.key_insights ?? [],
                internal_analysis: e.internal_analysis,
                time_signals: l.timeSignals,
                method: 'llm',
                provider: answer.provider,
                model: answer.model,
                cost_usd: share,
              }
            : undefined;
        },
      };
    });
  }

  /**
   * Asks the LLM about the leads in batches (EVALUATION_BATCH per call, EVALUATION_PARALLEL calls at
   * once); a batch it cannot answer, or a lead it leaves out, gets `fallback` with the reason; with
   * no LLM configured every lead gets `fallback`.
   */
  private async inBatches<L extends CandidateLead, T>(
    leads: L[],
    fallback: (lead: L, why?: string) => T,
    ask: (
      batch: L[],
    ) => Promise<{ costUsd: number; provider: string; of: (l: L) => T | undefined }>,
  ): Promise<EvaluationPass<T>> {
    const byId = new Map<string, T>();
    if (!this.hasLlm()) {
      for (const l of leads) byId.set(l.id, fallback(l));
      return { byId, aiErrors: 0, costUsd: 0, llm: false };
    }
    let aiErrors = 0;
    let costUsd = 0;
    await mapLimit(chunks(leads, EVALUATION_BATCH), EVALUATION_PARALLEL, async (batch) => {
      try {
        const answer = await ask(batch);
        costUsd += answer.costUsd;
        for (const l of batch)
          byId.set(l.id, answer.of(l) ?? fallback(l, `${answer.provider} left this lead out`));
      } catch (err) {
        if (!isBatchError(err)) throw err;
        aiErrors += 1;
        for (const l of batch) byId.set(l.id, fallback(l, (err as Error).message));
      }
    });
    return { byId, aiErrors, costUsd, llm: true };
  }
}

/**
 * A failure that concerns one batch (its answer did not match the schema, or the LLM refused
 * it), as opposed to one that should stop the task: a budget exceeded, a cancel, every provider
 * down (retryable: the task is retried from its last checkpoint).
 */
function isBatchError(err: unknown): boolean {
  return err instanceof ProviderError && !err.retryable && err.code !== 'BUDGET_EXCEEDED';
}
