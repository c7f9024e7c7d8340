import type { CompanyAddress, Technology } from '../../../providers/company/company.types';
import type { Sourced } from '../../../providers/core/provenance';

export interface PhoneNumber {
  /** E.164 (`+14155550100`) when libphonenumber could parse it, otherwise the digits as written. */
  number: string;
  e164: boolean;
  /** As written on the page. */
  raw: string;
  /** ISO 3166-1 alpha-2 of the number, when known. */
  country?: string;
  /** What the page says it is for (`sales`, `support`…), when it says. */
  label?: string;
}

export interface PublicEmail {
  address: string;
  /**
   * `role`: a shared mailbox (info@, sales@, support@…), fine to store and show.
   * `personal`: looks like a person's address (jane.doe@…); kept, but callers should treat it as
   * personal data.
   */
  kind: 'role' | 'personal';
  /** Whether the mailbox is on the company's own domain. */
  same_domain: boolean;
}

export interface DetectedTechnology extends Technology {
  version?: string;
  /** Which signals matched: `headers:server`, `scriptSrc`, `meta:generator`, `html`, `dom`, `implied`… */
  signals: string[];
  /** Set when the technology was not seen but implied by another one (WordPress → PHP). */
  implied_by?: string;
}

/**
 * Everything keyless extraction found on a site. Every field is a list of candidates, each with
 * provenance (`method: 'scrape'`, `source`: the page URL, `detail`: how it was found, `evidence`:
 * every page that showed it). Nothing is chosen here: `mergeProfile` does that.
 */
export type ExtractedFacts = {
  name: Sourced<string>[];
  legal_name: Sourced<string>[];
  description: Sourced<string>[];
  slogan: Sourced<string>[];
  logo_url: Sourced<string>[];
  /** Origin of the company site, e.g. `https://acme.com`. */
  website: Sourced<string>[];
  industry_keywords: Sourced<string>[];
  founded_year: Sourced<number>[];
  employee_count: Sourced<number>[];
  company_size: Sourced<string>[];
  headquarters: Sourced<CompanyAddress>[];
  addresses: Sourced<CompanyAddress>[];
  phones: Sourced<PhoneNumber>[];
  emails: Sourced<PublicEmail>[];
  linkedin_url: Sourced<string>[];
  twitter_url: Sourced<string>[];
  github_url: Sourced<string>[];
  youtube_url: Sourced<string>[];
  facebook_url: Sourced<string>[];
  instagram_url: Sourced<string>[];
  crunchbase_url: Sourced<string>[];
  /** Customer names the site shows (logo walls, case studies, testimonials). */
  customers: Sourced<string>[];
  technologies: Sourced<DetectedTechnology>[];
};

export type FactField = keyof ExtractedFacts;
export type FactValue<F extends FactField> = ExtractedFacts[F] extends Sourced<infer T>[]
  ? T
  : never;

export interface ExtractOptions {
  taskId?: string | null;
}
