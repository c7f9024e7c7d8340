import {
  PROXYCURL_METADATA,
  ProxyCurlProvider,
} from '../../src/providers/proxycurl/proxycurl.provider';
import { adapterAt, failure } from '../support/adapters';
import { fixture, VendorStub } from '../support/vendor-stub';

const KEY = 'proxycurl-test-key-0c4b';

/**
 * ProxyCurl is dead (VENDORS.md §4): the adapter is Enrich Layer's under ProxyCurl's historical
 * paths, off unless PROXYCURL_ENABLED=true.
 */
describe('ProxyCurl adapter (legacy, off by default; local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('is not configured by a key alone: it also needs PROXYCURL_ENABLED=true', () => {
    const at = (env: Record<string, string>) =>
      adapterAt(new ProxyCurlProvider(), env).settings.configured;
    expect(at({ PROXYCURL_API_KEY: KEY })).toBe(false);
    expect(at({ PROXYCURL_ENABLED: 'true' })).toBe(false);
    expect(at({ PROXYCURL_API_KEY: KEY, PROXYCURL_ENABLED: 'true' })).toBe(true);
    expect(PROXYCURL_METADATA).toMatchObject({
      id: 'proxycurl',
      baseUrl: 'https://nubela.co/proxycurl',
      capabilities: ['person.linkedin', 'company.linkedin'],
      pauseWhenBlocked: true,
    });
    expect(PROXYCURL_METADATA.description).toMatch(/DEAD since July 2025/);
  });

  it("asks ProxyCurl's paths with a Bearer key and maps its answers like Enrich Layer's", async () => {
    stub.reply(
      { json: fixture('enrichlayer', 'person-profile') },
      { json: fixture('enrichlayer', 'company-profile') },
      { status: 401, json: fixture('enrichlayer', 'error-401') },
    );
    const { call } = adapterAt(new ProxyCurlProvider(), {
      PROXYCURL_API_KEY: KEY,
      PROXYCURL_ENABLED: 'true',
      PROXYCURL_BASE_URL: `${stub.url}/proxycurl`,
    });
    const p = await call({
      capability: 'person.linkedin',
      input: { linkedin_url: 'https://www.linkedin.com/in/johnrmarty' },
    });
    const c = await call({
      capability: 'company.linkedin',
      input: { linkedin_url: 'https://www.linkedin.com/company/microsoft' },
    });
    expect(stub.requests.map((r) => r.path)).toEqual([
      '/proxycurl/api/v2/linkedin?linkedin_profile_url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjohnrmarty',
      '/proxycurl/api/linkedin/company?url=https%3A%2F%2Fwww.linkedin.com%2Fcompany%2Fmicrosoft',
    ]);
    expect(stub.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(p).toMatchObject({ found: true, data: { name: 'John Marty', title: 'Co-Founder' } });
    expect(c).toMatchObject({ found: true, data: { name: 'Microsoft', vendor_id: '1035' } });
    const auth = await failure(
      call({
        capability: 'person.linkedin',
        input: { linkedin_url: 'https://www.linkedin.com/in/johnrmarty' },
      }),
    );
    expect(auth).toMatchObject({ code: 'AUTH' });
    expect(auth.message).toMatch(/^ProxyCurl 401: .*PROXYCURL_API_KEY/);
  });
});
