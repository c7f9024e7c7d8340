import { parse } from 'tldts';

export type InvalidDomainReason =
  'empty' | 'malformed' | 'ip-address' | 'public-suffix' | 'unknown-suffix';

/** The input names no registrable domain, so it cannot key an account. */
export class InvalidDomainError extends Error {
  override readonly name = 'InvalidDomainError';
  constructor(
    readonly input: string,
    readonly reason: InvalidDomainReason,
    message: string,
  ) {
    super(message);
  }
}

const EXAMPLE = "give the company's website, e.g. acme.com or https://www.acme.co.uk";

/**
 * The registrable domain ("eTLD+1") of a website, URL, host name or e-mail address, in lower-case
 * ASCII (IDNs as punycode A-labels): `https://www.shop.example.co.uk:8443/x?y` → `example.co.uk`,
 * `münchen.de` → `xn--mnchen-3ya.de`.
 *
 * Public-suffix aware (tldts), private suffixes included, so `acme.github.io` stays the account of
 * Acme rather than of GitHub. Host parsing is the WHATWG URL parser's, which also reads every IPv4
 * spelling (`0x7f.1`, `2130706433`) as the address it is.
 *
 * @throws InvalidDomainError for IPs, `localhost`, `.local`/unknown suffixes and bare suffixes.
 */
export function normaliseDomain(input: string): string {
  const raw = (input ?? '').trim();
  if (!raw) throw new InvalidDomainError(input, 'empty', `The website is empty; ${EXAMPLE}`);

  const host = hostOf(raw);
  if (host == null) {
    throw new InvalidDomainError(input, 'malformed', `"${raw}" is not a website; ${EXAMPLE}`);
  }
  const parsed = parse(host, { allowPrivateDomains: true });
  if (parsed.isIp || host.startsWith('[')) {
    throw new InvalidDomainError(
      input,
      'ip-address',
      `"${raw}" is an IP address, which names no company; ${EXAMPLE}`,
    );
  }
  if (!parsed.isIcann && !parsed.isPrivate) {
    throw new InvalidDomainError(
      input,
      'unknown-suffix',
      `"${raw}" does not end in a public suffix (like .com or .co.uk), so it is not a public website; ${EXAMPLE}`,
    );
  }
  if (!parsed.domain) {
    throw new InvalidDomainError(
      input,
      'public-suffix',
      `"${raw}" is a public suffix shared by many sites, not one company's domain; ${EXAMPLE}`,
    );
  }
  return parsed.domain;
}

/** `normaliseDomain`, or null when the input has no registrable domain. */
export function tryNormaliseDomain(input: string | null | undefined): string | null {
  if (!input) return null;
  try {
    return normaliseDomain(input);
  } catch {
    return null;
  }
}

/** Whether `url` is on the registrable domain `domain` (any subdomain). */
export function isSameSite(url: string | null | undefined, domain: string | null): boolean {
  if (!url || !domain) return false;
  return tryNormaliseDomain(url) === domain;
}

/** Lower-case ASCII host of a URL-ish input, without trailing dot; null when unparseable. */
function hostOf(raw: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
    ? raw
    : raw.startsWith('//')
      ? `http:${raw}`
      : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  const host = url.hostname.replace(/\.+$/, '');
  if (!host || /\s/.test(host)) return null;
  return host;
}
