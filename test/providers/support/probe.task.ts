import { Module } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { isCapability } from '../../../src/providers/core/capabilities';
import { TaskContext } from '../../../src/modules/tasks/engine/task-context';
import { TaskError } from '../../../src/modules/tasks/engine/task-errors';
import {
  TaskEstimate,
  TaskHandler,
  TaskType,
} from '../../../src/modules/tasks/engine/task-type.decorator';
import { ProviderClient } from '../../../src/providers/core/provider-client';

/** One stage: a call to `provider`, or to the waterfall of `capability` when no provider is named. */
export interface ProbeStep {
  stage: string;
  domain: string;
  provider?: string;
  capability?: string;
}

export class ProbeInput {
  @IsArray()
  @ArrayMaxSize(10)
  @IsObject({ each: true })
  steps: ProbeStep[];

  /** On attempts ≤ this, the first stage fails after its paid call, before its checkpoint. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  fail_in_stage_attempts?: number;

  /** On attempts ≤ this, the task fails right after the first stage's checkpoint. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  fail_after_stage_attempts?: number;

  /** On the first attempt, the first stage waits this long after its paid call (a worker to kill). */
  @IsOptional()
  @IsInt()
  @Min(0)
  hold_in_stage_ms?: number;

  /** On the first attempt, the task waits this long after the first checkpoint (a worker to kill). */
  @IsOptional()
  @IsInt()
  @Min(0)
  hold_after_stage_ms?: number;
}

export interface ProbeStageOutput {
  provider: string | null;
  found: boolean;
  data: unknown;
  cached: boolean;
  cost_usd: number;
  attempt: number;
  steps?: unknown[];
}

/**
 * A task type for the framework tests: each step is a stage (a checkpoint) that calls a provider
 * through ProviderClient with the task's provider scope, like a real enrichment task would.
 */
@TaskType({
  name: 'provider_probe',
  input: ProbeInput,
  concurrency: 10,
  maxAttempts: 3,
  description: 'Framework test task: calls providers in checkpointed stages',
})
export class ProbeTask implements TaskHandler<ProbeInput> {
  constructor(private readonly client: ProviderClient) {}

  async run(ctx: TaskContext<ProbeInput>): Promise<Record<string, ProbeStageOutput>> {
    const out: Record<string, ProbeStageOutput> = {};
    const i = ctx.input;
    for (const [n, step] of i.steps.entries()) {
      out[step.stage] = await ctx.checkpoint(step.stage, async () => {
        const o = await this.lookup(step, ctx);
        if (n === 0 && ctx.attempt <= (i.fail_in_stage_attempts ?? 0)) {
          throw new TaskError(
            'TEMPORARY',
            'failing inside the stage after its paid call, on purpose',
          );
        }
        if (n === 0 && ctx.attempt === 1 && i.hold_in_stage_ms) await ctx.sleep(i.hold_in_stage_ms);
        return o;
      });
      if (n === 0 && ctx.attempt <= (i.fail_after_stage_attempts ?? 0)) {
        throw new TaskError('TEMPORARY', 'failing after the first checkpoint, on purpose');
      }
      if (n === 0 && ctx.attempt === 1 && i.hold_after_stage_ms) {
        await ctx.sleep(i.hold_after_stage_ms);
      }
    }
    return out;
  }

  private async lookup(step: ProbeStep, ctx: TaskContext<ProbeInput>): Promise<ProbeStageOutput> {
    const request = { operation: 'lookup', input: { domain: step.domain } };
    if (step.provider) {
      const o = await this.client.call(
        step.provider,
        { capability: 'company.profile', ...request },
        ctx.providerScope(),
      );
      return {
        provider: o.provider,
        found: o.found,
        data: o.data,
        cached: o.cached,
        cost_usd: o.costUsd,
        attempt: ctx.attempt,
      };
    }
    const capability = step.capability ?? 'company.profile';
    if (!isCapability(capability))
      throw TaskError.permanent('BAD_INPUT', `no capability ${capability}`);
    const w = await this.client.waterfall(capability, request, undefined, ctx.providerScope());
    return {
      provider: w.winner?.provider ?? null,
      found: !!w.winner,
      data: w.winner?.data ?? null,
      cached: w.winner?.cached ?? false,
      cost_usd: w.cost_usd,
      attempt: ctx.attempt,
      steps: w.steps,
    };
  }

  /** Dry run: one call per step, each at most its provider's worst case (cache hits cost 0). */
  estimate(input: ProbeInput): TaskEstimate {
    let max = 0;
    for (const step of input.steps) {
      const request = {
        capability: 'company.profile' as const,
        operation: 'lookup',
        input: { domain: step.domain },
      };
      max += step.provider ? this.client.maxCost(step.provider, request) : 0;
    }
    return {
      calls: input.steps.length,
      cost_min_usd: 0,
      cost_max_usd: Math.round(max * 1e6) / 1e6,
      notes: ['cached answers cost nothing'],
    };
  }
}

@Module({ providers: [ProbeTask] })
export class ProbeTaskModule {}
