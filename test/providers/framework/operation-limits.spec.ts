import { APOLLO_METADATA } from '../../../src/providers/apollo/apollo.provider';
import type { ProviderMetadata } from '../../../src/providers/core/enrichment-provider';
import {
  providerSettingsProblems,
  rateLimitsFor,
  resolveProviderSettings,
} from '../../../src/providers/core/provider-settings';
import { providerEnvProblems } from '../../../src/providers/provider-modules';

/**
 * Limits of operations a vendor counts apart (ProviderMetadata.operationRateLimits): declared
 * defaults, `<ID>_<OPERATION>_RATE_PER_*` overrides, start-up checks, and which limiter a call of
 * an operation takes its slots from. The shared limiter itself is shown on Redis in
 * test/providers/apollo-limits.int.spec.ts.
 */
describe('per-operation rate limits (settings)', () => {
  const defaults = { timeoutMs: 1000, maxConcurrency: 1 };
  const META: ProviderMetadata = {
    id: 'acme_data',
    capabilities: ['person.enrich'],
    cost: {},
    rateLimits: { perMinute: 60, perDay: 1000 },
    operationRateLimits: { 'person.enrich': { perMinute: 6 }, bulk_lookup: { perSecond: 1 } },
    cacheTtlSeconds: 0,
  };

  it('resolves the declared limits, each window overridable by <ID>_<OPERATION>_RATE_PER_*', () => {
    const declared = resolveProviderSettings(META, {}, defaults);
    expect(declared.rateLimits).toEqual({ perMinute: 60, perDay: 1000 });
    expect(declared.operationRateLimits).toEqual({
      'person.enrich': { perMinute: 6 },
      bulk_lookup: { perSecond: 1 },
    });
    const s = resolveProviderSettings(
      META,
      {
        ACME_DATA_PERSON_ENRICH_RATE_PER_MINUTE: '25',
        ACME_DATA_PERSON_ENRICH_RATE_PER_DAY: '500',
        ACME_DATA_BULK_LOOKUP_RATE_PER_SECOND: '0',
        ACME_DATA_RATE_PER_MINUTE: '120',
      },
      defaults,
    );
    // The provider's own override leaves the operations' alone, and the other way round.
    expect(s.rateLimits).toEqual({ perMinute: 120, perDay: 1000 });
    expect(s.operationRateLimits).toEqual({
      'person.enrich': { perMinute: 25, perDay: 500 },
      bulk_lookup: { perSecond: 0 },
    });
  });

  it('a call of an operation counted apart takes its own limiter; any other, the provider’s', () => {
    const s = resolveProviderSettings(META, {}, defaults);
    expect(rateLimitsFor(s, 'person.enrich')).toEqual({
      operation: 'person.enrich',
      limits: { perMinute: 6 },
    });
    expect(rateLimitsFor(s, 'match')).toEqual({ limits: { perMinute: 60, perDay: 1000 } });
    // A provider that declares none: every operation shares the provider's limiter.
    const plain = resolveProviderSettings(
      { ...META, operationRateLimits: undefined },
      {},
      defaults,
    );
    expect(plain.operationRateLimits).toEqual({});
    expect(rateLimitsFor(plain, 'person.enrich')).toEqual({
      limits: { perMinute: 60, perDay: 1000 },
    });
  });

  it('refuses an invalid operation limit, at boot as for every <ID>_* setting', () => {
    const env = {
      ACME_DATA_PERSON_ENRICH_RATE_PER_MINUTE: 'fast',
      ACME_DATA_BULK_LOOKUP_RATE_PER_DAY: '-1',
    };
    expect(providerSettingsProblems('acme_data', env, ['person.enrich', 'bulk_lookup'])).toEqual([
      expect.stringMatching(
        /^ACME_DATA_PERSON_ENRICH_RATE_PER_MINUTE must be a number ≥ 0.*"fast"/,
      ),
      expect.stringMatching(/^ACME_DATA_BULK_LOOKUP_RATE_PER_DAY must be a number ≥ 0.*"-1"/),
    ]);
    expect(() => resolveProviderSettings(META, env, defaults)).toThrow(
      /ACME_DATA_PERSON_ENRICH_RATE_PER_MINUTE/,
    );
  });

  it('start-up names an operation limit of an operation that is not counted apart', () => {
    expect(
      providerEnvProblems({
        // Apollo's bulk endpoint is its operation person.enrich.
        APOLLO_BULK_MATCH_RATE_PER_MINUTE: '25',
        APOLLO_PERSON_ENRICH_RATE_PER_MINUTE: 'x',
        // Valid: an operation of Apollo, Apollo itself, and jina_search's own (not jina's).
        APOLLO_PEOPLE_SEARCH_RATE_PER_DAY: '1000',
        APOLLO_RATE_PER_MINUTE: '100',
        JINA_SEARCH_RATE_PER_MINUTE: '50',
      }),
    ).toEqual([
      expect.stringMatching(/^APOLLO_PERSON_ENRICH_RATE_PER_MINUTE must be a number ≥ 0/),
      'APOLLO_BULK_MATCH_RATE_PER_MINUTE names no operation of apollo with limits of its own ' +
        '(use APOLLO_PEOPLE_SEARCH_RATE_PER_*, APOLLO_PERSON_ENRICH_RATE_PER_*)',
    ]);
  });

  it('Apollo declares its bulk endpoint at a tenth of the per-minute limit', () => {
    const s = resolveProviderSettings(APOLLO_METADATA, { APOLLO_API_KEY: 'k' }, defaults);
    expect(rateLimitsFor(s, 'person.enrich').limits).toEqual({ perMinute: 5, perDay: 300 });
    expect(rateLimitsFor(s, 'company.profile').limits).toEqual({ perMinute: 50, perDay: 300 });
  });
});
