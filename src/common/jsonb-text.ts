/**
 * A value as the JSON text of a jsonb parameter. PostgreSQL's jsonb cannot hold U+0000 nor a
 * lone UTF-16 surrogate (it rejects `\u0000` and an unpaired `\ud800` escape), so a vendor
 * answer or page text carrying one would fail the statement that stores it — a task's result or
 * checkpoint, a cached answer. NUL characters are dropped and lone surrogates become U+FFFD, in
 * strings and keys; everything else is JSON.stringify's text. The common case costs two
 * substring searches.
 */
export function jsonbText(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON.stringify writes a NUL as `\u0000` and a lone surrogate as `\udXXX` (a paired one stays
  // a character). An escaped backslash before such letters also matches: harmless, the slow path
  // only changes real NUL characters and lone surrogates.
  if (text === undefined || (!text.includes('\\u0000') && !text.includes('\\ud'))) return text;
  return JSON.stringify(storable(value));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const clean = (s: string): string => s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');

function storable(value: unknown): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') {
    const own = value as { toJSON?: () => unknown };
    if (typeof own.toJSON === 'function') return storable(own.toJSON());
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), storable(v)]));
  }
  return value;
}
