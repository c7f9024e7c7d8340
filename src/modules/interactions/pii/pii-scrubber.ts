import { createHmac, randomBytes } from 'node:crypto';
import { detectPii } from './detect';
import { PII_TYPES, type PiiOptions, type PiiType } from './pii.types';

/** Occurrences per type, every type present (0 when none). */
export type PiiCounts = Record<PiiType, number>;

const zeroCounts = (): PiiCounts => Object.fromEntries(PII_TYPES.map((t) => [t, 0])) as PiiCounts;

/**
 * Replaces personal data with typed placeholders (`[EMAIL_1]`, `[PHONE_2]` …). One instance per
 * transcript: a value gets the same placeholder in every `scrub` call of the instance, however it is
 * written (`(415) 555-0132` and `+1 415 555 0132` are one `[PHONE_1]`). The instance keeps no raw
 * value: it recognises a value again by an HMAC of its normal form under a key of its own.
 */
export class PiiScrubber {
  readonly #secret = randomBytes(32);
  readonly #placeholders = new Map<string, string>();
  readonly #next = zeroCounts();
  readonly #counts = zeroCounts();
  readonly #entries: Array<{ type: PiiType; placeholder: string }> = [];

  constructor(private readonly options: PiiOptions = {}) {}

  /** `text` with every value found replaced by its placeholder. */
  scrub(text: string): string {
    let out = '';
    let at = 0;
    for (const m of detectPii(text, this.options)) {
      out += text.slice(at, m.start) + this.#placeholder(m.type, m.key);
      at = m.end;
      this.#counts[m.type]++;
    }
    return out + text.slice(at);
  }

  /** Occurrences replaced so far, per type. */
  counts(): PiiCounts {
    return { ...this.#counts };
  }

  /** The distinct values replaced so far: their type and placeholder, in order of first sight. */
  entries(): Array<{ type: PiiType; placeholder: string }> {
    return this.#entries.map((e) => ({ ...e }));
  }

  #placeholder(type: PiiType, key: string): string {
    const id = createHmac('sha256', this.#secret).update(`${type}\0${key}`).digest('base64');
    let placeholder = this.#placeholders.get(id);
    if (!placeholder) {
      placeholder = `[${type}_${++this.#next[type]}]`;
      this.#placeholders.set(id, placeholder);
      this.#entries.push({ type, placeholder });
    }
    return placeholder;
  }
}

/** One-shot: `text` scrubbed by a fresh PiiScrubber, with the occurrences per type. */
export function scrubPii(
  text: string,
  options: PiiOptions = {},
): { text: string; counts: PiiCounts } {
  const scrubber = new PiiScrubber(options);
  return { text: scrubber.scrub(text), counts: scrubber.counts() };
}
