import { randomBytes } from 'node:crypto';
import type { Behaviour, StubRequest } from '../support/vendor-stub';
import { fixture } from '../support/vendor-stub';

/*
 * Apollo's people/bulk_match as the contacts specs stub it, in its documented shape (VENDORS.md
 * §1, fixture people-bulk-match): `matches[i]` answers `details[i]`; a detail whose email starts
 * with `known` matches a person (the fixture's Tim Zheng, renamed after the email), any other is
 * null in its place. More than 10 details is Apollo's 422.
 */

export const BULK_MATCH_PATH = '/api/v1/people/bulk_match';

type Detail = { email?: string; linkedin_url?: string; name?: string };

/** A recorded Apollo person, with the email and a name derived from it. */
function person(email: string): Record<string, unknown> {
  const tim = fixture('apollo', 'people-bulk-match').matches[0] as Record<string, unknown>;
  const local = email.split('@')[0];
  return { ...tim, id: randomBytes(12).toString('hex'), email, name: `Person ${local}` };
}

export const bulkMatch: Behaviour = (req: StubRequest) => {
  if (req.path !== BULK_MATCH_PATH) {
    return { status: 404, json: { error: `no route ${req.path}` } };
  }
  const details = (req.body?.details ?? []) as Detail[];
  if (details.length > 10) return { status: 422, json: fixture('apollo', 'error-422-bulk') };
  const matches = details.map((d) => (d.email?.startsWith('known') ? person(d.email) : null));
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

/** The details the stub was sent, per bulk_match request. */
export const detailsOf = (requests: StubRequest[]): Detail[][] =>
  requests.filter((r) => r.path === BULK_MATCH_PATH).map((r) => r.body.details as Detail[]);

/** The app's environment for Apollo at the stub (bulk calls not held back by the default 5/min). */
export const apolloEnv = (stubUrl: string): Record<string, string> => ({
  APOLLO_API_KEY: `apollo-contacts-${randomBytes(4).toString('hex')}`,
  APOLLO_BASE_URL: `${stubUrl}/api/v1`,
  APOLLO_PERSON_ENRICH_RATE_PER_MINUTE: '6000',
  APOLLO_PERSON_ENRICH_RATE_PER_DAY: '100000',
});

/** `n` contacts of a run: even ones known to the stub, odd ones not; ids `c-<i>`. */
export function contactList(n: number, tag: string): Array<{ email: string; external_id: string }> {
  return Array.from({ length: n }, (_, i) => ({
    email: `${i % 2 ? 'unknown' : 'known'}-${tag}-${String(i).padStart(3, '0')}@acme.com`,
    external_id: `c-${i}`,
  }));
}
