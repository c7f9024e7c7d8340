import { ConfigError, loadConfig } from '../../src/common/config/app.config';

const KEY = 'a-key-of-sixteen+chars';
const OIDC = {
  ASSAY_AUTH: 'oidc',
  OIDC_AUDIENCES: 'https://assay.example.com',
  OIDC_ALLOWED_EMAILS: 'caller@project.iam.gserviceaccount.com',
};

/** The problems loadConfig reports for `env` (fails the test when it accepts it). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('ASSAY_AUTH and OIDC_* configuration', () => {
  it('defaults to api_key with Google as the OIDC issuer', () => {
    const c = loadConfig({});
    expect(c.ASSAY_AUTH).toEqual(['api_key']);
    expect(c.OIDC_JWKS_URL).toBe('https://www.googleapis.com/oauth2/v3/certs');
    expect(c.OIDC_ISSUERS).toEqual(['https://accounts.google.com', 'accounts.google.com']);
    expect(c).toMatchObject({
      OIDC_CLOCK_TOLERANCE_SECONDS: 30,
      OIDC_JWKS_CACHE_MS: 600000,
      OIDC_JWKS_COOLDOWN_MS: 30000,
    });
  });

  it('accepts combined modes', () => {
    const c = loadConfig({ ...OIDC, ASSAY_AUTH: 'api_key, oidc', ASSAY_API_KEYS: KEY });
    expect(c.ASSAY_AUTH).toEqual(['api_key', 'oidc']);
  });

  it('refuses an unknown mode', () => {
    expect(problems({ ASSAY_AUTH: 'api_key,password' })).toEqual([
      expect.stringMatching(/ASSAY_AUTH must list api_key, oidc and\/or none/),
    ]);
  });

  it('refuses none when NODE_ENV=production, even on loopback', () => {
    const p = problems({
      ASSAY_AUTH: 'none',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
    });
    expect(p).toEqual([
      expect.stringMatching(/ASSAY_AUTH=none is refused when NODE_ENV=production/),
    ]);
  });

  it('refuses none on a non-loopback HOST (the default 0.0.0.0 too), accepts it on loopback', () => {
    expect(problems({ ASSAY_AUTH: 'none', HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/refused on HOST=0\.0\.0\.0: set HOST=127\.0\.0\.1/),
    ]);
    expect(problems({ ASSAY_AUTH: 'api_key,none' })).toEqual([
      expect.stringMatching(/refused on HOST=0\.0\.0\.0/),
    ]);
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      expect(loadConfig({ ASSAY_AUTH: 'none', HOST: host }).ASSAY_AUTH).toEqual(['none']);
    }
  });

  it('refuses oidc without audiences or without any allow-list', () => {
    expect(problems({ ...OIDC, OIDC_AUDIENCES: '' })).toEqual([
      expect.stringMatching(/^OIDC_AUDIENCES is required with ASSAY_AUTH=oidc/),
    ]);
    expect(problems({ ...OIDC, OIDC_ALLOWED_EMAILS: '' })).toEqual([
      expect.stringMatching(/needs OIDC_ALLOWED_EMAILS or OIDC_ALLOWED_SUBJECTS/),
    ]);
    expect(
      loadConfig({ ...OIDC, OIDC_ALLOWED_EMAILS: '', OIDC_ALLOWED_SUBJECTS: '1234' }),
    ).toBeTruthy();
  });

  it('refuses a JWKS URL that is not http(s) and a bad tenant in an allow-list', () => {
    expect(problems({ ...OIDC, OIDC_JWKS_URL: 'file:///etc/keys.json' })).toEqual([
      expect.stringMatching(/OIDC_JWKS_URL must be an http\(s\) URL/),
    ]);
    expect(problems({ ...OIDC, OIDC_ALLOWED_EMAILS: 'a@example.com:acme corp' })).toEqual([
      expect.stringMatching(/OIDC_ALLOWED_EMAILS: entry 1 names tenant/),
    ]);
  });

  it('needs an https JWKS URL in production', () => {
    expect(
      problems({ ...OIDC, NODE_ENV: 'production', OIDC_JWKS_URL: 'http://keys.example.com/certs' }),
    ).toEqual([expect.stringMatching(/OIDC_JWKS_URL must use https when NODE_ENV=production/)]);
    expect(loadConfig({ ...OIDC, OIDC_JWKS_URL: 'http://127.0.0.1:8080/certs' })).toBeTruthy();
  });

  it('needs ASSAY_API_KEYS in production only when api_key is on', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/ASSAY_API_KEYS is required when NODE_ENV=production/),
    ]);
    expect(loadConfig({ ...OIDC, NODE_ENV: 'production' }).ASSAY_AUTH).toEqual(['oidc']);
  });
});
