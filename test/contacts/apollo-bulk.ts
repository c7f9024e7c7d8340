import { randomBytes } from 'node:crypto';
import { BULK_MATCH_PATH } from '../support/apollo-bulk-match';
import type { StubRequest } from '../support/vendor-stub';

/** The details the stub was sent, per bulk_match request. */
export const detailsOf = (requests: StubRequest[]): Array<Array<{ email?: string }>> =>
  requests.filter((r) => r.path === BULK_MATCH_PATH).map((r) => r.body.details);

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
