import { validatePayload } from '../../src/common/http/validation';
import {
  ContactEnrichmentInput,
  EnrichContactsDto,
  MAX_CONTACTS,
} from '../../src/modules/contacts/dto/contact-enrichment.input';

const errors = (payload: unknown) => validatePayload(ContactEnrichmentInput, payload);

/** The input DTO: every bad input is a field error naming the contact and field. */
describe('contact_enrichment input (ContactEnrichmentInput)', () => {
  it('accepts each way of naming a person', async () => {
    expect(
      await errors({
        contacts: [
          { email: 'tim@acme.com' },
          { linkedin_url: 'https://www.linkedin.com/in/tim-zheng' },
          { name: 'Tim Zheng', company: 'Acme' },
          { first_name: 'Tim', last_name: 'Zheng', domain: 'https://www.acme.com/' },
          { email: 'ann@acme.com', external_id: 'crm-7', company: '' },
        ],
      }),
    ).toEqual([]);
  });

  it('a contact that names no one is a 400 naming contacts[i]', async () => {
    const out = await errors({
      contacts: [
        { email: 'tim@acme.com' },
        { name: 'Tim Zheng' },
        { company: 'Acme', domain: 'acme.com' },
        { first_name: 'Tim', domain: 'acme.com' },
        {},
      ],
    });
    expect(out.map((e) => e.field)).toEqual([
      'contacts[1].email',
      'contacts[2].email',
      'contacts[3].email',
      'contacts[4].email',
    ]);
    expect(out[0].message).toBe(
      'needs an email, a linkedin_url, or a name with a company or domain',
    );
  });

  it('malformed values are refused by field', async () => {
    const out = await errors({
      contacts: [
        { email: 'not-an-email' },
        { email: 'a@acme.com', linkedin_url: 'https://www.linkedin.com/company/acme' },
        { name: 'Tim Zheng', domain: 'localhost' },
        { email: 'b@acme.com', name: 42, external_id: 'x'.repeat(256) },
      ],
    });
    expect(out.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'contacts[0].email: email must be an email address',
      'contacts[1].linkedin_url: linkedin_url must be a LinkedIn profile URL, e.g. https://www.linkedin.com/in/jane-doe',
      "contacts[2].domain: domain must be the company's domain or website, e.g. acme.com",
      'contacts[3].name: name must be shorter than or equal to 300 characters',
      'contacts[3].name: name must be a string',
      'contacts[3].external_id: external_id must be shorter than or equal to 255 characters',
    ]);
  });

  it('contacts must be a list of 1–10,000 objects', async () => {
    const messages = async (payload: unknown) => (await errors(payload)).map((e) => e.message);
    expect(await messages({})).toContain('contacts must be a list of contacts');
    expect(await messages({ contacts: [] })).toEqual(['contacts must list at least one contact']);
    expect(await messages({ contacts: ['tim@acme.com'] })).toContain(
      'each contact must be an object',
    );
    const many = Array.from({ length: MAX_CONTACTS + 1 }, (_, i) => ({ email: `p${i}@a.com` }));
    // Caught by the payload's structure limits, before the DTO.
    expect(await errors({ contacts: many })).toEqual([
      { field: 'contacts', message: 'must have at most 10000 items' },
    ]);
  });

  it('the typed route takes the task options too', async () => {
    expect(
      await validatePayload(EnrichContactsDto, {
        contacts: [{ email: 'tim@acme.com' }],
        dry_run: true,
        budget_usd: 1.5,
      }),
    ).toEqual([]);
    const bad = await validatePayload(EnrichContactsDto, {
      contacts: [{ email: 'tim@acme.com' }],
      budget_usd: -1,
    });
    expect(bad.map((e) => e.field)).toEqual(['budget_usd']);
  });
});
