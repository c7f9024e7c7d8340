import { InvalidDomainError, normaliseDomain } from './extraction';

/**
 * The key an account is stored under: the registrable domain of its website (normaliseDomain:
 * scheme, www, paths and case removed, public-suffix aware). A site given as an http(s) URL on an
 * IP address or an intranet name (reachable only when WEB_FETCH_ALLOWED_HOSTS allows it, e.g. a
 * self-hosted site) has no registrable domain: it is keyed by its lower-case host and port.
 *
 * @throws InvalidDomainError when the input names neither (empty, malformed, a bare public suffix).
 */
export function accountKey(website: string): string {
  try {
    return normaliseDomain(website);
  } catch (err) {
    if (!(err instanceof InvalidDomainError)) throw err;
    if (err.reason !== 'ip-address' && err.reason !== 'unknown-suffix') throw err;
    const raw = website.trim();
    if (!/^https?:\/\//i.test(raw)) throw err;
    try {
      return new URL(raw).host.toLowerCase();
    } catch {
      throw err;
    }
  }
}

/** `accountKey`, or null when the input names no account. */
export function tryAccountKey(website: unknown): string | null {
  if (typeof website !== 'string') return null;
  try {
    return accountKey(website);
  } catch {
    return null;
  }
}

/** Why `website` cannot key an account (a sentence), or null when it can. */
export function websiteProblem(website: unknown): string | null {
  if (typeof website !== 'string' || !website.trim()) {
    return "website is required: give the company's website, e.g. acme.com";
  }
  try {
    accountKey(website);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
