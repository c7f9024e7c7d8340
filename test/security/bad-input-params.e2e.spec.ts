import { useBadInputApp } from './bad-input-harness';

/**
 * Bad path and query parameters, generated from the app's own OpenAPI document: every route's path
 * parameters and every GET route's query parameters (and an unknown one) get NUL and lone
 * surrogates.
 */
describe('bad input: never a 5xx, never stored (generated from the OpenAPI document)', () => {
  const { failures, send, counts, check, resolve, fill, operations } = useBadInputApp();

  it('answers a path parameter with NUL (400 naming it) or a lone surrogate (400/404) on every route', async () => {
    const before = await counts();
    let sent = 0;
    for (const [method, template, op] of operations()) {
      const params = (op.parameters ?? []).map((x) => resolve(x)).filter((p) => p.in === 'path');
      for (const p of params) {
        const cases: Array<[string, { status: number | number[]; fields?: string[] }]> = [
          ['a%00b', { status: 400, fields: [p.name] }],
          ['%00', { status: 400, fields: [p.name] }],
          ['a%ED%A0%80b', { status: [400, 404] }],
          ['%ED%B0%80', { status: [400, 404] }],
        ];
        for (const [bad, want] of cases) {
          let url = template.replace(`{${p.name}}`, bad);
          for (const other of params) url = url.replace(`{${other.name}}`, 'diagnostic');
          const res = await send(method, url);
          check(`${method} ${url}`, res, want);
          sent++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(20);
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('answers a query value with NUL or a lone surrogate with a 400 naming it on every GET route', async () => {
    const before = await counts();
    let sent = 0;
    for (const [method, template, op] of operations()) {
      if (method !== 'GET') continue;
      const url = fill(template, op)[0];
      const names = (op.parameters ?? [])
        .map((x) => resolve(x))
        .filter((p) => p.in === 'query')
        .map((p) => p.name);
      for (const name of [...names, 'unknown_param']) {
        for (const bad of ['a%00b', '%00', 'a%ED%A0%80b', '%ED%B0%80', '%F0%9F%98']) {
          const res = await send(method, `${url}?${name}=${bad}`);
          check(`${method} ${url}?${name}=${bad}`, res, { status: 400, fields: [name] });
          sent++;
        }
      }
      const res = await send(method, `${url}?a%00b=1`);
      check(`${method} ${url}?a%00b=1`, res, { status: 400, fields: ['["a\\u0000b"]'] });
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(20);
    expect(await counts()).toEqual(before);
  }, 120_000);
});
