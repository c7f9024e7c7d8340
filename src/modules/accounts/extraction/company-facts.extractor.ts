import type { CountryCode } from 'libphonenumber-js';
import type { WebPage } from '../../../providers/web/web-read.types';
import { extractAddresses } from './addresses';
import { extractContacts } from './contacts.extractor';
import { countryFromDomain, countryFromLang, toCountryCode } from './country';
import { tryNormaliseDomain } from './domain';
import type { ExtractedFacts, ExtractOptions } from './extraction.types';
import { FactSink } from './fact-sink';
import { loadPage, visibleText, yearOf, type PageDoc } from './html-page';
import { extractJsonLd } from './json-ld.extractor';
import { extractMetaTags } from './meta-tags.extractor';
import { extractCustomers } from './customers.extractor';
import { findSocialProfiles } from './social-profiles';
import { extractTechnologies } from './technologies.extractor';
import type { FingerprintSet } from './technology-fingerprints';
import { comparisonKey, nameKey } from './value-keys';

export interface ExtractCompanyFactsOptions extends ExtractOptions {
  /** Technology fingerprints to match; the bundled dataset when absent. */
  fingerprints?: FingerprintSet;
}

const SOCIAL_CONFIDENCE = { 'rel-me': 0.75, 'site-link': 0.65, 'body-link': 0.4 } as const;

const FOUNDED =
  /\b(?:founded|established|incorporated|started|launched)(?:\s+by\s+[^.\d]{1,60}?)?\s+(?:in\s+)?(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+)?(1[6-9]\d{2}|20\d{2})\b/gi;
const SINCE = /\b(?:since|est\.?)\s+(1[6-9]\d{2}|20\d{2})\b/gi;

/**
 * Keyless extraction: company facts from the pages the web reader returned (home, about,
 * contact, customers…), every value a candidate with its provenance. Pure and synchronous: no
 * I/O, the same pages give the same facts.
 *
 * Reads JSON-LD (Organization and subtypes), microdata and microformats, OpenGraph and meta
 * tags, `rel=me` / footer links, `tel:` / `mailto:` links and contact blocks, customer logo walls
 * and case studies, and technology fingerprints. Pages that failed (status ≥ 400) are ignored.
 */
export function extractCompanyFacts(
  pages: WebPage[],
  opts: ExtractCompanyFactsOptions = {},
): ExtractedFacts {
  const sink = new FactSink(opts.taskId ?? null);
  const usable = dedupe(pages.filter((p) => p.status < 400 && (p.html || p.text)));
  if (!usable.length) return sink.build();

  const siteDomain = tryNormaliseDomain(usable[0].final_url || usable[0].url);
  const docs = usable.map((p) => loadPage(p, siteDomain));
  if (!docs.some((d) => d.kind === 'home')) docs[0].kind = 'home';
  const home = docs.find((d) => d.kind === 'home')!;

  let country: CountryCode | undefined =
    countryFromDomain(siteDomain) ?? countryFromLang(home.page.lang);
  for (const doc of docs) {
    extractJsonLd(doc, sink, country);
    extractMetaTags(doc, sink);
  }
  for (const doc of docs) extractAddresses(doc, sink);
  // The country of the company's own address reads its national phone numbers ("(510) 555-0147").
  country = addressCountry(sink) ?? country;

  for (const doc of docs) {
    extractContacts(doc, sink, country);
    for (const p of findSocialProfiles(doc)) {
      sink.add(p.field, p.url, { doc, detail: p.detail, confidence: SOCIAL_CONFIDENCE[p.detail] });
    }
    extractFoundedYear(doc, sink);
  }

  const ownKeys = new Set(sink.values('name').map((n) => nameKey(n.value)));
  if (siteDomain) ownKeys.add(nameKey(siteDomain.split('.')[0]));
  for (const doc of docs) {
    extractCustomers(doc, sink, ownKeys);
    extractTechnologies(doc, sink, opts.fingerprints);
  }

  singleAddressAsHeadquarters(docs, sink);
  return sink.build();
}

/** Country of the headquarters, else of the best address: structured, or a one-line form's last part. */
function addressCountry(sink: FactSink): CountryCode | undefined {
  const ranked = [...sink.values('headquarters'), ...sink.values('addresses')].sort(
    (a, b) => b.confidence - a.confidence,
  );
  for (const { value } of ranked) {
    const code = toCountryCode(value.country) ?? toCountryCode(value.formatted?.split(',').pop());
    if (code) return code;
  }
  return undefined;
}

/** A reader may return the same page twice (redirects to one URL): read it once. */
function dedupe(pages: WebPage[]): WebPage[] {
  const seen = new Set<string>();
  return pages.filter((p) => {
    const key = comparisonKey('url', p.final_url || p.url);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "Founded in 2012", "established 1998", "since 1987" on the home and about pages. */
function extractFoundedYear(doc: PageDoc, sink: FactSink): void {
  if (doc.kind !== 'home' && doc.kind !== 'about') return;
  const text = doc.$ ? visibleText(doc.$, doc.$('body')) : doc.page.text;
  const maxYear = yearOf(doc.page) ?? 9999;
  for (const [re, confidence] of [
    [FOUNDED, 0.5],
    [SINCE, 0.35],
  ] as const) {
    for (const m of text.matchAll(re)) {
      const year = Number(m[1]);
      if (year <= maxYear) sink.add('founded_year', year, { doc, detail: 'text', confidence });
    }
  }
}

/**
 * When the site shows one address only and declares no headquarters, that address is probably
 * the headquarters; a weak candidate, which any declared one outranks.
 */
function singleAddressAsHeadquarters(docs: PageDoc[], sink: FactSink): void {
  if (sink.has('headquarters')) return;
  const addresses = sink.values('addresses');
  const keys = new Set(addresses.map((a) => comparisonKey('address', a.value)));
  if (keys.size !== 1) return;
  const best = [...addresses].sort((a, b) => b.confidence - a.confidence)[0];
  const doc = docs.find((d) => d.url === best.source);
  if (doc) {
    sink.add('headquarters', best.value, {
      doc,
      detail: 'only-address',
      confidence: Math.min(0.5, best.confidence),
    });
  }
}
