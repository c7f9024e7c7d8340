import { REDACTED, redactSecrets } from '../../src/common/logging/redact';

describe('redactSecrets', () => {
  it.each([
    'api_key',
    'apiKey',
    'API-KEY',
    'x-api-key',
    'secret',
    'client_secret',
    'token',
    'accessToken',
    'refresh_token',
    'password',
    'db_password',
    'passwd',
    'authorization',
    'Authorization',
    'cookie',
    'signature',
  ])('masks the value of "%s"', (key) => {
    expect(redactSecrets({ [key]: 'sk-live-123456' })).toEqual({ [key]: REDACTED });
  });

  it('masks secrets at any depth, in objects and arrays, whatever the value', () => {
    const input = {
      provider: {
        name: 'acme',
        config: { apiKey: 'sk-1', retries: 3, auth: { password: { nested: 'x' } } },
      },
      calls: [
        { url: 'https://api.acme.test', headers: { Authorization: 'Bearer abc', accept: 'json' } },
        [{ token: 42 }],
      ],
    };
    expect(redactSecrets(input)).toEqual({
      provider: {
        name: 'acme',
        config: { apiKey: REDACTED, retries: 3, auth: { password: REDACTED } },
      },
      calls: [
        { url: 'https://api.acme.test', headers: { Authorization: REDACTED, accept: 'json' } },
        [{ token: REDACTED }],
      ],
    });
  });

  it('leaves other keys and values exactly as they are, without touching the input', () => {
    const input = {
      task_id: 'f2c1',
      author: 'ada',
      count: 3,
      ok: true,
      nothing: null,
      when: new Date('2026-01-01T00:00:00Z'),
      tags: ['a', 'b'],
      body: { domain: 'acme.test', employees: { min: 10, max: 50 } },
      key_id: 'k-1',
      apiKey: 'sk-1',
    };
    const copy = structuredClone(input);
    const out = redactSecrets(input) as typeof input;
    expect(out).toEqual({ ...copy, apiKey: REDACTED });
    expect(out.when).toBe(input.when);
    expect(input).toEqual(copy);
  });

  it('does not claim an absent secret was there', () => {
    expect(redactSecrets({ authorization: undefined, 'x-api-key': null, password: '' })).toEqual({
      authorization: undefined,
      'x-api-key': null,
      password: REDACTED,
    });
  });

  it('keeps a value referenced twice, and cuts real cycles', () => {
    const shared = { region: 'eu' };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactSecrets({ a: shared, b: shared, c: [shared, shared] })).toEqual({
      a: shared,
      b: shared,
      c: [shared, shared],
    });
    expect(redactSecrets(cyclic)).toEqual({ name: 'loop', self: '[…]' });
  });

  it('stops at a bounded depth', () => {
    let deep: Record<string, unknown> = { password: 'p' };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const text = JSON.stringify(redactSecrets(deep));
    expect(text).toContain('[…]');
    expect(text).not.toContain('"p"');
  });

  it('returns primitives unchanged', () => {
    for (const v of ['text', 42, true, null, undefined]) expect(redactSecrets(v)).toBe(v);
  });
});
