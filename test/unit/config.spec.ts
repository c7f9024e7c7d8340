import { AppConfig, ConfigError, loadConfig, maskUrl } from '../../src/common/config/app.config';

const KEY = 'a-key-of-sixteen+chars';

/** The ConfigError loadConfig throws for `env` (fails the test when it does not throw). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives every variable its documented default when the environment is empty', () => {
    const c = loadConfig({});
    expect(c).toBeInstanceOf(AppConfig);
    expect(c).toMatchObject({
      NODE_ENV: 'development',
      ASSAY_ROLE: 'all',
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/assay',
      DATABASE_CREATE: true,
      DATABASE_MIGRATIONS_RUN: true,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'assay',
      ASSAY_API_KEYS: [],
      LOG_LEVEL: 'info',
      HTTP_BODY_LIMIT: '1mb',
      DOCS_ENABLED: true,
      METRICS_ENABLED: true,
      OPS_REQUIRE_API_KEY: false,
      SWEEPS_ENABLED: true,
      TASK_RETENTION_DAYS: 30,
      SWEEP_ORPHAN_AFTER_MS: 120000,
      QUEUE_LOCK_DURATION_MS: 3000,
      QUEUE_STALLED_INTERVAL_MS: 1000,
      QUEUE_MAX_STALLED_COUNT: 100,
      TASK_LEASE_MS: 3000,
      TASK_LEASE_RENEW_MS: 1000,
      ASSAY_AUTH: ['api_key'],
      CALLBACK_PROGRESS: true,
      RESULT_REUSE_MAX_AGE_HOURS: 720,
      WORKER_HEAP_GROWING_PERCENT: 20,
    });
  });

  it('parses numbers, booleans and lists, and treats empty values as unset', () => {
    const c = loadConfig({
      PORT: '8080',
      METRICS_ENABLED: 'false',
      DOCS_ENABLED: '0',
      OPS_REQUIRE_API_KEY: 'YES',
      SWEEPS_ENABLED: 'off',
      ASSAY_API_KEYS: ` ${KEY} , another-key-0123456789 ,`,
      HOST: '',
      SOMETHING_ELSE: 'ignored',
    });
    expect(c.PORT).toBe(8080);
    expect(c.METRICS_ENABLED).toBe(false);
    expect(c.DOCS_ENABLED).toBe(false);
    expect(c.OPS_REQUIRE_API_KEY).toBe(true);
    expect(c.SWEEPS_ENABLED).toBe(false);
    expect(c.ASSAY_API_KEYS).toEqual([KEY, 'another-key-0123456789']);
    expect(c.HOST).toBe('0.0.0.0');
    expect(c).not.toHaveProperty('SOMETHING_ELSE');
  });

  it('lists every invalid variable in one error, once each', () => {
    const err = configError({
      PORT: 'abc',
      ASSAY_ROLE: 'bogus',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'http://localhost:6379',
      DOCS_ENABLED: 'maybe',
      TASK_RETENTION_DAYS: '-1',
    });
    const names = err.problems.map((p) => p.split(/[\s:]/)[0]).sort();
    expect(names).toEqual([
      'ASSAY_ROLE',
      'DATABASE_URL',
      'DOCS_ENABLED',
      'PORT',
      'REDIS_URL',
      'TASK_RETENTION_DAYS',
    ]);
    expect(err.message).toMatch(/^Invalid configuration \(6 problems\)/);
    expect(err.message).toContain('PORT must be an integer number (got "abc")');
    expect(err.message).toContain(
      'ASSAY_ROLE must be one of the following values: all, api, worker',
    );
    expect(err.message).toContain('DATABASE_URL must be a postgres:// URL (got "mysql://x")');
    expect(err.message).toContain('TASK_RETENTION_DAYS must not be less than 0');
    // A non-number is not also reported as "greater than 65535".
    expect(err.message).not.toMatch(/PORT must not be/);
    expect(err.message).toMatch(/See \.env\.example/);
  });

  it('reports range errors of well-typed values', () => {
    const err = configError({
      PORT: '70000',
      QUEUE_LOCK_DURATION_MS: '10',
      WORKER_HEAP_GROWING_PERCENT: '5000',
    });
    expect(err.problems).toEqual([
      expect.stringContaining('PORT must not be greater than 65535 (got "70000")'),
      expect.stringContaining(
        'WORKER_HEAP_GROWING_PERCENT must not be greater than 1000 (got "5000")',
      ),
      expect.stringContaining('QUEUE_LOCK_DURATION_MS must not be less than 500 (got "10")'),
    ]);
    // 0 hands heap sizing back to V8's own heuristic.
    expect(loadConfig({ WORKER_HEAP_GROWING_PERCENT: '0' }).WORKER_HEAP_GROWING_PERCENT).toBe(0);
  });

  it('never echoes a password from an invalid URL', () => {
    const err = configError({ DATABASE_URL: 'mysql://app:hunter2@db:3306/x' });
    expect(err.message).not.toContain('hunter2');
    expect(err.message).toContain('mysql://app:****@db:3306/x');
  });

  it('refuses production without ASSAY_API_KEYS', () => {
    const err = configError({ NODE_ENV: 'production' });
    expect(err.problems).toEqual([
      expect.stringMatching(/ASSAY_API_KEYS is required when NODE_ENV=production/),
    ]);
    expect(loadConfig({ NODE_ENV: 'production', ASSAY_API_KEYS: KEY }).ASSAY_API_KEYS).toEqual([
      KEY,
    ]);
  });

  it('rejects keys shorter than 16 characters, without printing them', () => {
    const err = configError({ ASSAY_API_KEYS: `${KEY},short-key` });
    expect(err.problems).toEqual([expect.stringMatching(/at least 16 characters/)]);
    expect(err.message).not.toContain('short-key');
    expect(loadConfig({ ASSAY_API_KEYS: 'x'.repeat(16) }).ASSAY_API_KEYS).toHaveLength(1);
  });
});

describe('maskUrl', () => {
  it.each([
    ['postgres://assay:s3cret@db:5432/assay', 'postgres://assay:****@db:5432/assay'],
    ['redis://:pa%40ss@cache:6379/2', 'redis://:****@cache:6379/2'],
    ['rediss://default:tok@host:6380', 'rediss://default:****@host:6380'],
  ])('masks the password of %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it('refuses a task lease renewed less than twice per lease (one missed renewal would lose it)', () => {
    const err = configError({ TASK_LEASE_MS: '3000', TASK_LEASE_RENEW_MS: '2000' });
    expect(err.problems).toEqual([
      expect.stringMatching(
        /TASK_LEASE_RENEW_MS \(2000\) must be at most half of TASK_LEASE_MS \(3000\)/,
      ),
    ]);
    expect(loadConfig({ TASK_LEASE_MS: '4000', TASK_LEASE_RENEW_MS: '2000' }).TASK_LEASE_MS).toBe(
      4000,
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(maskUrl('postgres://postgres@127.0.0.1:5432/assay')).toBe(
      'postgres://postgres@127.0.0.1:5432/assay',
    );
  });

  it('prints nothing of a value it cannot parse', () => {
    expect(maskUrl('not a url with secret')).toBe('<unparseable URL>');
  });
});
