import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { LlmService } from '../../../providers/llm/llm.service';
import type { TaskContext } from '../../tasks/engine/task-context';
import {
  candidatesFromLlmProfile,
  candidatesFromMarketIntel,
  extractionPrompt,
  LlmProfile,
  MARKET_INTEL_SCHEMA,
  MarketIntel,
  marketIntelPrompt,
  PROFILE_SCHEMA,
  SUMMARY_SCHEMA,
  summaryPrompt,
} from '../account-llm';
import { combineCandidates, MergedProfile, mergeProfile, toProcessedData } from '../extraction';
import type { AccountRun, Stage } from './account-run';
import type { Candidates, SiteStageOutput, StageOutput } from './enhancement.types';
import { asError, configuredProviders, merge, rethrowFatal, stageScope } from './stage-helpers';

/** What the LLM stages add to the account: their candidates, and raw_data with theirs added. */
export interface LlmStagesOutput {
  candidates: Candidates;
  raw: NonNullable<StageOutput['raw']>;
}

/**
 * Stage 3, the LLM: structured extraction of the site's text, the business summary and grounded
 * market intel, each checkpointed on its own. Each stage reports even when it has nothing to do
 * (no LLM configured, nothing to work from), so the client sees the seed's stages every time.
 */
@Injectable()
export class LlmStages {
  constructor(
    private readonly llm: LlmService,
    private readonly registry: ProviderRegistry,
  ) {}

  async run(
    run: AccountRun,
    site: SiteStageOutput,
    vendors: StageOutput,
    about: { company: string; domain: string },
  ): Promise<LlmStagesOutput> {
    const { ctx, cp } = run;
    const llmCandidates: Candidates = {};
    const raw: StageOutput['raw'] = { ...vendors.raw };
    const llmReady = configuredProviders(this.registry, 'llm.generate').length > 0;
    const llmInput = site.text.trim() || vendors.sources.some((s) => s.outcome === 'accepted');
    if (!llmReady) {
      run.sources.push({
        stage: 'structuring',
        capability: 'llm.generate',
        outcome: 'skipped',
        cost_usd: 0,
        error: 'no llm.generate provider is configured',
      });
    }
    const llmStage = async (
      stage: Stage,
      message: string,
      fn: (name: string) => Promise<StageOutput>,
    ) => {
      await run.progress(stage, llmReady && llmInput ? message : `${message}: skipped`);
      if (!llmReady || !llmInput) return;
      const out = await ctx.checkpoint(cp(stage), () => fn(cp(stage)));
      merge(llmCandidates, out.candidates);
      run.sources.push(...out.sources);
      run.errors.push(...out.errors);
      Object.assign(raw, out.raw);
    };
    const partial = mergeProfile(combineCandidates(site.candidates, vendors.candidates));
    await llmStage('structuring', 'structured extraction', (name) =>
      this.extraction(ctx, name, site, about.company),
    );
    await llmStage('summarising', 'business summary', (name) =>
      this.summary(ctx, name, site, partial, about.company),
    );
    await llmStage('market_intel', 'market intelligence by grounded web search', (name) =>
      this.marketIntel(ctx, name, about.company, about.domain),
    );
    return { candidates: llmCandidates, raw };
  }

  /** Structured extraction of the site's text (the seed's gemini_structured). */
  private async extraction(
    ctx: TaskContext<unknown>,
    stage: string,
    site: SiteStageOutput,
    company: string,
  ): Promise<StageOutput> {
    const out: StageOutput = { candidates: {}, sources: [], errors: [], raw: {} };
    if (!site.text.trim()) return out;
    try {
      const a = await this.llm.generateStructured<LlmProfile>(
        {
          prompt: extractionPrompt(company, site.text),
          schema: PROFILE_SCHEMA,
          schemaName: 'company_profile',
          temperature: 0.1,
        },
        stageScope(ctx, stage),
      );
      out.sources.push({
        stage: 'structuring',
        capability: 'llm.generate',
        provider: a.provider,
        outcome: 'structured_extraction',
        cost_usd: a.cost_usd,
      });
      out.raw!.gemini_structured = { provider: a.provider, data: a.value };
      merge(
        out.candidates,
        candidatesFromLlmProfile(a.value, {
          provider: a.provider,
          cost: a.cost_usd,
          evidence: site.pages,
          taskId: ctx.taskId,
        }),
      );
    } catch (err) {
      rethrowFatal(ctx, err);
      out.errors.push(asError('structuring', err));
    }
    return out;
  }

  /** The markdown business summary (the seed's gemini_analysis → analysis_summary). */
  private async summary(
    ctx: TaskContext<unknown>,
    stage: string,
    site: SiteStageOutput,
    partial: MergedProfile,
    company: string,
  ): Promise<StageOutput> {
    const out: StageOutput = { candidates: {}, sources: [], errors: [], raw: {} };
    try {
      const known = toProcessedData(partial);
      const a = await this.llm.generateStructured<{ analysis_summary: string }>(
        {
          prompt: summaryPrompt(company, known, site.text),
          schema: SUMMARY_SCHEMA,
          schemaName: 'business_summary',
          temperature: 0.2,
        },
        stageScope(ctx, stage),
      );
      out.sources.push({
        stage: 'summarising',
        capability: 'llm.generate',
        provider: a.provider,
        outcome: 'summary',
        cost_usd: a.cost_usd,
      });
      out.raw!.gemini_analysis = { provider: a.provider, data: a.value.analysis_summary };
      out.candidates.analysis_summary = [
        {
          value: a.value.analysis_summary,
          source: a.provider,
          method: 'llm',
          retrieved_at: new Date().toISOString(),
          confidence: 0.6,
          cost_usd: a.cost_usd,
          task_id: ctx.taskId,
          evidence: site.pages,
        },
      ];
    } catch (err) {
      rethrowFatal(ctx, err);
      out.errors.push(asError('summarising', err));
    }
    return out;
  }

  /** Competitors, customers, events and funding by grounded web search (openai_intelligence). */
  private async marketIntel(
    ctx: TaskContext<unknown>,
    stage: string,
    company: string,
    domain: string,
  ): Promise<StageOutput> {
    const out: StageOutput = { candidates: {}, sources: [], errors: [], raw: {} };
    try {
      const a = await this.llm.generateStructured<MarketIntel>(
        {
          prompt: marketIntelPrompt(company, domain),
          schema: MARKET_INTEL_SCHEMA,
          schemaName: 'market_intel',
          webSearch: true,
        },
        stageScope(ctx, stage),
      );
      out.sources.push({
        stage: 'market_intel',
        capability: 'llm.generate',
        provider: a.provider,
        outcome: `market_intel (${a.citations.length} citation(s))`,
        cost_usd: a.cost_usd,
      });
      out.raw!.openai_intelligence = {
        provider: a.provider,
        data: { ...a.value, citations: a.citations },
      };
      merge(
        out.candidates,
        candidatesFromMarketIntel(a.value, {
          provider: a.provider,
          cost: a.cost_usd,
          citations: a.citations,
          taskId: ctx.taskId,
        }),
      );
    } catch (err) {
      rethrowFatal(ctx, err);
      out.errors.push(asError('market_intel', err));
    }
    return out;
  }
}
