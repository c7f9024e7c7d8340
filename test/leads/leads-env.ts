import { randomBytes } from 'node:crypto';
import { TestDnsServer } from '../support/dns-server';
import type { VendorStub } from '../support/vendor-stub';

/** The app's settings for an OpenAI-compatible stub. */
export const openaiEnv = (openai: VendorStub): Record<string, string> => ({
  OPENAI_BASE_URL: `${openai.url}/v1`,
  OPENAI_API_KEY: 'test-openai-key-leads',
});

/** The app's settings for an Apollo stub (which has none of Apollo's rate limits). */
export const apolloEnv = (apollo: VendorStub): Record<string, string> => ({
  APOLLO_API_KEY: 'apollo-leads-e2e-key',
  APOLLO_BASE_URL: `${apollo.url}/api/v1`,
  // Apollo's bulk endpoint allows 5 calls a minute by default.
  APOLLO_PERSON_ENRICH_RATE_PER_MINUTE: '600',
});

/** Signed callbacks to a receiver on loopback. */
export const callbackEnv = (): Record<string, string> => ({
  CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
  CALLBACK_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
});

/**
 * A DNS server on loopback that knows no name (NXDOMAIN), for OUTBOUND_DNS_SERVERS: the built-in
 * reader's lookups of the accounts' domains (it serves people.search as a fallback) never leave
 * the machine, and the test can see that they were made.
 */
export async function startNoDns(): Promise<TestDnsServer> {
  return TestDnsServer.start();
}
