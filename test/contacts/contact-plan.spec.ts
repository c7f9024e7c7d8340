import { normaliseContact } from '../../src/modules/contacts/contact-keys';
import { planContacts } from '../../src/modules/contacts/enrichment/contact-plan';

/** n contacts by email, `p<i>@acme.com`. */
const byEmail = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `p${i}@acme.com` }));

/** The same elements in another order (a fixed permutation, no randomness). */
const reordered = <T>(list: T[]): T[] => [
  ...list.filter((_, i) => i % 3 === 2),
  ...list.filter((_, i) => i % 3 === 0).reverse(),
  ...list.filter((_, i) => i % 3 === 1),
];

const questions = (contacts: Parameters<typeof planContacts>[0]) =>
  planContacts(contacts).batches.map((b) => b.map((c) => c.lookup));

describe('contacts: normalised lookups and keys', () => {
  it('one person written two ways asks the same question under the same key', () => {
    const a = normaliseContact({
      email: ' Tim@Acme.COM ',
      name: 'Tim   Zheng',
      domain: 'https://www.acme.com/about',
    });
    const b = normaliseContact({ email: 'tim@acme.com', name: 'Tim Zheng', domain: 'acme.com' });
    expect(a).toEqual(b);
    expect(a).toEqual({
      key: 'email:tim@acme.com',
      lookup: { email: 'tim@acme.com', name: 'Tim Zheng', domain: 'acme.com' },
    });
  });

  it('keys by email, else the LinkedIn profile, else the folded name at the employer', () => {
    expect(
      normaliseContact({ linkedin_url: 'http://uk.linkedin.com/in/Priya-Raman/?trk=x' }),
    ).toEqual({
      key: 'linkedin:linkedin.com/in/priya-raman',
      lookup: { linkedin_url: 'https://www.linkedin.com/in/priya-raman' },
    });
    expect(
      normaliseContact({ first_name: 'José', last_name: 'Núñez', company: 'Initech Corp.' })?.key,
    ).toBe('name:jose nunez|company:initech corp');
    expect(normaliseContact({ name: 'Jose Nunez', domain: 'initech.com' })?.key).toBe(
      'name:jose nunez|initech.com',
    );
    // A name alone, or an employer alone, identifies no one.
    expect(normaliseContact({ name: 'Jose Nunez' })).toBeNull();
    expect(normaliseContact({ company: 'Initech', domain: 'initech.com' })).toBeNull();
  });
});

describe('contacts: deduplicated, stable vendor batches', () => {
  it('25 unique contacts make 3 batches of at most 10, in key order', () => {
    const plan = planContacts(byEmail(25));
    expect(plan.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    const keys = plan.batches.flat().map((c) => c.key);
    expect(keys).toEqual([...keys].sort());
    expect(plan).toMatchObject({ unique: 25, duplicates: 0 });
  });

  it('the same contacts in another order, or repeated, form exactly the same batches', () => {
    const contacts = [
      ...byEmail(23),
      { linkedin_url: 'linkedin.com/in/sam-lee' },
      { name: 'Ann Bell', company: 'Globex' },
    ];
    const base = questions(contacts);
    expect(questions(reordered(contacts))).toEqual(base);
    expect(questions([...contacts, ...contacts.slice(0, 7)])).toEqual(base);
  });

  it('duplicates point at the first occurrence and merge their fields, whatever the order', () => {
    const records = [
      { email: 'ANN@globex.com', external_id: 'crm-1' },
      { email: 'ann@globex.com', name: 'Ann Bell', external_id: 'crm-2' },
      { email: 'bob@globex.com' },
      { email: 'ann@globex.com ', company: 'Globex', external_id: 'crm-3' },
    ];
    const plan = planContacts(records);
    expect(plan.duplicates).toBe(2);
    expect(plan.firstOf).toEqual([0, 0, 2, 0]);
    expect(plan.keys[3]).toBe('email:ann@globex.com');
    const ann = { email: 'ann@globex.com', name: 'Ann Bell', company: 'Globex' };
    expect(plan.batches).toEqual([
      [
        { key: 'email:ann@globex.com', lookup: ann },
        { key: 'email:bob@globex.com', lookup: { email: 'bob@globex.com' } },
      ],
    ]);
    expect(questions([...records].reverse())).toEqual(questions(records));
    expect(plan.slots.get('email:bob@globex.com')).toEqual({ batch: 0, index: 1 });
  });
});
