import { mapBulkMatch } from '../../src/providers/apollo/apollo-people.mapper';
import { vendorContact } from '../../src/modules/contacts/enrichment/contact-output';
import { planContacts } from '../../src/modules/contacts/enrichment/contact-plan';
import { BatchRecord, buildResult } from '../../src/modules/contacts/enrichment/contact-result';
import { fixture } from '../support/vendor-stub';

const AT = '2026-03-01T12:00:00.000Z';
const TASK = '7c1e0000-0000-4000-8000-000000000001';

/**
 * Apollo's recorded bulk_match answer (fixture people-bulk-match: Tim, null, Priya) mapped by the
 * adapter, then by the contacts module into ZapAI's output contact: positions kept, unmatched
 * contacts kept as `unenriched` with their reason, provenance per filled field.
 */
describe("contacts: ZapAI's output contact from a positional bulk_match answer", () => {
  const { data } = mapBulkMatch(fixture('apollo', 'people-bulk-match'), 3);
  const matches = data!.matches.map((m) => (m ? vendorContact(m) : null));

  // Sorted by key, these three contacts are sent in this order: Tim, Nobody, Priya.
  const contacts = [
    { email: 'tim@acme.com', external_id: 'crm-1' },
    { email: 'x-nobody@acme.com', name: 'Nobody Known', external_id: 'crm-2' },
    { linkedin_url: 'linkedin.com/in/priya-raman', external_id: 'crm-3' },
    { email: 'TIM@acme.com', external_id: 'crm-4' },
  ];
  const plan = planContacts(contacts);
  const record: BatchRecord = { provider: 'apollo', at: AT, cached: false, cost_usd: 0.2, matches };

  it('maps a match to every ZapAI key, with provenance and its share of the cost', () => {
    const { contacts: out } = buildResult(contacts, plan, new Map([[0, record]]), TASK);
    expect(out[0]).toEqual({
      external_id: 'crm-1',
      status: 'enriched',
      source: 'apollo',
      confidence: 0.9,
      enriched_at: Date.parse(AT) / 1000,
      email: 'tim@acme.com',
      name: 'Tim Zheng',
      job_title: 'Founder & CEO',
      company: 'Acme Corp',
      industry: 'machinery',
      company_website: 'http://www.acme.com',
      phone_numbers: ['+16025550100'],
      social_profiles: { linkedin: 'http://www.linkedin.com/in/tim-zheng-677ba010', twitter: null },
      location: { city: 'San Francisco', state: 'California', country: 'United States' },
      provenance: expect.any(Object),
    });
    expect(Object.keys(out[0].provenance).sort()).toEqual(
      [
        'company',
        'company_website',
        'email',
        'industry',
        'job_title',
        'location',
        'name',
        'phone_numbers',
        'social_profiles',
      ].sort(),
    );
    // $0.20 for two matches: $0.10 for Tim, spread over his 9 fields; a verified email is surer.
    expect(out[0].provenance.email).toEqual({
      source: 'apollo',
      method: 'api',
      retrieved_at: AT,
      confidence: 0.95,
      cost_usd: Math.round((0.1 / 9) * 1e8) / 1e8,
      task_id: TASK,
    });
    expect(out[0].provenance.name.confidence).toBe(0.9);
  });

  it('keeps the contact the vendor did not find, with the input values and no_match', () => {
    const { contacts: out } = buildResult(contacts, plan, new Map([[0, record]]), TASK);
    expect(out[1]).toEqual({
      external_id: 'crm-2',
      status: 'unenriched',
      reason: 'no_match',
      source: 'apollo',
      confidence: 0,
      enriched_at: null,
      email: 'x-nobody@acme.com',
      name: 'Nobody Known',
      job_title: null,
      company: null,
      industry: null,
      company_website: null,
      phone_numbers: [],
      social_profiles: { linkedin: null, twitter: null },
      location: { city: null, state: null, country: null },
      provenance: {},
    });
    // Priya was the third detail: the third answer, by position.
    expect(out[2]).toMatchObject({ status: 'enriched', name: 'Priya Raman', external_id: 'crm-3' });
    expect(out[2].provenance.email.confidence).toBe(0.74);
  });

  it('a repeated contact gets the first one’s answer at no cost; the summary counts it all', () => {
    const { contacts: out, summary } = buildResult(contacts, plan, new Map([[0, record]]), TASK);
    expect(out[3]).toMatchObject({
      external_id: 'crm-4',
      status: 'enriched',
      duplicate_of: 0,
      name: 'Tim Zheng',
    });
    expect(Object.values(out[3].provenance).every((p) => p.cost_usd === 0)).toBe(true);
    expect(summary).toEqual({
      total: 4,
      enriched: 3,
      unenriched: 1,
      duplicates: 1,
      vendor_calls: 1,
      cache_hits: 0,
      cost_usd: 0.2,
    });
    const cached = buildResult(
      contacts,
      plan,
      new Map([[0, { ...record, cached: true, cost_usd: 0 }]]),
      TASK,
    );
    expect(cached.summary).toMatchObject({ vendor_calls: 0, cache_hits: 1, cost_usd: 0 });
  });

  it('a failed batch leaves its contacts unenriched with the reason; a missing one not_attempted', () => {
    const failed = (code: string, message: string) =>
      buildResult(
        contacts,
        plan,
        new Map([[0, { ...record, matches: undefined, cost_usd: 0, error: { code, message } }]]),
        TASK,
      ).contacts.map((c) => c.reason);
    expect(failed('BAD_INPUT', 'Apollo 422: at most 10 items')).toEqual(
      Array(4).fill('invalid_input: Apollo 422: at most 10 items'),
    );
    expect(failed('UNKNOWN', 'unreadable answer')[0]).toBe(
      'vendor_error: UNKNOWN: unreadable answer',
    );
    const none = buildResult(contacts, plan, new Map(), TASK);
    expect(none.contacts.map((c) => [c.status, c.reason, c.source])).toEqual(
      Array(4).fill(['unenriched', 'not_attempted', null]),
    );
  });
});
