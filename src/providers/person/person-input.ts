import { ProviderError } from '../core/provider-error';
import { matchLinkedinPath } from '../http/linkedin-url';
import type { PersonLookupInput } from './person.types';

/**
 * A LinkedIn profile URL, normalised to `https://www.linkedin.com/in/<slug>` (what the LinkedIn-data
 * vendors take): any scheme, `www.`, country subdomain, trailing path or query is dropped. Anything
 * that is not a profile URL is refused here, before a credit is spent on it.
 */
export function lookupLinkedinProfileUrl(
  input: PersonLookupInput | undefined,
  vendor: string,
): string {
  const raw = typeof input?.linkedin_url === 'string' ? input.linkedin_url.trim() : '';
  const slug = matchLinkedinPath(raw, /^\/in\/([^/?#]+)/i);
  if (!slug) {
    throw new ProviderError(
      'BAD_INPUT',
      `${vendor} needs a LinkedIn profile URL in \`linkedin_url\` (e.g. https://www.linkedin.com/in/jane-doe), got "${raw.slice(0, 100)}"`,
      { retryable: false },
    );
  }
  return `https://www.linkedin.com/in/${slug[1]}`;
}

/** "2021-08-01", "2021-08" or "2021" from a `{day, month, year}` date (null parts left out). */
export function isoDateOf(
  d: { day?: number | null; month?: number | null; year?: number | null } | null | undefined,
): string | undefined {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (!d || !Number.isInteger(d.year)) return undefined;
  const year = String(d.year).padStart(4, '0');
  if (!Number.isInteger(d.month) || d.month! < 1 || d.month! > 12) return year;
  if (!Number.isInteger(d.day) || d.day! < 1 || d.day! > 31) return `${year}-${pad(d.month!)}`;
  return `${year}-${pad(d.month!)}-${pad(d.day!)}`;
}
