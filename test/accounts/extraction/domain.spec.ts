import {
  InvalidDomainError,
  isSameSite,
  normaliseDomain,
  tryNormaliseDomain,
} from '../../../src/modules/accounts/extraction';

describe('normaliseDomain', () => {
  it.each([
    ['https://www.shop.example.co.uk/x', 'example.co.uk'],
    ['example.com', 'example.com'],
    ['EXAMPLE.com', 'example.com'],
    ['  www.Example.com  ', 'example.com'],
    ['http://example.com:8080/path?q=1#top', 'example.com'],
    ['https://user:secret@www.example.com/login', 'example.com'],
    ['//cdn.example.com/app.js', 'example.com'],
    ['example.com.', 'example.com'],
    ['www.example.com/about-us/', 'example.com'],
    ['ftp://files.example.org', 'example.org'],
    ['info@acme.com', 'acme.com'],
    ['https://acme.com.au/en', 'acme.com.au'],
    ['https://blog.acme.co.jp', 'acme.co.jp'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
  });

  it('keeps a private suffix (a company on github.io is not GitHub)', () => {
    expect(normaliseDomain('https://ACME.github.io/docs')).toBe('acme.github.io');
    expect(normaliseDomain('https://acme-store.myshopify.com')).toBe('acme-store.myshopify.com');
  });

  it('gives international domains in one form (punycode), whichever way they are written', () => {
    expect(normaliseDomain('https://www.MÜNCHEN.de/stadt')).toBe('xn--mnchen-3ya.de');
    expect(normaliseDomain('xn--mnchen-3ya.de')).toBe('xn--mnchen-3ya.de');
    expect(normaliseDomain('bücher.example.com')).toBe('example.com');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['192.168.0.1', 'ip-address'],
    ['http://127.0.0.1:3000/', 'ip-address'],
    ['http://0x7f.1/', 'ip-address'],
    ['2130706433', 'ip-address'],
    ['http://[::1]:8080', 'ip-address'],
    ['localhost', 'unknown-suffix'],
    ['http://localhost:3000', 'unknown-suffix'],
    ['intranet.local', 'unknown-suffix'],
    ['acme.notarealtld', 'unknown-suffix'],
    ['co.uk', 'public-suffix'],
    ['.com', 'public-suffix'],
    ['github.io', 'public-suffix'],
    ['not a website', 'malformed'],
  ])('rejects %j (%s) with a message that says what to give instead', (input, reason) => {
    let error: unknown;
    try {
      normaliseDomain(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDomainError);
    expect((error as InvalidDomainError).reason).toBe(reason);
    expect((error as InvalidDomainError).input).toBe(input);
    expect((error as Error).message).toMatch(/acme\.com/);
  });

  it('tryNormaliseDomain and isSameSite never throw', () => {
    expect(tryNormaliseDomain('localhost')).toBeNull();
    expect(tryNormaliseDomain(null)).toBeNull();
    expect(isSameSite('https://blog.acme.com/post', 'acme.com')).toBe(true);
    expect(isSameSite('https://acme.com.evil.io/', 'acme.com')).toBe(false);
    expect(isSameSite('http://10.0.0.1/', 'acme.com')).toBe(false);
  });
});
