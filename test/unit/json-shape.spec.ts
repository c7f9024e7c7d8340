import {
  findShapeProblems,
  joinPath,
  shapeProblems,
  STRUCTURE_LIMITS,
  textProblem,
  UNKNOWN_KEY_LIMITS,
} from '../../src/common/http/json-shape';

/** `{a:{a:…}}` or `[[…]]` nested `levels` deep, built without recursion. */
function nested(levels: number, kind: 'object' | 'array'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

const fields = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('json-shape', () => {
  it('accepts ordinary JSON, emoji (surrogate pairs) and non-Latin text included', () => {
    const body = {
      account_id: 'acct_42',
      name: 'Café 😀 東京',
      stages: ['read', 'write'],
      meta: { n: 1, ok: true, none: null, deep: nested(30, 'object') },
    };
    expect(shapeProblems(body, STRUCTURE_LIMITS)).toEqual([]);
  });

  it('names a NUL in a value and in a key, at any depth', () => {
    const problems = shapeProblems(
      { a: { b: ['ok', 'x\u0000y'] }, 'k\u0000ey': 1 },
      STRUCTURE_LIMITS,
    );
    // An object's keys are checked before its values are walked.
    expect(fields(problems)).toEqual(['["k\\u0000ey"]', 'a.b[1]']);
    expect(problems[0].message).toMatch(/^key .*NUL/);
    expect(problems[1].message).toMatch(/NUL/);
  });

  it('names lone surrogates (high or low, in values and keys) but not valid pairs', () => {
    expect(textProblem('\ud800')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('a\udc00b')).toMatch(/lone UTF-16 surrogate/);
    expect(textProblem('\ud83d\ude00')).toBeNull();
    expect(fields(shapeProblems({ x: '\ud800', ['\udfff']: 1 }, STRUCTURE_LIMITS))).toEqual([
      '["\\udfff"]',
      'x',
    ]);
  });

  it('refuses prototype keys anywhere', () => {
    const body = JSON.parse('{"__proto__":{"admin":true},"a":[{"constructor":1}],"prototype":2}');
    const problems = shapeProblems(body, STRUCTURE_LIMITS);
    expect(fields(problems)).toEqual(['__proto__', 'prototype', 'a[0].constructor']);
    expect(problems[0].message).toMatch(/not allowed as a key/);
  });

  it('refuses nesting past the limit at the path where it got too deep, iteratively', () => {
    expect(shapeProblems(nested(32, 'array'), STRUCTURE_LIMITS)).toEqual([]);
    const tooDeep = shapeProblems(nested(33, 'array'), STRUCTURE_LIMITS);
    expect(fields(tooDeep)).toEqual(['[0]'.repeat(32)]);
    expect(tooDeep[0].message).toMatch(/more than 32 levels/);
    // 100,000 levels: no stack overflow, one problem.
    const deep = shapeProblems({ x: nested(100_000, 'object') }, STRUCTURE_LIMITS, 'body');
    expect(deep).toHaveLength(1);
    expect(deep[0].field).toBe(`body.x${'.a'.repeat(31)}`);
  });

  it('bounds undeclared values: string, array, key count, total text and depth', () => {
    const L = UNKNOWN_KEY_LIMITS;
    const problems = findShapeProblems(
      [
        ['junk', 'x'.repeat(L.maxStringLength! + 1)],
        ['list', Array.from({ length: L.maxArrayLength! + 1 }, () => 0)],
        ['obj', Object.fromEntries(Array.from({ length: L.maxKeys! + 1 }, (_, i) => [`k${i}`, i]))],
        ['deep', nested(L.maxDepth + 1, 'object')],
        ['ok', { request_id: 'r-1', batch_metadata: { batch_number: 1 } }],
      ],
      L,
    );
    expect(fields(problems)).toEqual(['junk', 'list', 'obj', `deep${'.a'.repeat(L.maxDepth)}`]);
    const total = findShapeProblems(
      [
        ['a', 'x'.repeat(L.maxStringLength!)],
        ['b', 'x'.repeat(L.maxStringLength!)],
        ['c', 'x'.repeat(10)],
      ],
      L,
    );
    expect(total).toEqual([{ field: 'c', message: expect.stringMatching(/too much text/) }]);
  });

  it('stops after 20 problems', () => {
    const many = Array.from({ length: 1000 }, () => 'bad\u0000');
    expect(shapeProblems(many, STRUCTURE_LIMITS)).toHaveLength(20);
  });

  it('writes paths as class-validator errors are named', () => {
    expect(joinPath('', 'a')).toBe('a');
    expect(joinPath('a', 'b')).toBe('a.b');
    expect(joinPath('a', 3)).toBe('a[3]');
    expect(joinPath('a', 'x.y')).toBe('a["x.y"]');
    expect(joinPath('', '')).toBe('[""]');
    expect(joinPath('a', 'caf\u00e9 \ud83d\ude00')).toBe('a.caf\u00e9 \ud83d\ude00');
    expect(joinPath('a', 'tab\there')).toBe('a["tab\\there"]');
  });
});
