import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { loadConfig } from '../../../src/common/config/app.config';
import { ConfigModule } from '../../../src/common/config/config.module';
import { MetricsService } from '../../../src/common/metrics/metrics.service';
import { ApolloModule } from '../../../src/providers/apollo/apollo.module';
import { BuiltinWebModule } from '../../../src/providers/builtin-web/builtin-web.module';
import type { Capability } from '../../../src/providers/core/capabilities';
import { ProviderMetrics } from '../../../src/providers/core/provider-metrics';
import { PROVIDER_MODULE_ORDER } from '../../../src/providers/core/provider-order';
import { ProviderRegistry } from '../../../src/providers/core/provider-registry';
import { stubProvider, StubProvidersModule } from '../support/stub.provider';

/**
 * `fallbackFor`: a provider serves the capabilities it lists only after the other configured
 * providers, whatever the declared order (builtin_web is declared before Apollo, first for
 * web.read on purpose, yet its people.search from a site's team pages comes after the vendors);
 * `WATERFALL_<CAPABILITY>` still decides when set. (Only the registry and the provider modules
 * are booted: no I/O.)
 */
describe('waterfall order with fallbackFor', () => {
  // A second people-data vendor, declared between builtin_web and Apollo.
  const PeopleVendor = stubProvider({ id: 'people_vendor', capabilities: ['people.search'] });
  const declared = [BuiltinWebModule, StubProvidersModule, ApolloModule];

  async function registry(env: Record<string, string>) {
    const all = { APOLLO_API_KEY: 'apollo-test-key', PEOPLE_VENDOR_API_KEY: 'pv-key', ...env };
    const ref = await Test.createTestingModule({
      imports: [
        DiscoveryModule,
        ConfigModule.forRoot(loadConfig(all)),
        BuiltinWebModule,
        StubProvidersModule.with(PeopleVendor),
        ApolloModule,
      ],
      providers: [
        ProviderRegistry,
        ProviderMetrics,
        MetricsService,
        { provide: PROVIDER_MODULE_ORDER, useValue: declared },
      ],
    }).compile();
    await ref.init();
    const reg = ref.get(ProviderRegistry);
    return {
      ids: (c: Capability) => reg.forCapability(c).map((p) => p.meta.id),
      all: () => reg.all().map((p) => p.meta.id),
      close: () => ref.close(),
    };
  }

  it('puts builtin_web after every other people.search provider, keeping their declared order', async () => {
    const r = await registry({});
    try {
      expect(r.all()).toEqual(['builtin_web', 'people_vendor', 'apollo']);
      expect(r.ids('people.search')).toEqual(['people_vendor', 'apollo', 'builtin_web']);
      // Other capabilities keep the declared order: builtin_web still reads pages first.
      expect(r.ids('web.read')).toEqual(['builtin_web']);
      expect(r.ids('company.profile')).toEqual(['apollo']);
    } finally {
      await r.close();
    }
  });

  it('is the only people.search provider without vendor keys', async () => {
    const r = await registry({ APOLLO_ENABLED: 'false', PEOPLE_VENDOR_ENABLED: 'false' });
    try {
      expect(r.ids('people.search')).toEqual(['builtin_web']);
    } finally {
      await r.close();
    }
  });

  it('gives way to WATERFALL_PEOPLE_SEARCH', async () => {
    const r = await registry({ WATERFALL_PEOPLE_SEARCH: 'builtin_web, apollo' });
    try {
      expect(r.ids('people.search')).toEqual(['builtin_web', 'apollo']);
    } finally {
      await r.close();
    }
  });
});
