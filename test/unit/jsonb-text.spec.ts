import { jsonbText } from '../../src/common/jsonb-text';

/** jsonbText: JSON text PostgreSQL's jsonb accepts, whatever strings a vendor or a page sent. */
describe('jsonbText', () => {
  it('is JSON.stringify for ordinary values (also an escaped backslash before "u0000")', () => {
    for (const v of [
      null,
      0,
      'plain',
      { a: [1, 'two', { three: true }], é: '😀' },
      { path: 'C:\\u0000dir', note: 'back\\ud800slash' },
      new Date('2026-12-02T00:00:00Z'),
    ]) {
      expect(jsonbText(v)).toBe(JSON.stringify(v));
    }
    expect(jsonbText(undefined)).toBeUndefined();
  });

  it('drops NUL characters and replaces lone surrogates in strings and keys, at any depth', () => {
    const text = jsonbText({
      name: 'Ac\u0000me',
      ['k\u0000ey']: [{ deep: 'x\u0000\u0000y' }],
      broken: 'a\ud800b',
      tail: 'c\udc00',
      pair: '😀',
      at: new Date('2026-12-02T00:00:00Z'),
    });
    expect(text).not.toContain('\\u0000');
    expect(JSON.parse(text)).toEqual({
      name: 'Acme',
      key: [{ deep: 'xy' }],
      broken: 'a\ufffdb',
      tail: 'c\ufffd',
      pair: '😀',
      at: '2026-12-02T00:00:00.000Z',
    });
  });
});
