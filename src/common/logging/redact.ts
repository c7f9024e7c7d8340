/** Keys whose values never reach a log line, whatever their nesting. */
// `token` but not token counts (`prompt_tokens`, `token_count`) or tokenizers.
const SECRET_KEY =
  /(authorization|api[_-]?key|secret|token(?!s|_?count|izer)|password|passwd|cookie|signature)/i;

export const REDACTED = '[REDACTED]';

/**
 * Deep copy with every secret-looking key's value replaced (bounded depth, cycles cut). An absent
 * secret (null/undefined) stays absent, so a log line never claims a header that was not sent.
 */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  // `seen` holds the ancestors only: an object referenced twice side by side is no cycle.
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) && v != null ? REDACTED : redactSecrets(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
