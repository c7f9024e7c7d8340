import { fixture } from './vendor-stub';

/** When test/fixtures/builtwith/domain-acme.json was recorded. */
const RECORDED_AT = Date.parse('2025-01-01T00:00:00Z');

/**
 * BuiltWith's recorded answer (domain-acme.json) replayed as of now: its dates keep their age, so
 * "detected last month" stays last month whenever the test runs.
 */
export function builtWithAnswer() {
  const delta = Date.now() - RECORDED_AT;
  const shift = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(shift)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k,
              /^(FirstDetected|LastDetected|FirstIndexed|LastIndexed|D)$/.test(k) &&
              typeof x === 'number' &&
              x > 0
                ? x + delta
                : shift(x),
            ]),
          )
        : v;
  return shift(fixture('builtwith', 'domain-acme'));
}
