import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PreparedStatements } from '../database/prepared-statements';
import { ProviderAnswerCache } from './core/provider-answer-cache';
import { ProviderCacheRepository } from './core/provider-cache.repository';
import { ProviderClient } from './core/provider-client';
import { ProviderLedgerRepository } from './core/provider-ledger.repository';
import { ProviderMetrics } from './core/provider-metrics';
import { PROVIDER_MODULE_ORDER } from './core/provider-order';
import { ProviderRegistry } from './core/provider-registry';
import { RateLimiter } from './core/rate-limiter';
import { LlmService } from './llm/llm.service';
import { PROVIDER_MODULES } from './provider-modules';
import { SiteReaderService } from './web/site-reader.service';
import { ProvidersController } from './providers.controller';

/**
 * The provider framework (registry, call path, ledger, LLM helpers, the site reader) plus every
 * provider module.
 */
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
        ProviderAnswerCache,
        ProviderLedgerRepository,
        PreparedStatements,
        ProviderMetrics,
        RateLimiter,
        LlmService,
        SiteReaderService,
      ],
      exports: [
        ProviderRegistry,
        ProviderClient,
        LlmService,
        SiteReaderService,
        ProviderLedgerRepository,
        RateLimiter,
      ],
    };
  }
}
