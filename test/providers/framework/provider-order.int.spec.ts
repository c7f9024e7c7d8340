import { ProviderRegistry } from '../../../src/providers/core/provider-registry';
import { declaredProviderIds, providerEnvProblems } from '../../../src/providers/provider-modules';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * The registry lists providers in their declared order (PROVIDER_MODULES: the default waterfall
 * order), whatever order Nest instantiates them in, and refuses invalid `<ID>_*` values.
 */
describe('provider order and settings', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Jina configured, so that web.read has two providers whose order is the declared one.
    t = await startTestApp({ JINA_API_KEY: 'jina-test-key-0123456789' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists providers in the declared module order, providers with constructor dependencies included', () => {
    const ids = t.app
      .get(ProviderRegistry)
      .all()
      .map((p) => p.meta.id);
    expect(ids).toEqual(declaredProviderIds());
    // builtin_web injects a DNS resolver: Nest instantiates it late, the declared order wins.
    expect(ids.indexOf('builtin_web')).toBeLessThan(ids.indexOf('jina'));
    expect(
      t.app
        .get(ProviderRegistry)
        .forCapability('web.read')
        .map((p) => p.meta.id),
    ).toEqual(['builtin_web', 'jina']);
  });

  it('reads the declared ids from the modules without booting', () => {
    expect(declaredProviderIds()).toEqual([
      'gemini',
      'openai',
      'perplexity',
      'builtin_web',
      'jina',
      'jina_search',
      'builtwith',
      'brightdata',
      'enrichlayer',
      'proxycurl',
      'apollo',
      'builtin_smtp',
      'hunter',
      'deepgram',
      'openai_transcribe',
    ]);
  });

  it('names every invalid <ID>_* value instead of replacing it by the default', () => {
    expect(
      providerEnvProblems({
        APOLLO_TIMEOUT_MS: '30s',
        APOLLO_ENABLED: 'flase',
        GEMINI_RATE_PER_MINUTE: '-3',
        OPENAI_MAX_CONCURRENCY: '2.5',
        JINA_CACHE_TTL_SECONDS: 'a day',
        BUILTWITH_PRICES: '{not json',
        PERPLEXITY_BASE_URL: 'api.perplexity.ai',
        // Valid ones say nothing.
        BRIGHTDATA_TIMEOUT_MS: '45000',
        APOLLO_RATE_PER_SECOND: '1.5',
        GEMINI_ENABLED: 'off',
      }),
    ).toEqual([
      expect.stringMatching(/^GEMINI_RATE_PER_MINUTE must be a number ≥ 0 .*"-3"/),
      expect.stringMatching(/^OPENAI_MAX_CONCURRENCY must be a whole number ≥ 1 .*"2.5"/),
      expect.stringMatching(/^PERPLEXITY_BASE_URL must be an http\(s\) URL/),
      expect.stringMatching(/^JINA_CACHE_TTL_SECONDS must be a whole number of seconds/),
      expect.stringMatching(/^BUILTWITH_PRICES must be JSON/),
      expect.stringMatching(/^APOLLO_TIMEOUT_MS must be a whole number of milliseconds.*"30s"/),
      expect.stringMatching(/^APOLLO_ENABLED must be true or false.*"flase"/),
    ]);
  });

  it('refuses to boot on an invalid provider setting, naming all of them in one error', async () => {
    await expect(
      startTestApp({ APOLLO_TIMEOUT_MS: '30s', APOLLO_ENABLED: 'flase' }),
    ).rejects.toThrow(
      /Invalid provider settings \(2\)[\s\S]*APOLLO_TIMEOUT_MS[\s\S]*APOLLO_ENABLED/,
    );
  });
});
