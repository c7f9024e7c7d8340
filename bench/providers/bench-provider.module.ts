import { Injectable, Module } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { TaskContext } from '../../src/modules/tasks/engine/task-context';
import { TaskHandler, TaskType } from '../../src/modules/tasks/engine/task-type.decorator';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderRequest,
  ProviderResult,
} from '../../src/providers/core/enrichment-provider';
import { Provider } from '../../src/providers/core/provider.decorator';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError, parseRetryAfter } from '../../src/providers/core/provider-error';

/*
 * What `npm run bench:providers` plugs into the app (createApp(config, [BenchProviderModule])):
 * an adapter for the bench's local vendor stub and a one-stage task type that calls it. Bench
 * code only: the stub vendor is of no use to a user, so it is not a provider of the product.
 */

export const BENCH_PROVIDER_ID = 'benchstub';

interface StubAnswer {
  company?: { domain?: string; legal_name?: string };
}

/** POST `<BENCHSTUB_BASE_URL>/lookup {domain}`: 200 → found, 404 → not found, else an error code. */
@Provider({
  id: BENCH_PROVIDER_ID,
  capabilities: ['company.profile'],
  cost: { perCallUsd: 0.001 },
  rateLimits: { perSecond: 20 },
  cacheTtlSeconds: 3600,
  requiresApiKey: false,
  description: 'Local vendor stub of the providers benchmark',
})
@Injectable()
export class BenchStubProvider extends EnrichmentProvider {
  async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const { domain } = request.input as { domain: string };
    let res: Response;
    try {
      res = await fetch(`${ctx.settings.baseUrl}/lookup`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // When the call left, for the bench's "send → vendor" figure (same clock: one host).
          'x-bench-sent-at': String(performance.timeOrigin + performance.now()),
        },
        body: JSON.stringify({ domain }),
        signal: ctx.signal,
      });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new ProviderError('TEMPORARY', `bench stub unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (res.status === 404) return { found: false, data: null };
    if (!res.ok) {
      throw ProviderError.fromHttp(res.status, `bench stub answered ${res.status}`, {
        retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
      });
    }
    try {
      const body = JSON.parse(text) as StubAnswer;
      return {
        found: true,
        data: { domain: body.company?.domain, name: body.company?.legal_name },
      };
    } catch {
      throw new ProviderError('TEMPORARY', 'bench stub sent invalid JSON');
    }
  }
}

export class BenchLookupInput {
  @IsString()
  @MaxLength(255)
  domain: string;
}

/** One checkpointed stage: a lookup through the full call path, with the task's scope. */
@TaskType({
  name: 'bench_lookup',
  input: BenchLookupInput,
  concurrency: 10,
  maxAttempts: 3,
  description: 'Providers benchmark: one lookup at the local vendor stub',
})
export class BenchLookupTask implements TaskHandler<BenchLookupInput> {
  constructor(private readonly client: ProviderClient) {}

  run(ctx: TaskContext<BenchLookupInput>): Promise<{ found: boolean; cached: boolean }> {
    return ctx.checkpoint('lookup', async () => {
      const o = await this.client.call(
        BENCH_PROVIDER_ID,
        { capability: 'company.profile', operation: 'lookup', input: { domain: ctx.input.domain } },
        ctx.providerScope(),
      );
      return { found: o.found, cached: o.cached };
    });
  }
}

@Module({ providers: [BenchStubProvider, BenchLookupTask] })
export class BenchProviderModule {}
