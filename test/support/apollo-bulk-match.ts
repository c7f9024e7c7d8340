import { createHash } from 'node:crypto';
import type { Behaviour, StubRequest } from './vendor-stub';

/*
 * Apollo's `POST /api/v1/people/bulk_match` for a VendorStub, in its documented shape (VENDORS.md
 * §1): `matches[i]` answers `details[i]`; a detail whose email starts with `known` matches a person
 * (a founder at Acme Corp in San Francisco, named after the email), any other is null in its
 * place. More than 10 details is Apollo's 422. Used by the contacts specs and `npm run bench:leads`.
 */

export const BULK_MATCH_PATH = '/api/v1/people/bulk_match';

type Detail = { email?: string; linkedin_url?: string; name?: string };

/** An enriched Apollo person (people/match shape) for `email`. */
export function apolloPerson(email: string): Record<string, unknown> {
  const local = email.split('@')[0];
  return {
    id: createHash('sha256').update(email).digest('hex').slice(0, 24),
    first_name: 'Person',
    last_name: local,
    name: `Person ${local}`,
    title: 'Founder & CEO',
    email,
    email_status: 'verified',
    linkedin_url: `http://www.linkedin.com/in/${local}`,
    twitter_url: null,
    city: 'San Francisco',
    state: 'California',
    country: 'United States',
    organization: {
      id: '5e66b6381e05b4008c8331b8',
      name: 'Acme Corp',
      website_url: 'http://www.acme.com',
      primary_domain: 'acme.com',
      industry: 'machinery',
      estimated_num_employees: 850,
    },
    phone_numbers: [
      { raw_number: '+1602-555-0100', sanitized_number: '+16025550100', type: 'work_hq' },
    ],
    seniority: 'founder',
    departments: ['c_suite'],
  };
}

export const apolloBulkMatch: Behaviour = (req: StubRequest) => {
  if (req.path !== BULK_MATCH_PATH) {
    return { status: 404, json: { error: `no route ${req.path}` } };
  }
  const details = (req.body?.details ?? []) as Detail[];
  if (details.length > 10) {
    return { status: 422, json: { error: 'details must have at most 10 items' } };
  }
  const matches = details.map((d) => (d.email?.startsWith('known') ? apolloPerson(d.email) : null));
  const found = matches.filter(Boolean).length;
  return {
    json: {
      status: 'success',
      error_code: null,
      error_message: null,
      total_requested_enrichments: details.length,
      unique_enriched_records: found,
      missing_records: details.length - found,
      credits_consumed: found,
      matches,
    },
  };
};
