import type { CheerioAPI } from 'cheerio';
import type { CountryCode } from 'libphonenumber-js';
import { fromPostalAddress } from './addresses';
import { classifyEmail, parsePhone } from './contacts.extractor';
import { toCountryCode } from './country';
import { isSameSite } from './domain';
import type { FactSink } from './fact-sink';
import { absoluteUrl, cleanText, originOf, yearOf, type PageDoc } from './html-page';
import { pageItems, type MarkupItem } from './markup-items';
import { classifySocialUrl } from './social-profiles';

type Node = Record<string, unknown>;

/**
 * schema.org types that describe an organisation: Organization and its subtypes, LocalBusiness
 * and the LocalBusiness subtypes sites commonly use. (Types are vocabulary, not heuristics.)
 */
const ORGANIZATION_TYPES = new Set([
  'Organization',
  'Corporation',
  'LocalBusiness',
  'OnlineBusiness',
  'OnlineStore',
  'NGO',
  'Airline',
  'Consortium',
  'EducationalOrganization',
  'CollegeOrUniversity',
  'GovernmentOrganization',
  'MedicalOrganization',
  'NewsMediaOrganization',
  'ResearchOrganization',
  'SportsOrganization',
  'WorkersUnion',
  'ProfessionalService',
  'FinancialService',
  'LegalService',
  'Store',
  'AutomotiveBusiness',
  'HomeAndConstructionBusiness',
  'FoodEstablishment',
  'Restaurant',
  'LodgingBusiness',
  'HealthAndBeautyBusiness',
  'EmploymentAgency',
  'RealEstateAgent',
  'TravelAgency',
  'InternetCafe',
  'MedicalBusiness',
  'Dentist',
  'EntertainmentBusiness',
  'SportsActivityLocation',
]);

/** The many LocalBusiness subtypes not listed above follow schema.org's naming. */
const ORGANIZATION_SUFFIX = /(?:Organization|Business|Store|Agency)$/;

/** Where an organisation without a `url` may sit and still be the site's own. */
const OWN_ORG_SLOTS = new Set([null, 'publisher', 'mainEntity', 'about', 'copyrightHolder']);

/** Control characters (raw newlines and tabs inside JSON strings). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f]+/g;

interface Found {
  node: Node;
  /** The property it was found under (null at the top level or in `@graph`). */
  via: string | null;
}

/** Parses every JSON-LD block of a page, tolerating the usual hand-written mistakes. */
export function jsonLdBlocks($: CheerioAPI): unknown[] {
  const out: unknown[] = [];
  $('script[type="application/ld+json" i]').each((_, el) => {
    const raw = $(el).text().trim();
    if (!raw) return;
    for (const attempt of [
      raw,
      // raw newlines inside strings, trailing commas: common in hand-written blocks
      raw.replace(CONTROL_CHARS, ' ').replace(/,\s*([}\]])/g, '$1'),
    ]) {
      try {
        out.push(JSON.parse(attempt));
        return;
      } catch {
        // try the next repair; an unreadable block is skipped
      }
    }
  });
  return out;
}

function collect(value: unknown, via: string | null, out: Found[], depth: number): void {
  if (depth > 8 || value == null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, via, out, depth + 1);
    return;
  }
  const node = value as Node;
  if (node['@type'] != null) out.push({ node, via });
  for (const [k, v] of Object.entries(node)) {
    if (k === '@context') continue;
    collect(v, k === '@graph' ? via : k, out, depth + 1);
  }
}

export function typesOf(node: Node): string[] {
  const t = node['@type'];
  const list = Array.isArray(t) ? t : [t];
  return list
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.replace(/^(?:https?:\/\/schema\.org\/|schema:)/i, ''));
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v == null ? [] : [v]);
const asText = (v: unknown): string | null =>
  typeof v === 'string'
    ? cleanText(v) || null
    : typeof v === 'number'
      ? String(v)
      : Array.isArray(v)
        ? (v.map(asText).find(Boolean) ?? null)
        : null;

/** The syntax a schema.org node was written in: it names the candidates' `detail`. */
export type MarkupSyntax = 'json-ld' | 'microdata' | 'rdfa';

/**
 * Confidence of an organisation's facts by syntax: with a `url` on the site / without one (then
 * it is the site's own by where it sits: top level, publisher, mainEntity…). JSON-LD is written
 * for machines; microdata and RDFa wrap the visible text, so a stray property is likelier.
 */
const ORG_CONFIDENCE: Record<MarkupSyntax, [number, number]> = {
  'json-ld': [0.9, 0.75],
  microdata: [0.85, 0.75],
  rdfa: [0.85, 0.75],
};

/** The first plausible year in a date as sites write it ("2014-03-01", "1994", "März 1994"). */
function yearIn(v: unknown): number | null {
  const m = /(?:^|\D)(1[6-9]\d{2}|20\d{2})(?!\d)/.exec(String(asText(v) ?? ''));
  return m ? Number(m[1]) : null;
}

/**
 * Company facts from the page's JSON-LD: the organisation the site declares about itself
 * (`Organization`, `Corporation`, `LocalBusiness` and subtypes, in `@graph` arrays or nested as
 * `publisher`), with `@id` references resolved. An organisation whose `url` is another site
 * (a customer, a partner, a review's author) is not the company and is skipped.
 */
export function extractJsonLd(doc: PageDoc, sink: FactSink, country?: CountryCode): void {
  if (!doc.$) return;
  const found: Found[] = [];
  for (const block of jsonLdBlocks(doc.$)) collect(block, null, found, 0);
  const byId = new Map<string, Node>();
  for (const { node } of found) {
    const id = node['@id'];
    if (typeof id === 'string') byId.set(id, { ...byId.get(id), ...node });
  }
  const deref = (v: unknown): unknown => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const id = (v as Node)['@id'];
      if (typeof id === 'string' && Object.keys(v).length === 1) return byId.get(id) ?? v;
    }
    return v;
  };

  organizations(found, deref, doc, sink, 'json-ld', country);
}

/**
 * Company facts from the page's schema.org microdata and RDFa Lite: the same organisations,
 * read the same way as JSON-LD (see extractJsonLd), with `detail` `microdata` or `rdfa`.
 */
export function extractMarkup(doc: PageDoc, sink: FactSink, country?: CountryCode): void {
  if (!doc.$) return;
  const asFound = (items: MarkupItem[]): Found[] => items.map(({ node, via }) => ({ node, via }));
  const same = (v: unknown) => v;
  const { microdata, rdfa } = pageItems(doc.$, doc.url);
  organizations(asFound(microdata), same, doc, sink, 'microdata', country);
  organizations(asFound(rdfa), same, doc, sink, 'rdfa', country);
}

function organizations(
  found: Found[],
  deref: (v: unknown) => unknown,
  doc: PageDoc,
  sink: FactSink,
  syntax: MarkupSyntax,
  country?: CountryCode,
): void {
  const done = new Set<Node>();
  const [withUrl, withoutUrl] = ORG_CONFIDENCE[syntax];
  for (const { node: ref, via } of found) {
    const node = (deref(ref) as Node) ?? ref;
    if (done.has(node)) continue;
    const types = typesOf(node);
    if (types.includes('WebSite')) {
      const name = asText(node.name);
      if (name) sink.add('name', name, { doc, detail: `${syntax}-website`, confidence: 0.55 });
      continue;
    }
    if (!types.some((t) => ORGANIZATION_TYPES.has(t) || ORGANIZATION_SUFFIX.test(t))) continue;
    const url = asText(node.url);
    const own = url
      ? isSameSite(absoluteUrl(url, doc.url), doc.siteDomain)
      : OWN_ORG_SLOTS.has(via);
    if (!own) continue;
    done.add(node);
    organizationFacts(node, deref, doc, sink, syntax, url ? withUrl : withoutUrl, country);
  }
}

function organizationFacts(
  org: Node,
  deref: (v: unknown) => unknown,
  doc: PageDoc,
  sink: FactSink,
  syntax: MarkupSyntax,
  confidence: number,
  country?: CountryCode,
): void {
  const at = { doc, detail: syntax, confidence };
  const name = asText(org.name);
  if (name) sink.add('name', name, at);
  const legal = asText(org.legalName);
  if (legal) sink.add('legal_name', legal, at);
  const description = asText(org.description);
  if (description && description.length >= 20) sink.add('description', description, at);
  const slogan = asText(org.slogan);
  if (slogan) sink.add('slogan', slogan, at);

  for (const l of asList(org.logo).map(deref)) {
    const src =
      typeof l === 'string' ? l : (asText((l as Node)?.contentUrl) ?? asText((l as Node)?.url));
    const abs = absoluteUrl(src, doc.url);
    if (abs) sink.add('logo_url', abs, at);
  }
  const website = originOf(absoluteUrl(asText(org.url), doc.url));
  if (website) sink.add('website', website, at);

  for (const s of asList(org.sameAs)) {
    const profile = typeof s === 'string' ? classifySocialUrl(s) : null;
    if (profile) sink.add(profile.field, profile.url, at);
  }

  const year = yearIn(org.foundingDate);
  const thisYear = yearOf(doc.page) ?? 9999;
  if (year && year >= 1600 && year <= thisYear) sink.add('founded_year', year, at);

  employees(deref(org.numberOfEmployees), doc, sink, at);

  const addresses = [
    ...asList(org.address).map(deref),
    ...asList(org.location)
      .map(deref)
      .map((p) => (p && typeof p === 'object' ? deref((p as Node).address) : null)),
  ];
  let first = true;
  // the country of the organisation's own address reads its national phone numbers
  let own: CountryCode | undefined;
  for (const a of addresses) {
    const address = fromPostalAddress(a, country);
    if (!address) continue;
    if (first) sink.add('headquarters', address, at);
    first = false;
    own ??= toCountryCode(address.country);
    sink.add('addresses', address, at);
  }
  const phoneCountry = own ?? country;

  const points = [org, ...asList(org.contactPoint).map(deref)].filter(
    (p): p is Node => !!p && typeof p === 'object',
  );
  for (const p of points) {
    const label = p === org ? undefined : (asText(p.contactType)?.toLowerCase() ?? undefined);
    for (const t of asList(p.telephone)) {
      const phone = typeof t === 'string' ? parsePhone(t, phoneCountry, label) : null;
      if (phone) sink.add('phones', phone, at);
    }
    for (const e of asList(p.email)) {
      const email = typeof e === 'string' ? classifyEmail(e, doc.siteDomain) : null;
      if (email) sink.add('emails', email, at);
    }
  }

  const keywords = [
    ...asList(org.keywords).flatMap((k) => (typeof k === 'string' ? k.split(',') : [])),
    ...asList(org.knowsAbout).map((k) => (typeof k === 'string' ? k : asText((k as Node)?.name))),
  ];
  for (const k of keywords.slice(0, 15)) {
    const kw = cleanText(k ?? '');
    if (kw && kw.length <= 60) sink.add('industry_keywords', kw, { ...at, confidence: 0.8 });
  }
}

/** `numberOfEmployees`: a number, or a QuantitativeValue with `value` or a min–max range. */
function employees(
  v: unknown,
  doc: PageDoc,
  sink: FactSink,
  at: { doc: PageDoc; detail: string; confidence: number },
): void {
  const num = (x: unknown) => (typeof x === 'number' ? x : typeof x === 'string' ? Number(x) : NaN);
  if (typeof v === 'number' || typeof v === 'string') {
    const n = num(v);
    if (Number.isInteger(n) && n > 0) sink.add('employee_count', n, at);
    return;
  }
  if (!v || typeof v !== 'object') return;
  const q = v as Node;
  const value = num(q.value);
  if (Number.isInteger(value) && value > 0) sink.add('employee_count', value, at);
  const min = num(q.minValue);
  const max = num(q.maxValue);
  if (Number.isInteger(min) && Number.isInteger(max) && max >= min) {
    sink.add('company_size', `${min}-${max}`, at);
  }
}
