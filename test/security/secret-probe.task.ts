import { Module } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsBoolean, IsObject, IsOptional } from 'class-validator';
import { TaskContext } from '../../src/modules/tasks/engine/task-context';
import { TaskError } from '../../src/modules/tasks/engine/task-errors';
import { TaskHandler, TaskType } from '../../src/modules/tasks/engine/task-type.decorator';
import { isCapability } from '../../src/providers/core/capabilities';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';

/** One stage: a call to `provider`, or the waterfall of `capability` when no provider is named. */
export interface SecretProbeCall {
  stage: string;
  capability: string;
  operation?: string;
  provider?: string;
  input: Record<string, unknown>;
}

export class SecretProbeInput {
  @IsArray()
  @ArrayMaxSize(40)
  @IsObject({ each: true })
  calls: SecretProbeCall[];

  /**
   * Keep each failure in the stage's output (checkpoint, result, completed callback) instead of
   * failing the task with it (error, failed callback).
   */
  @IsOptional()
  @IsBoolean()
  record_errors?: boolean;
}

/**
 * A task type for the secret-scan test: any provider, capability and input, called through
 * ProviderClient with the task's provider scope, as a real task does. A vendor's failure either
 * ends the task or is kept in the result, so both paths of a vendor error are exercised.
 */
@TaskType({
  name: 'secret_probe',
  input: SecretProbeInput,
  maxAttempts: 2,
  description: 'Security test task: calls providers and keeps or raises their errors',
})
export class SecretProbeTask implements TaskHandler<SecretProbeInput> {
  constructor(private readonly client: ProviderClient) {}

  async run(ctx: TaskContext<SecretProbeInput>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const call of ctx.input.calls) {
      out[call.stage] = await ctx.checkpoint(call.stage, async () => {
        try {
          return await this.once(call, ctx);
        } catch (err) {
          if (!ctx.input.record_errors || !(err instanceof ProviderError)) throw err;
          return { error: { code: err.code, message: err.message } };
        }
      });
    }
    return out;
  }

  private async once(call: SecretProbeCall, ctx: TaskContext<SecretProbeInput>): Promise<unknown> {
    if (!isCapability(call.capability))
      throw TaskError.permanent('BAD_INPUT', `no capability ${call.capability}`);
    const request = { capability: call.capability, operation: call.operation, input: call.input };
    if (call.provider) {
      const o = await this.client.call(call.provider, request, ctx.providerScope());
      return { provider: o.provider, found: o.found };
    }
    const w = await this.client.waterfall(
      call.capability,
      { operation: call.operation, input: call.input },
      undefined,
      ctx.providerScope(),
    );
    return { winner: w.winner?.provider ?? null, steps: w.steps };
  }
}

@Module({ providers: [SecretProbeTask] })
export class SecretProbeTaskModule {}
