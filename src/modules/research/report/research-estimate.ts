import { Injectable } from '@nestjs/common';
import { chunks } from '../../../common/map-limit';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { TaskEstimate } from '../../tasks/engine/task-type.decorator';
import { ANALYSIS_BATCH } from '../analysis/activity-analyzer';
import {
  ACTIVITY_ANALYSIS_SCHEMA,
  ACTIVITY_ANALYSIS_SYSTEM,
  activityAnalysisPrompt,
  activityCard,
} from '../analysis/activity-prompts';
import { activityId, statusBeforeAnalysis } from '../analysis/content-details';
import type { LinkedInResearchInput } from '../dto/linkedin-research.input';
import { parsedCaptures, subjectOf } from '../research-input';
import { INSIGHTS_SCHEMA, INSIGHTS_SYSTEM } from './insights-prompts';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The dry run of a research task: the captures are parsed (no call), the analysis prompts built
 * as the task would build them, and each call priced at its worst case by the first LLM of the
 * `llm.generate` waterfall; one more call for the report. Each structured call may need one repair.
 */
@Injectable()
export class ResearchEstimate {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  estimate(input: LinkedInResearchInput, now: Date): TaskEstimate {
    const capturedAt = input.captured_at ? new Date(input.captured_at) : now;
    const parsed = parsedCaptures(input, capturedAt);
    const eligible = parsed.filter((a) => statusBeforeAnalysis(a, capturedAt) === 'started');
    const [llm] = this.registry.forCapability('llm.generate').map((p) => p.meta.id);
    const notes = [
      `${parsed.length} activities found, ${eligible.length} recent enough to analyse`,
    ];
    if (!llm) {
      notes.push('no LLM configured: the activities would be parsed only (LLM_NOT_CONFIGURED)');
      return { calls: 0, cost_min_usd: 0, cost_max_usd: 0, notes };
    }
    const subject = subjectOf(input);
    let max = 0;
    let calls = 0;
    const price = (prompt: string, system: string, schema: object) => {
      max +=
        2 *
        this.client.maxCost(llm, {
          capability: 'llm.generate',
          input: { prompt, system, schema },
        });
      calls += 1;
    };
    for (const batch of chunks(eligible, ANALYSIS_BATCH)) {
      const cards = batch.map((a) => activityCard(activityId(a), a));
      price(
        activityAnalysisPrompt(subject, cards),
        ACTIVITY_ANALYSIS_SYSTEM,
        ACTIVITY_ANALYSIS_SCHEMA,
      );
    }
    // The report reads every analysed activity's summary (~600 characters each).
    if (eligible.length)
      price('x'.repeat(2000 + 600 * eligible.length), INSIGHTS_SYSTEM, INSIGHTS_SCHEMA);
    return { calls, cost_min_usd: 0, cost_max_usd: round(max), notes };
  }
}
