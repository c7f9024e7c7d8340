import { lookupDomain } from '../company/company-input';
import { ProviderError } from '../core/provider-error';
import type { EmailDomainSearchInput, EmailFindInput } from '../email/email.types';

/** Hunter's cap of `limit` on domain-search (plan-capped below it). */
export const HUNTER_MAX_DOMAIN_SEARCH_LIMIT = 100;
/** Hunter's default page of a domain search. */
export const HUNTER_DEFAULT_DOMAIN_SEARCH_LIMIT = 10;
/** Addresses one email.verify call takes (EmailVerifyInput: 1–50). */
export const HUNTER_MAX_VERIFY_EMAILS = 50;

export const HUNTER_SENIORITIES = ['junior', 'senior', 'executive'] as const;
export const HUNTER_DEPARTMENTS = [
  'executive',
  'it',
  'finance',
  'management',
  'sales',
  'legal',
  'support',
  'hr',
  'marketing',
  'communication',
  'education',
  'design',
  'health',
  'operations',
] as const;

const bad = (message: string) => new ProviderError('BAD_INPUT', message, { retryable: false });
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** `domain` (bare, validated) or `company`: one is needed; Hunter prefers the domain. */
function target(input: EmailFindInput | undefined, what: string): Record<string, string> {
  if (text(input?.domain)) return { domain: lookupDomain({ domain: input!.domain }, 'hunter') };
  const company = text(input?.company);
  if (company) return { company };
  throw bad(`hunter ${what} needs a \`domain\` (e.g. "acme.com") or a \`company\` name`);
}

const query = (params: Record<string, string | undefined>): string =>
  new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();

/**
 * `GET /email-finder`: `domain` or `company`, plus `first_name` + `last_name` or `full_name`.
 * Refused before any call (no credit spent) without them.
 */
export function finderQuery(input: EmailFindInput | undefined): string {
  const where = target(input, 'email-finder');
  const first = text(input?.first_name);
  const last = text(input?.last_name);
  const full = text(input?.full_name);
  if (!(first && last) && !full) {
    throw bad('hunter email-finder needs `first_name` and `last_name`, or `full_name`');
  }
  return query({
    ...where,
    ...(first && last ? { first_name: first, last_name: last } : { full_name: full }),
  });
}

function list(
  values: unknown,
  allowed: readonly string[],
  name: 'seniority' | 'department',
): string | undefined {
  if (values === undefined || values === null) return undefined;
  const items = (Array.isArray(values) ? values : [values]).map((v) =>
    String(v).trim().toLowerCase(),
  );
  const unknown = items.filter((v) => !allowed.includes(v));
  if (unknown.length) {
    throw bad(
      `hunter domain-search: unknown ${name} "${unknown.join(', ')}" (${allowed.join(', ')})`,
    );
  }
  return items.length ? items.join(',') : undefined;
}

function whole(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(`hunter domain-search: \`${name}\` must be a whole number ${min}–${max}`);
  }
  return v;
}

/** The page size a domain search asks for (Hunter's default 10, at most 100). */
export const domainSearchLimit = (input: EmailFindInput | undefined): number =>
  whole(input?.limit, 'limit', 1, HUNTER_MAX_DOMAIN_SEARCH_LIMIT) ??
  HUNTER_DEFAULT_DOMAIN_SEARCH_LIMIT;

/** `GET /domain-search`: `domain` or `company`, `type`, `seniority`, `department`, `limit`, `offset`. */
export function domainSearchQuery(input: EmailDomainSearchInput | undefined): string {
  const where = target(input, 'domain-search');
  const type = input?.type;
  if (type !== undefined && type !== 'personal' && type !== 'generic') {
    throw bad('hunter domain-search: `type` is "personal" or "generic"');
  }
  const offset = whole(input?.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
  return query({
    ...where,
    type,
    seniority: list(input?.seniority, HUNTER_SENIORITIES, 'seniority'),
    department: list(input?.department, HUNTER_DEPARTMENTS, 'department'),
    limit: String(domainSearchLimit(input)),
    offset: offset === undefined ? undefined : String(offset),
  });
}

/**
 * The addresses of an email.verify call: 1–50 strings. One that is not an address is answered
 * `undeliverable` + `invalid_syntax` without asking Hunter (positional answers, see the provider).
 */
export function verifyEmails(input: { emails?: unknown } | undefined): string[] {
  const emails = input?.emails;
  if (
    !Array.isArray(emails) ||
    emails.length === 0 ||
    emails.length > HUNTER_MAX_VERIFY_EMAILS ||
    !emails.every((e) => typeof e === 'string')
  ) {
    throw bad(`hunter email.verify needs \`emails\`: 1–${HUNTER_MAX_VERIFY_EMAILS} addresses`);
  }
  return emails as string[];
}
