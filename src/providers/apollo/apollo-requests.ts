import type { CompanySearchInput } from '../company/company.types';
import { lookupDomain } from '../company/company-input';
import { ProviderError } from '../core/provider-error';
import type {
  PeopleSearchInput,
  PersonEnrichInput,
  PersonLookupInput,
} from '../person/person.types';

/*
 * Our canonical inputs → Apollo's JSON bodies (VENDORS.md §1 "Key request parameters"). Every
 * refusal happens here, before a request (and a credit) is spent on it.
 */

/** Apollo's `person_seniorities[]` values. */
export const APOLLO_SENIORITIES = [
  'owner',
  'founder',
  'c_suite',
  'partner',
  'vp',
  'head',
  'director',
  'manager',
  'senior',
  'entry',
  'intern',
] as const;

/** `per_page` is 1–100; Apollo shows at most 50,000 records of one query (100 × 500 pages). */
export const APOLLO_MAX_PER_PAGE = 100;
const APOLLO_MAX_RECORDS = 50_000;
/** `people/bulk_match` takes at most 10 `details` (more is a 422). */
export const APOLLO_MAX_BULK_MATCH = 10;

const bad = (message: string) => new ProviderError('BAD_INPUT', message, { retryable: false });

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;

function texts(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`apollo: \`${field}\` must be a list of strings`);
  return [...new Set(v.map(text).filter((s): s is string => !!s))];
}

/** `page` (1-based) and `per_page` (1–100, default 100) within Apollo's 50,000-record display cap. */
export function paging(input: { page?: unknown; per_page?: unknown }): {
  page: number;
  per_page: number;
} {
  const page = input.page ?? 1;
  const perPage = input.per_page ?? APOLLO_MAX_PER_PAGE;
  if (!Number.isInteger(page) || (page as number) < 1)
    throw bad(`apollo: \`page\` must be a whole number ≥ 1 (got ${JSON.stringify(page)})`);
  if (!Number.isInteger(perPage) || (perPage as number) < 1 || (perPage as number) > 100)
    throw bad(`apollo: \`per_page\` must be 1–100 (got ${JSON.stringify(perPage)})`);
  const [p, n] = [page as number, perPage as number];
  if ((p - 1) * n >= APOLLO_MAX_RECORDS)
    throw bad(`apollo shows at most ${APOLLO_MAX_RECORDS} records of a query (page ${p} × ${n})`);
  return { page: p, per_page: n };
}

/** "C-Suite", "VP" → `c_suite`, `vp`; a value Apollo does not know is refused (it would match no one). */
function seniorities(v: unknown): string[] {
  const out = texts(v, 'seniorities').map((s) => s.toLowerCase().replace(/[\s-]+/g, '_'));
  const unknown = out.filter((s) => !(APOLLO_SENIORITIES as readonly string[]).includes(s));
  if (unknown.length) {
    throw bad(
      `apollo: unknown seniorities ${unknown.join(', ')} (Apollo knows ${APOLLO_SENIORITIES.join(', ')})`,
    );
  }
  return out;
}

/**
 * `PeopleSearchInput` → the `mixed_people/api_search` body. The organization is given by Apollo
 * ids (`organization_ids`, preferred when both are given) or by its domain; a name alone is not
 * enough (resolve it with `company.profile` operation `search` first).
 */
export function peopleSearchBody(input: PeopleSearchInput | undefined): Record<string, unknown> {
  const i = input ?? {};
  const ids = texts(i.organization_ids, 'organization_ids');
  const domain = ids.length ? undefined : text(i.domain) && lookupDomain(i, 'apollo');
  if (!ids.length && !domain) {
    throw bad(
      'apollo people.search needs `organization_ids` or a `domain` (resolve a name with company.profile operation "search")',
    );
  }
  const titles = texts(i.titles, 'titles');
  const levels = seniorities(i.seniorities);
  if (i.include_similar_titles !== undefined && typeof i.include_similar_titles !== 'boolean')
    throw bad('apollo: `include_similar_titles` must be true or false');
  return {
    ...(ids.length ? { organization_ids: ids } : { q_organization_domains_list: [domain] }),
    ...(titles.length ? { person_titles: titles } : {}),
    ...(levels.length ? { person_seniorities: levels } : {}),
    ...(i.include_similar_titles !== undefined
      ? { include_similar_titles: i.include_similar_titles }
      : {}),
    ...paging(i),
  };
}

/** `CompanySearchInput` → the `mixed_companies/search` body (a name, domains or both). */
export function companySearchBody(input: CompanySearchInput | undefined): Record<string, unknown> {
  const i = input ?? {};
  const name = text(i.name);
  const domains = texts(i.domains, 'domains').map((d) => lookupDomain({ domain: d }, 'apollo'));
  if (!name && !domains.length) {
    throw bad('apollo company search needs a `name` or `domains` (e.g. {"name": "Acme"})');
  }
  return {
    ...(name ? { q_organization_name: name } : {}),
    ...(domains.length ? { q_organization_domains_list: [...new Set(domains)] } : {}),
    ...paging(i),
  };
}

/** One person to match → Apollo's match fields (`id`, `email`, `linkedin_url`, name, employer). */
function matchDetail(p: PersonLookupInput | undefined, at: string): Record<string, string> {
  const q = p ?? {};
  const name = text(q.name);
  const [first, last] = [text(q.first_name), text(q.last_name)];
  const id = text(q.vendor_id);
  const email = text(q.email);
  const linkedin = text(q.linkedin_url);
  if (!id && !email && !linkedin && !name && !(first && last)) {
    throw bad(
      `apollo person.enrich ${at} has nothing to match on (give vendor_id, email, linkedin_url or a name)`,
    );
  }
  const domain = text(q.domain) ? lookupDomain(q, `apollo person.enrich ${at}`) : undefined;
  const detail: Record<string, string | undefined> = {
    id,
    email,
    linkedin_url: linkedin,
    name,
    first_name: first,
    last_name: last,
    organization_name: text(q.company),
    domain,
  };
  return Object.fromEntries(
    Object.entries(detail).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

function people(input: PersonEnrichInput | undefined): PersonLookupInput[] {
  const list = input?.people;
  if (!Array.isArray(list) || list.length === 0)
    throw bad('apollo person.enrich needs `people`: a list of 1–10 people to match');
  return list;
}

const reveal = (input: PersonEnrichInput | undefined) =>
  input?.reveal_personal_emails === true ? { reveal_personal_emails: true } : {};

/** `PersonEnrichInput` → the `people/bulk_match` body; more than 10 people is refused. */
export function bulkMatchBody(input: PersonEnrichInput | undefined): {
  details: Record<string, string>[];
  reveal_personal_emails?: boolean;
} {
  const list = people(input);
  if (list.length > APOLLO_MAX_BULK_MATCH) {
    throw bad(
      `Apollo people/bulk_match takes at most ${APOLLO_MAX_BULK_MATCH} people per call (got ${list.length}); split the list`,
    );
  }
  return { details: list.map((p, i) => matchDetail(p, `people[${i}]`)), ...reveal(input) };
}

/** `PersonEnrichInput` of exactly one person → the `people/match` body. */
export function matchBody(input: PersonEnrichInput | undefined): Record<string, unknown> {
  const list = people(input);
  if (list.length !== 1) {
    throw bad(
      `apollo person.enrich operation "match" takes exactly one person (got ${list.length}); use the default operation for up to 10`,
    );
  }
  return { ...matchDetail(list[0], 'people[0]'), ...reveal(input) };
}
