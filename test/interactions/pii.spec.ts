import { detectPii, PiiScrubber, scrubPii } from '../../src/modules/interactions/pii';
import type { PiiType } from '../../src/modules/interactions/pii';

/** The values found in `text`, as `TYPE:text`. */
const found = (text: string) =>
  detectPii(text).map((m) => `${m.type}:${text.slice(m.start, m.end)}`);

describe('PII detection per type', () => {
  it.each<[string, string[]]>([
    ['email jane.doe@acme.com now', ['EMAIL:jane.doe@acme.com']],
    ['to name+tag@sub.example.co.uk.', ['EMAIL:name+tag@sub.example.co.uk']],
    ['write jane [at] acme [dot] com', ['EMAIL:jane [at] acme [dot] com']],
    ['email me at tom dot wilson at gmail dot com', ['EMAIL:tom dot wilson at gmail dot com']],
    ['use icon@2x.png here', []],
    ['Speaker 0: email works.\nSpeaker 1: he works at acme dot com', []],
    ['remote git@github.com:acme/app.git', []],
  ])('emails: %s', (text, expected) => expect(found(text)).toEqual(expected));

  it.each<[string, string[]]>([
    ['call (415) 555-0132', ['PHONE:(415) 555-0132']],
    ['call 415.555.0132', ['PHONE:415.555.0132']],
    ['call +44 20 7946 0958', ['PHONE:+44 20 7946 0958']],
    ['call +1-415-555-0132 ext. 12 today', ['PHONE:+1-415-555-0132 ext. 12']],
    ['on 2024-03-15 at 10:30 for $1,299.00', []],
    ['order number 4155550132', []],
    ['v2.10.3 shipped in 2024, up 12.5%', []],
  ])('phones: %s', (text, expected) => expect(found(text)).toEqual(expected));

  it('finds a number once and whole inside a long window (read in overlapping pieces)', () => {
    // 7-digit codes a few characters apart make one long window around the number
    const run = (n: number) => Array.from({ length: n }, (_, i) => `${1000000 + i}`).join(' and ');
    for (const pad of [1, 5, 8, 12, 20]) {
      const text = `codes ${run(pad)} and (415) 555-0132 and ${run(20)}`;
      expect(found(text)).toEqual(['PHONE:(415) 555-0132']);
    }
  });

  it('reads numbers without a country code in the configured region', () => {
    expect(detectPii('ring 020 7946 0958', { defaultRegion: 'GB' }).map((m) => m.key)).toEqual([
      '+442079460958',
    ]);
    expect(detectPii('ring 020 7946 0958')).toEqual([]);
  });

  it.each<[string, string[]]>([
    ['ssn 123-45-6789', ['SSN:123-45-6789']],
    ['ssn 123 45 6789', ['SSN:123 45 6789']],
    ['my social security number is 123456789', ['SSN:123456789']],
    ['routing 123456789', []],
    ['Speaker 0: what is your SSN?\nSpeaker 1: order 123456789 first', []],
    ['999-99-9999 000-12-3456 666-12-3456 123-00-4567 123-45-0000', []],
  ])('SSNs: %s', (text, expected) => expect(found(text)).toEqual(expected));

  it.each<[string, string[]]>([
    ['card 4111 1111 1111 1111 exp 12/27', ['CARD:4111 1111 1111 1111']],
    ['card 4111-1111-1111-1111', ['CARD:4111-1111-1111-1111']],
    ['card 4111111111111111', ['CARD:4111111111111111']],
    ['amex 3782 822463 10005', ['CARD:3782 822463 10005']],
    ['card 4111 1111 1111 1112', []],
    ['tracking 9400 1000 0000 0000 0000 00', []],
  ])('cards: %s', (text, expected) => expect(found(text)).toEqual(expected));

  it.each<[string, string[]]>([
    ['iban DE89 3704 0044 0532 0130 00.', ['IBAN:DE89 3704 0044 0532 0130 00']],
    ['iban GB82WEST12345698765432 thanks', ['IBAN:GB82WEST12345698765432']],
    ['iban DE89 3704 0044 0532 0130 01', []],
  ])('IBANs: %s', (text, expected) => expect(found(text)).toEqual(expected));

  it.each<[string, string[]]>([
    ['from 192.168.1.20.', ['IP:192.168.1.20']],
    ['from 2001:db8::8a2e:370:7334', ['IP:2001:db8::8a2e:370:7334']],
    ['256.1.1.1, version 1.2.3.4, section 4.2.1.3, 10:30:00, 00:1A:2B:3C:4D:5E', []],
  ])('IPs: %s', (text, expected) => expect(found(text)).toEqual(expected));
});

describe('overlaps', () => {
  it('never reads an SSN or a card as a phone number (the seed ran its phone pattern first)', () => {
    expect(found('SSN 123-45-6789 card 4111 1111 1111 1111')).toEqual([
      'SSN:123-45-6789',
      'CARD:4111 1111 1111 1111',
    ]);
  });

  it('keeps digits inside an email address or an IBAN to that value', () => {
    expect(found('mail 4155550132@txt.example.com')).toEqual(['EMAIL:4155550132@txt.example.com']);
    expect(found('NL91 ABNA 0417 1643 00')).toEqual(['IBAN:NL91 ABNA 0417 1643 00']);
  });
});

describe('PiiScrubber', () => {
  it('replaces values with typed placeholders, one per value however it is written', () => {
    const scrubber = new PiiScrubber();
    expect(scrubber.scrub('Call (415) 555-0132 or mail Jane.Doe@Acme.com')).toBe(
      'Call [PHONE_1] or mail [EMAIL_1]',
    );
    expect(scrubber.scrub('again: +1 415 555 0132, jane.doe@acme.com, bob@acme.com')).toBe(
      'again: [PHONE_1], [EMAIL_1], [EMAIL_2]',
    );
    expect(scrubber.scrub('card 4111-1111-1111-1111 then 4111111111111111')).toBe(
      'card [CARD_1] then [CARD_1]',
    );
    expect(scrubber.counts()).toEqual<Record<PiiType, number>>({
      EMAIL: 3,
      IBAN: 0,
      CARD: 2,
      SSN: 0,
      IP: 0,
      PHONE: 2,
    });
    expect(scrubber.entries()).toEqual([
      { type: 'PHONE', placeholder: '[PHONE_1]' },
      { type: 'EMAIL', placeholder: '[EMAIL_1]' },
      { type: 'EMAIL', placeholder: '[EMAIL_2]' },
      { type: 'CARD', placeholder: '[CARD_1]' },
    ]);
  });

  it('numbers each transcript on its own', () => {
    const a = new PiiScrubber();
    const b = new PiiScrubber();
    expect(a.scrub('a@acme.com b@acme.com')).toBe('[EMAIL_1] [EMAIL_2]');
    expect(b.scrub('b@acme.com')).toBe('[EMAIL_1]');
  });

  it('keeps nothing raw: not in the output, not in the instance', () => {
    const raw = [
      'jane.doe@acme.com',
      '(415) 555-0132',
      '123-45-6789',
      'GB82 WEST 1234 5698 7654 32',
    ];
    const scrubber = new PiiScrubber();
    const out = scrubber.scrub(`Speaker 1: ${raw.join(', ')} and 10.1.2.3`);
    expect(out).toBe('Speaker 1: [EMAIL_1], [PHONE_1], [SSN_1], [IBAN_1] and [IP_1]');
    const inside = JSON.stringify([scrubber, scrubber.counts(), scrubber.entries()]);
    for (const value of [...raw, '4155550132', '123456789', 'jane.doe', '10.1.2.3']) {
      expect(inside).not.toContain(value);
    }
  });

  it('scrubPii scrubs once and counts occurrences', () => {
    expect(scrubPii('x@y.com, x@y.com and 203.0.113.9')).toEqual({
      text: '[EMAIL_1], [EMAIL_1] and [IP_1]',
      counts: { EMAIL: 2, IBAN: 0, CARD: 0, SSN: 0, IP: 1, PHONE: 0 },
    });
  });

  it('can be limited to some types', () => {
    expect(scrubPii('jane@acme.com 10.0.0.1', { types: ['IP'] }).text).toBe('jane@acme.com [IP_1]');
  });
});
