import { Injectable, Scope, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AppConfig, loadConfig } from '../../../src/common/config/app.config';
import { MetricsService } from '../../../src/common/metrics/metrics.service';
import { ProviderMetadata } from '../../../src/providers/core/enrichment-provider';
import { Provider } from '../../../src/providers/core/provider.decorator';
import { ProviderMetrics } from '../../../src/providers/core/provider-metrics';
import { ProviderRegistry } from '../../../src/providers/core/provider-registry';
import { stubProvider, StubVendorProvider } from '../support/stub.provider';

/**
 * The registry discovers @Provider classes once at boot and refuses to start, with a message that
 * says what to fix, on a duplicate id, a class that is not an EnrichmentProvider, missing metadata
 * or a request-scoped provider. (Only the registry and its collaborators are booted: no I/O.)
 */
describe('provider registry at boot', () => {
  const meta: ProviderMetadata = {
    id: 'boot_ok',
    capabilities: ['company.profile'],
    cost: { perCallUsd: 0.02 },
    rateLimits: { perSecond: 5 },
    cacheTtlSeconds: 60,
  };

  async function boot(providers: Type<unknown>[], env: Record<string, string> = {}) {
    const ref = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [
        ProviderRegistry,
        ProviderMetrics,
        MetricsService,
        { provide: AppConfig, useValue: loadConfig(env) },
        ...providers,
      ],
    }).compile();
    try {
      await ref.init();
      return { registry: ref.get(ProviderRegistry), close: () => ref.close() };
    } catch (err) {
      await ref.close();
      throw err;
    }
  }

  it('registers a valid provider with settings resolved from <ID>_* variables', async () => {
    const { registry, close } = await boot([stubProvider(meta)], {
      BOOT_OK_API_KEY: 'k-123',
      BOOT_OK_BASE_URL: 'http://127.0.0.1:9/v2/',
      BOOT_OK_RATE_PER_SECOND: '7',
      BOOT_OK_PRICES: '{"perCallUsd":0.05}',
      BOOT_OK_TIMEOUT_MS: '1234',
    });
    try {
      const p = registry.get('boot_ok')!;
      expect(p.adapter).toBeInstanceOf(StubVendorProvider);
      expect(p.settings).toMatchObject({
        configured: true,
        apiKey: 'k-123',
        baseUrl: 'http://127.0.0.1:9/v2',
        timeoutMs: 1234,
        rateLimits: { perSecond: 7 },
        cost: { perCallUsd: 0.05 },
      });
      expect(registry.forCapability('company.profile').map((x) => x.meta.id)).toEqual(['boot_ok']);
    } finally {
      await close();
    }
  });

  it('refuses a duplicate id, naming both classes', async () => {
    @Provider({ ...meta, id: 'dup' })
    @Injectable()
    class FirstDup extends StubVendorProvider {}
    @Provider({ ...meta, id: 'dup' })
    @Injectable()
    class SecondDup extends StubVendorProvider {}
    await expect(boot([FirstDup, SecondDup])).rejects.toThrow(
      /Provider id "dup" is declared twice \((FirstDup and SecondDup|SecondDup and FirstDup)\)\. Provider ids are unique: rename one\./,
    );
  });

  it('refuses a class that does not extend EnrichmentProvider', async () => {
    @Provider(meta)
    @Injectable()
    class NotAProvider {
      async call() {
        return { found: false, data: null };
      }
    }
    await expect(boot([NotAProvider])).rejects.toThrow(
      /Provider "boot_ok" \(NotAProvider\) must extend EnrichmentProvider/,
    );
  });

  it('refuses missing metadata: no id, no capabilities, no cost/limits/TTL', async () => {
    @Provider(undefined as unknown as ProviderMetadata)
    @Injectable()
    class Bare extends StubVendorProvider {}
    await expect(boot([Bare])).rejects.toThrow(
      /Provider Bare needs an id.*Declare @Provider\(\{ id,/,
    );

    const noCaps = stubProvider({ ...meta, id: 'no_caps', capabilities: [] });
    await expect(boot([noCaps])).rejects.toThrow(/"no_caps" .* declares no capabilities/);

    const unknownCap = stubProvider({
      ...meta,
      id: 'odd_cap',
      capabilities: ['crystal.ball' as never],
    });
    await expect(boot([unknownCap])).rejects.toThrow(/unknown capabilities: crystal.ball/);

    const noCost = stubProvider({ ...meta, id: 'no_cost', cost: undefined });
    await expect(boot([noCost])).rejects.toThrow(
      /"no_cost" .* is missing cost, rateLimits or cacheTtlSeconds/,
    );
  });

  it('refuses a request-scoped provider', async () => {
    @Provider({ ...meta, id: 'per_request' })
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest extends StubVendorProvider {}
    await expect(boot([PerRequest])).rejects.toThrow(
      /Provider "per_request" \(PerRequest\) must be a singleton/,
    );
  });

  it('refuses invalid <ID>_PRICES with the expected shape in the message', async () => {
    await expect(boot([stubProvider(meta)], { BOOT_OK_PRICES: '{perCall: 1}' })).rejects.toThrow(
      /BOOT_OK_PRICES must be JSON like/,
    );
  });
});
