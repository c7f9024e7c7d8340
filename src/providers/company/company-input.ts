import { ProviderError } from '../core/provider-error';
import type { CompanyLookupInput } from './company.types';
import { matchLinkedinPath } from '../http/linkedin-url';

const HOST_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * The host a company-data vendor is asked about: `https://www.Acme.com/about` → `acme.com`.
 * Vendors want a bare domain (no scheme, `www.` or path); an invalid one is refused here, before a
 * credit is spent on it.
 */
export function lookupDomain(input: CompanyLookupInput | undefined, vendor: string): string {
  const raw = typeof input?.domain === 'string' ? input.domain.trim().toLowerCase() : '';
  if (!raw) {
    throw new ProviderError('BAD_INPUT', `${vendor} needs a \`domain\` (e.g. "acme.com")`, {
      retryable: false,
    });
  }
  let host = raw;
  try {
    host = new URL(raw.includes('://') ? raw : `http://${raw}`).hostname;
  } catch {
    /* validated below */
  }
  host = host.replace(/\.$/, '').replace(/^www\./, '');
  if (!HOST_RE.test(host)) {
    throw new ProviderError('BAD_INPUT', `${vendor}: "${raw.slice(0, 100)}" is not a domain name`, {
      retryable: false,
    });
  }
  return host;
}

/** A LinkedIn company page URL, normalised to `https://www.linkedin.com/company/<slug>`. */
export function lookupLinkedinCompanyUrl(
  input: CompanyLookupInput | undefined,
  vendor: string,
): string {
  const raw = typeof input?.linkedin_url === 'string' ? input.linkedin_url.trim() : '';
  const slug = matchLinkedinPath(raw, /^\/(company|school|showcase)\/([^/?#]+)/i);
  if (!slug) {
    throw new ProviderError(
      'BAD_INPUT',
      `${vendor} needs a LinkedIn company URL in \`linkedin_url\` (e.g. https://www.linkedin.com/company/acme), got "${raw.slice(0, 100)}"`,
      { retryable: false },
    );
  }
  return `https://www.linkedin.com/${slug[1].toLowerCase()}/${slug[2]}`;
}

const CURRENCY_SYMBOLS: Record<string, string> = {
  $: 'USD',
  US$: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  C$: 'CAD',
  A$: 'AUD',
};

/** "$", "US$", "EUR" → ISO 4217 code (unknown symbols are returned as given). */
export function currencyCode(symbol: string | null | undefined): string | undefined {
  const s = symbol?.trim();
  if (!s) return undefined;
  return CURRENCY_SYMBOLS[s] ?? (/^[A-Za-z]{3}$/.test(s) ? s.toUpperCase() : s);
}

const SCALE: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/**
 * Vendors' printed amounts: `7M`, `251.2M`, `US$ 10.5M`, `1,500,000`, 2500000 → a number, with
 * the currency when the text names one.
 */
export function parseMoney(
  value: string | number | null | undefined,
): { amount: number; currency?: string } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? { amount: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = value
    .trim()
    .match(/^([A-Za-z]{0,3}[$€£¥₹]?)\s*([\d,]+(?:\.\d+)?)\s*([kmbt])?\b\s*([A-Za-z]{3})?$/i);
  if (!m) return undefined;
  const amount = Number(m[2].replace(/,/g, '')) * (m[3] ? SCALE[m[3].toLowerCase()] : 1);
  if (!Number.isFinite(amount)) return undefined;
  const currency = currencyCode(m[1] || m[4]);
  return { amount: Math.round(amount), ...(currency ? { currency } : {}) };
}

/** The host of a website URL without `www.`, for `CompanyProfile.domain`. */
export function hostOf(website: string | null | undefined): string | undefined {
  if (!website) return undefined;
  try {
    const host = new URL(website.includes('://') ? website : `http://${website}`).hostname;
    return host.replace(/^www\./, '').toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}
