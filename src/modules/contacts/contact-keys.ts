import type { PersonLookupInput } from '../../providers/person/person.types';
import { tryNormaliseDomain } from '../accounts/extraction';
import { linkedinKey, nameKey } from '../leads/storage/lead-keys';

/*
 * What identifies a contact, the same for validation (DTO) and the run: the lookup sent to the
 * vendor (normalised, so that the same person written two ways asks the same question) and the
 * key duplicates are found by.
 */

/** The rule, as the API docs and error messages state it. */
export const IDENTITY_RULE =
  'Each contact needs an email, a linkedin_url, or a name (or first_name + last_name) with a company or domain.';

/** The fields of a contact as given (validated by ContactInputDto). */
export interface ContactInput {
  email?: string | null;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  domain?: string | null;
  linkedin_url?: string | null;
  external_id?: string | null;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim().replace(/\s+/g, ' ') : undefined;

const fullName = (c: ContactInput): string | undefined => {
  const [first, last] = [text(c.first_name), text(c.last_name)];
  return text(c.name) ?? (first && last ? `${first} ${last}` : undefined);
};

/** Whether a contact names someone: an email, a LinkedIn URL, or a name with an employer. */
export function hasIdentity(c: ContactInput): boolean {
  return !!(
    text(c.email) ||
    text(c.linkedin_url) ||
    (fullName(c) && (text(c.company) || text(c.domain)))
  );
}

/** A domain or website that names a registrable domain (`https://www.Acme.com/x` → acme.com). */
export function validContactDomain(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 2048 && tryNormaliseDomain(v) !== null;
}

/** A LinkedIn profile URL (`linkedin.com/in/<slug>`, any scheme or subdomain). */
export function validProfileUrl(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 2048 && linkedinKey(v) !== null;
}

/** A contact made ready for the vendor: its lookup and the key it is deduplicated by. */
export interface NormalisedContact {
  key: string;
  lookup: PersonLookupInput;
}

/** Whether a key names the person by email or LinkedIn URL (a match on name and employer is weaker). */
export const isStrongKey = (key: string) => !key.startsWith('name:');

/**
 * The lookup of a contact (emails lower-cased, LinkedIn URLs as `https://www.linkedin.com/in/<slug>`,
 * domains registrable, spaces collapsed) and its key: `email:…`, else `linkedin:…`, else
 * `name:<folded name>|<domain or company>`. Null when it identifies no one.
 */
export function normaliseContact(c: ContactInput): NormalisedContact | null {
  const email = text(c.email)?.toLowerCase();
  const li = linkedinKey(text(c.linkedin_url));
  const domain = tryNormaliseDomain(text(c.domain)) ?? undefined;
  const company = text(c.company);
  const name = fullName(c);
  const lookup: PersonLookupInput = {};
  if (email) lookup.email = email;
  if (li) lookup.linkedin_url = `https://www.${li}`;
  if (text(c.name)) lookup.name = text(c.name);
  if (text(c.first_name)) lookup.first_name = text(c.first_name);
  if (text(c.last_name)) lookup.last_name = text(c.last_name);
  if (company) lookup.company = company;
  if (domain) lookup.domain = domain;
  const employer = domain ?? (company ? `company:${nameKey(company) ?? company}` : undefined);
  let key: string | null = null;
  if (email) key = `email:${email}`;
  else if (li) key = `linkedin:${li}`;
  else if (name && employer) key = `name:${nameKey(name) ?? name}|${employer}`;
  return key ? { key, lookup } : null;
}

/**
 * One lookup for several records of the same contact, whatever their order: each field takes the
 * first of its values in sort order, so the same records always ask the same question.
 */
export function mergeLookups(lookups: PersonLookupInput[]): PersonLookupInput {
  const out: Record<string, string> = {};
  for (const l of lookups) {
    for (const [k, v] of Object.entries(l) as Array<[string, string | undefined]>) {
      if (v !== undefined && (out[k] === undefined || v < out[k])) out[k] = v;
    }
  }
  return out as PersonLookupInput;
}
