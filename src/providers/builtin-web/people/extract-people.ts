import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import { getDomain } from 'tldts';
import { DomNode, nestingCutoff } from '../html-readable';
import { cardPeople } from './card-people';
import { isTeamHeading, isTestimonial } from './card-context';
import { indexPage } from './page-index';
import { clean, employerIn, fold, isOwnOrganization, nameParts, tidyTitle } from './person-text';
import { DeclaredPerson, jsonLdPeople, markupPeople } from './structured-people';

/**
 * The people a page presents as the organisation's own, from every class of markup: schema.org
 * (JSON-LD, microdata, RDFa), repeated cards, flat lists and tables. Customers quoted in
 * testimonials, authors of posts and people whose title names another employer are left out;
 * the same person found twice is kept once, with the details of both.
 */

export interface OwnOrganization {
  name?: string;
  /** Registrable domain. */
  domain?: string;
}

export interface ExtractOptions {
  organization: OwnOrganization;
  /** Persona titles the caller looks for: texts holding one count as job titles. */
  titles?: readonly string[];
  /** The page is a team / leadership page: a lone card counts too. */
  teamPage?: boolean;
}

export interface PagePerson {
  name: string;
  first_name?: string;
  last_name?: string;
  title?: string;
  linkedin_url?: string;
  photo_url?: string;
  about?: string;
  /** The page the person was read from. */
  source_url: string;
}

/** Parses a page for the extractors (a pathologically deep document is cut where it gets too deep). */
export function parsePage(html: string): CheerioAPI {
  const cutoff = nestingCutoff(html);
  return cheerio.load(cutoff === null ? html : html.slice(0, cutoff));
}

const ORGANIZATION_TYPE = /Organization$|Corporation$|Business$|^Store$|^NGO$/;

/**
 * The name the site gives itself: og:site_name, its JSON-LD Organization's name, else the part of
 * its <title> that holds the domain's name ("Ironbridge Castings Ltd - Precision castings").
 */
export function siteNameOf($: CheerioAPI, domain?: string): string | undefined {
  const og = clean($('meta[property="og:site_name"]').attr('content'));
  if (og) return og;
  const declared = jsonLdOrganizationName($);
  if (declared) return declared;
  const label = fold((domain ?? '').split('.')[0] ?? '').replace(/ /g, '');
  if (label.length < 3) return undefined;
  return clean($('title').first().text())
    .split(/\s+[|–—·:-]\s+/)
    .map((part) => clean(part))
    .find((part) => part.length <= 60 && fold(part).replace(/ /g, '').includes(label));
}

function jsonLdOrganizationName($: CheerioAPI): string | undefined {
  for (const el of $('script[type="application/ld+json" i]').toArray()) {
    try {
      const data = JSON.parse($(el).text()) as unknown;
      const graph = (data as { '@graph'?: unknown })?.['@graph'] ?? [];
      for (const n of ([] as unknown[]).concat(data, graph)) {
        const node = n as { '@type'?: unknown; name?: unknown };
        const types = ([] as unknown[]).concat(node?.['@type'] ?? []).map(String);
        if (types.some((t) => ORGANIZATION_TYPE.test(t)) && typeof node.name === 'string') {
          return clean(node.name) || undefined;
        }
      }
    } catch {
      // not JSON: no name from it
    }
  }
  return undefined;
}

/** Whether an employer the markup or a title names is another organisation. */
function otherEmployer(
  employer: { name?: string; url?: string } | string | null | undefined,
  org: OwnOrganization,
): boolean {
  if (!employer) return false;
  if (typeof employer === 'string') return !isOwnOrganization(employer, org);
  if (employer.url && org.domain) {
    try {
      const host = new URL(employer.url).hostname;
      if ((getDomain(host) ?? host) === org.domain) return false;
      if (!employer.name) return true;
    } catch {
      // not a URL: judge by the name
    }
  }
  return !!employer.name && !isOwnOrganization(employer.name, org);
}

/**
 * Completes `prior` with what another sighting of the same person adds: missing details, and a
 * more specific title ("Co-founder & CEO" over the "Founder" of an Organization's `founder`).
 */
export function completePerson(prior: PagePerson, p: Omit<PagePerson, 'source_url'>): void {
  for (const k of ['linkedin_url', 'photo_url', 'about'] as const) {
    if (!prior[k] && p[k]) prior[k] = p[k];
  }
  const [a, b] = [fold(prior.title ?? ''), fold(p.title ?? '')];
  if (b && (!a || (b.length > a.length && b.includes(a)))) prior.title = p.title;
}

/** Adds `p` to the people found so far, or completes the entry of the same person. */
function merge(into: Map<string, PagePerson>, p: Omit<PagePerson, 'source_url'>, url: string) {
  const key = fold(p.name);
  if (!key) return;
  if (p.title) p = { ...p, title: tidyTitle(p.title) };
  const prior = into.get(key);
  if (prior) completePerson(prior, p);
  else into.set(key, { ...p, ...nameParts(p.name), source_url: url });
}

/** The organisation's people on one page, in page order (declared ones first). */
export function extractPeople($: CheerioAPI, url: string, opts: ExtractOptions): PagePerson[] {
  const org = opts.organization;
  const titles = opts.titles ?? [];
  const index = indexPage($.root().get(0) as unknown as DomNode, titles);
  const people = new Map<string, PagePerson>();

  const declared: DeclaredPerson[] = [...jsonLdPeople($, url), ...markupPeople($, url)];
  for (const d of declared) {
    if (otherEmployer(d.employer, org)) continue;
    if (d.title && otherEmployer(employerIn(d.title), org)) continue;
    const at = d.el ? index.span.get(d.el) : undefined;
    if (d.el && at && isTestimonial(index, d.el, at.start)) continue;
    const { el: _el, employer: _employer, ...person } = d;
    merge(people, person, url);
  }
  const teamPage = !!opts.teamPage || isTeamHeading(clean($('h1').first().text()));
  for (const c of cardPeople(index, url, { teamPage })) {
    if (c.title && otherEmployer(employerIn(c.title), org)) continue;
    const { order: _order, ...person } = c;
    merge(people, person, url);
  }
  return [...people.values()];
}
