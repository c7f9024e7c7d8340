import {
  decide,
  isRoleAddress,
  SEED_RULES,
  toVerify,
} from '../../src/modules/emails/finding/acceptance';
import {
  addressPart,
  candidateAddresses,
  inferPattern,
  renderPattern,
} from '../../src/modules/emails/finding/email-patterns';

describe('email patterns', () => {
  it('renders Hunter-style patterns with accents folded and parts missing refused', () => {
    expect(renderPattern('{first}.{last}', 'José', 'Núñez')).toBe('jose.nunez');
    expect(renderPattern('{f}{last}', 'Anne-Marie', "O'Neil")).toBe('aoneil');
    expect(renderPattern('{first}.{l}', 'Jürgen', 'Groß')).toBe('jurgen.g');
    expect(renderPattern('{first}.{last}', 'Cher', '')).toBeNull();
    expect(renderPattern('{first}', 'Cher', '')).toBe('cher');
    expect(addressPart('Straße')).toBe('strasse');
  });

  it('tries the domain pattern first, each address once, multi-word last names joined and alone', () => {
    const c = candidateAddresses(
      { first_name: 'Ana', last_name: 'van Dijk' },
      'Acme.com',
      '{f}{last}',
    );
    expect(c[0]).toEqual({ email: 'avandijk@acme.com', pattern: '{f}{last}' });
    expect(c.map((x) => x.email)).toContain('ana.vandijk@acme.com');
    expect(c.map((x) => x.email)).toContain('ana.dijk@acme.com');
    expect(new Set(c.map((x) => x.email)).size).toBe(c.length);
    const plain = candidateAddresses({ first_name: 'Ana', last_name: 'Lee' }, 'acme.com');
    expect(plain[0].email).toBe('ana.lee@acme.com');
  });

  it('infers the pattern most known addresses follow, with its share', () => {
    expect(
      inferPattern([
        { email: 'jsmith@acme.com', first_name: 'John', last_name: 'Smith' },
        { email: 'mdoe@acme.com', first_name: 'Mary', last_name: 'Doe' },
        { email: 'pat.lee@acme.com', first_name: 'Pat', last_name: 'Lee' },
        { email: 'info@acme.com' },
      ]),
    ).toEqual({ pattern: '{f}{last}', confidence: 0.67, matched: 2 });
    expect(inferPattern([{ email: 'x@acme.com' }])).toBeNull();
  });
});

describe('which verified addresses are kept (part C, step 4)', () => {
  it('keeps deliverable or risky at score ≥ 65, never disposable or blocked; primary at ≥ 90 deliverable', () => {
    expect(decide({ status: 'deliverable', score: 95, reasons: [] }, false)).toEqual({
      keep: true,
      type: 'primary',
      confidence: 95,
    });
    expect(decide({ status: 'risky', score: 95, reasons: ['accept_all'] }, false)).toMatchObject({
      keep: true,
      type: 'secondary',
    });
    expect(decide({ status: 'deliverable', score: 64, reasons: [] }, false)).toMatchObject({
      keep: false,
    });
    expect(decide({ status: 'deliverable', score: 99, reasons: ['disposable'] }, false)).toEqual({
      keep: false,
      why: 'disposable',
    });
    expect(decide({ status: 'unknown', score: 80, reasons: ['smtp_blocked'] }, false)).toEqual({
      keep: false,
      why: 'blocked',
    });
    expect(decide({ status: 'undeliverable', score: 90, reasons: [] }, false)).toMatchObject({
      keep: false,
    });
  });

  it('a generic inbox is secondary with confidence max(50, 0.8 × score)', () => {
    expect(decide({ status: 'deliverable', score: 95, reasons: [] }, true)).toEqual({
      keep: true,
      type: 'secondary',
      confidence: 76,
    });
    expect(decide({ status: 'deliverable', score: 66, reasons: [] }, true)).toMatchObject({
      confidence: 52.8,
    });
  });

  it('verifies personal addresses above 70 first; generic ones (≤ 3) only when fewer than 3 personal', () => {
    const found = [
      { email: 'ceo@acme.com', confidence: 96, type: 'personal' },
      { email: 'jo.doe@acme.com', confidence: 71, type: 'personal' },
      { email: 'low@acme.com', confidence: 70, type: 'personal' },
      { email: 'info@acme.com', confidence: 99, type: 'generic' },
      { email: 'sales@acme.com', confidence: 90, type: null },
      { email: 'press@acme.com', confidence: 80, type: 'generic' },
      { email: 'hr@acme.com', confidence: 60, type: 'generic' },
    ];
    expect(toVerify(found).map((f) => f.email)).toEqual([
      'ceo@acme.com',
      'jo.doe@acme.com',
      'info@acme.com',
      'sales@acme.com',
      'press@acme.com',
    ]);
    const many = [1, 2, 3].map((i) => ({
      email: `p${i}@acme.com`,
      confidence: 90,
      type: 'personal',
    }));
    expect(toVerify([...many, ...found]).every((f) => !f.generic)).toBe(true);
    expect(SEED_RULES.wanted).toBe(3);
  });

  it('knows role inboxes', () => {
    expect(isRoleAddress('Info@acme.com')).toBe(true);
    expect(isRoleAddress('sales.eu@acme.com')).toBe(true);
    expect(isRoleAddress('no-reply@acme.com')).toBe(true);
    expect(isRoleAddress('jane.doe@acme.com')).toBe(false);
  });
});
