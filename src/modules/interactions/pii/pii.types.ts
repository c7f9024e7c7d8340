import type { CountryCode } from 'libphonenumber-js';

/** The kinds of personal data the scrubber finds. */
export type PiiType = 'EMAIL' | 'PHONE' | 'SSN' | 'CARD' | 'IBAN' | 'IP';

/**
 * Every type, in the order overlaps are settled: when two candidates overlap, the one whose type
 * comes first wins (then the longer one). A card or an SSN is thus never read as a phone number,
 * and digits inside an email address or an IBAN are never read as anything else.
 */
export const PII_TYPES: readonly PiiType[] = ['EMAIL', 'IBAN', 'CARD', 'SSN', 'IP', 'PHONE'];

/** A validated find: `text.slice(start, end)` is the value as written, `key` its normal form. */
export interface PiiMatch {
  type: PiiType;
  start: number;
  end: number;
  /**
   * The value in one spelling, so that two ways of writing it are one value: an email address
   * lower-cased, a phone number in E.164, card/SSN digits only, an IBAN upper-case without spaces,
   * an IP address in ipaddr.js's normal form.
   */
  key: string;
}

export interface PiiOptions {
  /** Region for phone numbers written without a country code (default `US`). */
  defaultRegion?: CountryCode;
  /** Types to look for (default: all). */
  types?: readonly PiiType[];
}
