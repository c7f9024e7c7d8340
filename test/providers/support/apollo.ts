import { ApolloProvider } from '../../../src/providers/apollo/apollo.provider';
import type { ProviderRequest } from '../../../src/providers/core/enrichment-provider';
import type {
  PeopleSearchInput,
  PersonEnrichInput,
} from '../../../src/providers/person/person.types';
import { adapterAt } from '../../support/adapters';

/** Apollo adapter-tier helpers: the adapter at a VendorStub, requests, rate-limit headers. */

export const KEY = 'apollo-test-key-7f3a';
export const SEARCH_KEY = 'apollo-master-key-91c2';

/** The Apollo adapter with its API under `<stub>/api/v1`, as at boot from `env`. */
export const apolloAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new ApolloProvider(), {
    APOLLO_API_KEY: KEY,
    APOLLO_BASE_URL: `${baseUrl}/api/v1`,
    ...env,
  });

export const search = (input: PeopleSearchInput): ProviderRequest => ({
  capability: 'people.search',
  input,
});

export const enrich = (input: PersonEnrichInput, operation?: string): ProviderRequest => ({
  capability: 'person.enrich',
  ...(operation ? { operation } : {}),
  input,
});

/** Apollo's rate-limit headers on a 429 (docs.apollo.io/reference/rate-limits). */
export const limitHeaders = (left: { minute: number; hourly: number; daily: number }) => ({
  'x-rate-limit-minute': '5',
  'x-rate-limit-hourly': '100',
  'x-rate-limit-daily': '300',
  'x-minute-requests-left': String(left.minute),
  'x-hourly-requests-left': String(left.hourly),
  'x-daily-requests-left': String(left.daily),
});
