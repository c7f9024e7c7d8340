import {
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { AuthGuard } from '../common/auth/auth.guard';
import { Caller, Principal } from '../common/auth/principal';
import { ApiAuthenticated, ApiProblem } from '../common/http/api-docs.decorators';
import { ProviderClient } from './core/provider-client';
import { ProviderError } from './core/provider-error';
import { ProviderLedgerRepository, SpendRow } from './core/provider-ledger.repository';
import { BREAKER_STATE_NAMES, ProviderRegistry } from './core/provider-registry';
import type { RateLimits } from './core/enrichment-provider';
import { LimiterState, RateLimiter } from './core/rate-limiter';

class SpendDto {
  @ApiProperty({ example: 12 }) calls: number;
  @ApiProperty({ example: 10 }) paid_calls: number;
  @ApiProperty({ example: 2 }) cache_hits: number;
  @ApiProperty({ example: 0.42 }) cost_usd: number;
}

class ProviderViewDto {
  @ApiProperty({ example: 'openai' }) id: string;
  @ApiProperty({ type: [String], example: ['llm.generate', 'llm.embed'] }) capabilities: string[];
  @ApiProperty({ description: 'Has what it needs to run (API key unless keyless) and is enabled' })
  configured: boolean;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional({ example: 'https://api.openai.com/v1' }) base_url?: string;
  @ApiPropertyOptional({ example: 'gpt-4o-mini' }) model?: string;
  @ApiProperty({ example: 'closed', enum: ['closed', 'open', 'half-open', 'isolated'] })
  breaker: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Declared limits (perSecond, perMinute, perDay), those set only',
    example: { perSecond: 5, perMinute: 500 },
  })
  rate_limits: Record<string, number | undefined>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Shared limiter state (Redis): pause, next slot, calls today',
  })
  limiter: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Operations the vendor counts apart, each with its own limits and limiter state (`rate_limits`, `limiter`)',
    example: {
      'person.enrich': { rate_limits: { perMinute: 5 }, limiter: { interval_ms: 12003 } },
    },
  })
  operation_limits?: Record<string, { rate_limits: RateLimits; limiter: LimiterState }>;
  @ApiProperty({ type: SpendDto, description: 'Since 00:00 UTC today' }) spend_today: SpendDto;
  @ApiProperty({ type: SpendDto, description: 'Last 30 days' }) spend_30d: SpendDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Prices in USD (tokens per million)',
  })
  cost_model: Record<string, unknown>;
}

class SelfTestDto {
  @ApiProperty() provider: string;
  @ApiProperty() ok: boolean;
  @ApiPropertyOptional() found?: boolean;
  @ApiPropertyOptional() latency_ms?: number;
  @ApiPropertyOptional() cost_usd?: number;
  @ApiPropertyOptional() error_code?: string;
  @ApiPropertyOptional() error?: string;
}

function spendOf(rows: SpendRow[], provider: string): SpendDto {
  const r = rows.find((s) => s.provider === provider);
  return r
    ? { calls: r.calls, paid_calls: r.paid_calls, cache_hits: r.cache_hits, cost_usd: r.cost_usd }
    : { calls: 0, paid_calls: 0, cache_hits: 0, cost_usd: 0 };
}

@ApiTags('providers')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/providers')
export class ProvidersController {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly ledger: ProviderLedgerRepository,
    private readonly limiter: RateLimiter,
    private readonly client: ProviderClient,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listProviders',
    summary:
      'Every provider, configured or not, with capabilities, breaker, rate-limit state and spend',
    description: 'Reads state only: no vendor is called.',
  })
  @ApiOkResponse({ type: [ProviderViewDto] })
  async list(@Caller() caller: Principal): Promise<ProviderViewDto[]> {
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    // A tenant sees what its own tasks spent; an operator, everything.
    const tenant = caller.tenant ?? undefined;
    const [spendToday, spend30] = await Promise.all([
      this.ledger.spendSince(today, tenant),
      this.ledger.spendSince(new Date(Date.now() - 30 * 24 * 3600 * 1000), tenant),
    ]);
    const views: ProviderViewDto[] = [];
    for (const p of this.registry.all()) {
      const ops = Object.entries(p.settings.operationRateLimits);
      const operationLimits: ProviderViewDto['operation_limits'] = {};
      for (const [op, limits] of ops) {
        operationLimits[op] = {
          rate_limits: { ...limits },
          limiter: await this.limiter.state(p.meta.id, limits, op),
        };
      }
      views.push({
        id: p.meta.id,
        capabilities: p.meta.capabilities,
        configured: p.settings.configured,
        enabled: p.settings.enabled,
        base_url: p.settings.baseUrl,
        model: p.settings.model,
        breaker: BREAKER_STATE_NAMES[p.breaker.state],
        rate_limits: { ...p.settings.rateLimits },
        limiter: { ...(await this.limiter.state(p.meta.id, p.settings.rateLimits)) },
        ...(ops.length ? { operation_limits: operationLimits } : {}),
        spend_today: spendOf(spendToday, p.meta.id),
        spend_30d: spendOf(spend30, p.meta.id),
        cost_model: { ...p.settings.cost },
      });
    }
    return views.sort((a, b) => a.id.localeCompare(b.id));
  }

  @Post(':id/self-test')
  @ApiOperation({
    operationId: 'selfTestProvider',
    summary: "Run a provider's known-good request through the full call path",
    description:
      'Calls the vendor (it may cost money; cached answers are bypassed) and reports whether it works.',
  })
  @ApiOkResponse({ type: SelfTestDto })
  @ApiProblem(403, 'Operators only (a key not bound to a tenant): the call costs money')
  @ApiProblem(404, 'Unknown provider, or it declares no self-test')
  async selfTest(@Param('id') id: string, @Caller() caller: Principal): Promise<SelfTestDto> {
    if (caller.tenant !== null) {
      throw new ForbiddenException({
        detail: 'Provider self-tests are for operators (a key not bound to a tenant)',
      });
    }
    const p = this.registry.get(id);
    const request = p?.adapter.selfTestRequest?.();
    if (!p || !request)
      throw new NotFoundException({ detail: `No provider "${id}" with a self-test` });
    try {
      const o = await this.client.call(id, request, { bypassCache: true });
      return {
        provider: id,
        ok: true,
        found: o.found,
        latency_ms: Math.round(o.latencyMs),
        cost_usd: o.costUsd,
      };
    } catch (err) {
      const e = err as ProviderError;
      return { provider: id, ok: false, error_code: e.code ?? 'UNKNOWN', error: e.message };
    }
  }
}
