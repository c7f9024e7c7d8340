import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ProviderCacheRepository } from './core/provider-cache.repository';
import { ProviderClient } from './core/provider-client';
import { ProviderLedgerRepository } from './core/provider-ledger.repository';
import { ProviderMetrics } from './core/provider-metrics';
import { PROVIDER_MODULE_ORDER } from './core/provider-order';
import { ProviderRegistry } from './core/provider-registry';
import { RateLimiter } from './core/rate-limiter';
import { LlmService } from './llm/llm.service';
import { PROVIDER_MODULES } from './provider-modules';
import { ProvidersController } from './providers.controller';

/** The provider framework (registry, call path, ledger, LLM helpers) plus every provider module. */
@Global()
@Module({})
export class ProvidersModule {
  static forRoot(opts: { api: boolean; extraModules?: DynamicModule['imports'] }): DynamicModule {
    return {
      module: ProvidersModule,
      imports: [DiscoveryModule, ...PROVIDER_MODULES, ...(opts.extraModules ?? [])],
      controllers: opts.api ? [ProvidersController] : [],
      providers: [
        {
          provide: PROVIDER_MODULE_ORDER,
          useValue: [...PROVIDER_MODULES, ...(opts.extraModules ?? [])],
        },
        ProviderRegistry,
        ProviderClient,
        ProviderCacheRepository,
        ProviderLedgerRepository,
        ProviderMetrics,
        RateLimiter,
        LlmService,
      ],
      exports: [
        ProviderRegistry,
        ProviderClient,
        LlmService,
        ProviderLedgerRepository,
        RateLimiter,
      ],
    };
  }
}
