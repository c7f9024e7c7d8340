import type { CountryCode } from 'libphonenumber-js';
import type { WebPage } from '../../../providers/web/web-read.types';
import { parseAddress } from './address-parser';
import { extractAddresses } from './addresses';
import { extractContacts } from './contacts.extractor';
import { countryFromDomain, countryFromLang, countryOfLanguage, toCountryCode } from './country';
import { tryNormaliseDomain } from './domain';
import type { ExtractedFacts, ExtractOptions } from './extraction.types';
import { FactSink } from './fact-sink';
import { loadPage, visibleText, yearOf, type PageDoc } from './html-page';
import { extractJsonLd, extractMarkup } from './json-ld.extractor';
import { extractMetaTags } from './meta-tags.extractor';
import { extractCustomers } from './customers.extractor';
import { extractCopyrightName } from './names.extractor';
import { findSocialProfiles } from './social-profiles';
import { extractTechnologies } from './technologies.extractor';
import type { FingerprintSet } from './technology-fingerprints';
import { comparisonKey, nameKey } from './value-keys';

export interface ExtractCompanyFactsOptions extends ExtractOptions {
  /** Technology fingerprints to match; the bundled dataset when absent. */
  fingerprints?: FingerprintSet;
}

const SOCIAL_CONFIDENCE = { 'rel-me': 0.75, 'site-link': 0.65, 'body-link': 0.4 } as const;

/**
 * "Founded in 2012", "established 1998", "Founded: 1987", "founded by two welders in 2016", and
 * the same in the languages company sites are most often written in ("gegründet 1994", "fondée
 * en 2003", "fundada en 1990"). A copyright range ("© 1998–2024") says when the site started,
 * not the company: it is not read.
 */
const FOUNDED =
  /\b(?:founded|established|incorporated|started|launched|gegründet|gegr\.|fondée?|fundad[ao]|fondat[ao]|opgericht|grundat|grundlagt)(?:\s+(?:by|par|von|por|da|door|av|af)\s+[^.\d]{1,60}?)?(?:\s*[:,]\s*|\s+)(?:(?:in|en|im|nel|em|sinds?|i)\s+)?(?:(?:January|February|March|April|May|June|July|August|September|October|November|December|Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\s+)?(1[6-9]\d{2}|20\d{2})\b/giu;
/** A timeline's entry: "1987 – Acme is founded in a garage", "2009: Oakridge founded". */
const TIMELINE =
  /(?:^|\n)\s*(1[6-9]\d{2}|20\d{2})\s*[:–—-]\s*(?:[^.\n]{0,60}?\s)?(?:founded|established|incorporated|gegründet|fondée?|fundad[ao])\b/giu;
/** "since 1958", "est. 1962", "seit 1994": weaker (a product, an office or a partnership may be meant). */
const SINCE = /\b(?:since|est\.?|seit)\s+(1[6-9]\d{2}|20\d{2})\b/gi;

/**
 * Keyless extraction: company facts from the pages the web reader returned (home, about,
 * contact, customers…), every value a candidate with its provenance. Pure and synchronous: no
 * I/O, the same pages give the same facts.
 *
 * Reads schema.org organisations in JSON-LD, microdata and RDFa Lite (Organization and subtypes),
 * microformats, OpenGraph and meta tags, the title, the logo and the copyright notice,
 * `rel=me` / footer links, `tel:` / `mailto:` links, contact details and addresses written as
 * text (obfuscated e-mails included), customer logo walls, lists and case studies, and technology
 * fingerprints. Pages that failed (status ≥ 400) are ignored.
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

  const lang = home.page.lang ?? home.$?.('html').attr('lang') ?? null;
  let country: CountryCode | undefined =
    countryFromDomain(siteDomain) ?? countryFromLang(lang) ?? countryOfLanguage(lang);
  for (const doc of docs) {
    extractJsonLd(doc, sink, country);
    extractMarkup(doc, sink, country);
    extractMetaTags(doc, sink);
    extractCopyrightName(doc, sink);
  }
  for (const doc of docs) extractAddresses(doc, sink, country);
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
    const code =
      toCountryCode(value.country) ??
      toCountryCode(parseAddress(value.formatted ?? '')?.country ?? undefined);
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
  const body = doc.$ ? visibleText(doc.$, doc.$('body')) : doc.page.text;
  const text = `${doc.page.title ?? ''}\n${body}`;
  const maxYear = yearOf(doc.page) ?? 9999;
  for (const [re, confidence] of [
    [FOUNDED, 0.5],
    [TIMELINE, 0.45],
    [SINCE, 0.35],
  ] as const) {
    for (const m of text.matchAll(re)) {
      const year = Number(m[1]);
      if (year <= maxYear) sink.add('founded_year', year, { doc, detail: 'text', confidence });
    }
  }
}

/**
 * When the site declares no headquarters, the address it shows is probably the headquarters: its
 * only address (`only-address`), or, of several, the one shown on the most pages, then on the
 * home page (`main-address`: the footer address of a site with offices listed on a contact
 * page). Weak candidates, which any declared one outranks.
 */
function singleAddressAsHeadquarters(docs: PageDoc[], sink: FactSink): void {
  if (sink.has('headquarters')) return;
  const addresses = sink.values('addresses');
  if (!addresses.length) return;
  const groups = new Map<string, typeof addresses>();
  for (const a of addresses) {
    const key = comparisonKey('address', a.value);
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const best = (list: typeof addresses) =>
    [...list].sort(
      (a, b) => b.confidence - a.confidence || Number(!!b.value.city) - Number(!!a.value.city),
    )[0];
  const home = docs.find((d) => d.kind === 'home')?.url;
  const ranked = [...groups.values()]
    .map((list) => ({
      best: best(list),
      pages: new Set(list.flatMap((c) => c.evidence ?? [c.source])).size,
      onHome: list.some((c) => (c.evidence ?? [c.source]).includes(home ?? '')),
    }))
    .sort((a, b) => b.pages - a.pages || Number(b.onHome) - Number(a.onHome));
  const only = ranked.length === 1;
  const top = ranked[0];
  // two addresses on as many pages, neither on the home page: no telling which is the main one
  if (!only && ranked[1].pages === top.pages && ranked[1].onHome === top.onHome) return;
  const doc = docs.find((d) => d.url === top.best.source);
  if (doc) {
    sink.add('headquarters', top.best.value, {
      doc,
      detail: only ? 'only-address' : 'main-address',
      confidence: Math.min(only ? 0.5 : 0.4, top.best.confidence),
    });
  }
}
