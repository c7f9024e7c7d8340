import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, cleanText } from './html-page';

/**
 * schema.org items written as HTML attributes — HTML5 microdata (`itemscope` / `itemtype` /
 * `itemprop`) and RDFa Lite (`vocab` / `typeof` / `property`) — read into the node shape of
 * JSON-LD (`{"@type": [...], "name": "…", "address": {"@type": "PostalAddress", …}}`), so that
 * one reader of schema.org vocabulary serves all three syntaxes.
 */

export type MarkupNode = Record<string, unknown>;

export interface MarkupItem {
  node: MarkupNode;
  /** The property the item is the value of (null for a top-level item). */
  via: string | null;
  /** The element that holds the item. */
  el: unknown;
}

interface El {
  type?: string;
  name?: string;
  attribs?: Record<string, string>;
  children?: El[];
}

const attr = (el: El, name: string): string | undefined => el.attribs?.[name];
const tag = (el: El): string => (el.name ?? '').toLowerCase();
const childrenOf = (el: El): El[] => (el.children ?? []).filter((c) => c.type === 'tag');

/**
 * Properties whose value is text even when written on a link or an image (`<a itemprop="name"
 * href="/">Acme</a>` means the name "Acme", whatever the strict value rules say): what sites
 * mean, and what every consumer of these properties expects.
 */
const TEXT_PROPERTIES = new Set([
  'name',
  'legalName',
  'alternateName',
  'description',
  'slogan',
  'telephone',
  'faxNumber',
  'streetAddress',
  'addressLocality',
  'addressRegion',
  'postalCode',
  'addressCountry',
  'postOfficeBoxNumber',
  'foundingDate',
  'numberOfEmployees',
  'keywords',
  'knowsAbout',
  'contactType',
]);

/** The last segment of a type or property written as a URL or CURIE ("https://schema.org/Organization", "schema:name"). */
export function localName(term: string): string {
  return term.replace(/^.*[/#:]/, '');
}

const URL_VALUED: Record<string, string> = {
  a: 'href',
  area: 'href',
  link: 'href',
  img: 'src',
  audio: 'src',
  embed: 'src',
  iframe: 'src',
  source: 'src',
  track: 'src',
  video: 'src',
  object: 'data',
};

/** Text of an element without script and style bodies. */
function textOf($: CheerioAPI, el: El): string {
  const clone = $(el as never).clone();
  clone.find('script, style, template').remove();
  return cleanText(clone.text());
}

/**
 * A property's value by the element's kind (the microdata value rules, which RDFa Lite shares
 * for `content`): `content` of <meta> (or any element in RDFa), `datetime` of <time>, the URL of
 * links and media, `value` of <data> / <meter>, otherwise the text.
 */
function propertyValue($: CheerioAPI, el: El, prop: string, base: string): string {
  const content = attr(el, 'content');
  if (content != null) return cleanText(content);
  const name = tag(el);
  if (name === 'time') return cleanText(attr(el, 'datetime') ?? textOf($, el));
  if (name === 'data' || name === 'meter') return cleanText(attr(el, 'value') ?? textOf($, el));
  const urlAttr = URL_VALUED[name];
  // a number on a tel: link: the link is the number as dialled
  if (
    name === 'a' &&
    /^(?:telephone|faxNumber)$/.test(prop) &&
    /^tel:/i.test(attr(el, 'href') ?? '')
  ) {
    return (attr(el, 'href') ?? '').trim();
  }
  if (urlAttr) {
    const text = name === 'img' ? cleanText(attr(el, 'alt')) : textOf($, el);
    if (TEXT_PROPERTIES.has(prop) && text) return text;
    const raw = attr(el, urlAttr) ?? attr(el, 'resource');
    if (raw == null) return text;
    // mailto: / tel: stay as written (the email and telephone readers know them)
    return /^(?:mailto|tel):/i.test(raw.trim()) ? raw.trim() : (absoluteUrl(raw, base) ?? raw);
  }
  return textOf($, el);
}

function addValue(node: MarkupNode, prop: string, value: unknown): void {
  if (value == null || value === '') return;
  const prior = node[prop];
  if (prior === undefined) node[prop] = value;
  else if (Array.isArray(prior)) prior.push(value);
  else node[prop] = [prior, value];
}

/** HTML5 microdata items: every item (nested ones too), with the property each is the value of. */
export function microdataItems($: CheerioAPI, base: string): MarkupItem[] {
  const out: MarkupItem[] = [];
  const byId = new Map<string, El>();
  $('[id]').each((_, e) => {
    const id = attr(e as El, 'id');
    if (id) byId.set(id, e as El);
  });

  const readItem = (root: El, via: string | null, depth: number): MarkupNode => {
    const types = (attr(root, 'itemtype') ?? '').split(/\s+/).filter(Boolean).map(localName);
    const node: MarkupNode = types.length ? { '@type': types } : {};
    out.push({ node, via, el: root });
    const crawl = (el: El): void => {
      for (const child of childrenOf(el)) {
        const props = (attr(child, 'itemprop') ?? '').split(/\s+/).filter(Boolean).map(localName);
        const scoped = attr(child, 'itemscope') != null;
        if (props.length) {
          for (const p of props) {
            const value =
              scoped && depth < 6
                ? readItem(child, p, depth + 1)
                : propertyValue($, child, p, base);
            addValue(node, p, value);
          }
        }
        // a nested item's own properties are its own
        if (!scoped) crawl(child);
      }
    };
    crawl(root);
    for (const ref of (attr(root, 'itemref') ?? '').split(/\s+/).filter(Boolean)) {
      const el = byId.get(ref);
      if (!el) continue;
      const props = (attr(el, 'itemprop') ?? '').split(/\s+/).filter(Boolean).map(localName);
      for (const p of props) addValue(node, p, propertyValue($, el, p, base));
      if (attr(el, 'itemscope') == null) crawl(el);
    }
    return node;
  };

  $('[itemscope]').each((_, e) => {
    const el = e as El;
    // top-level items only: nested ones are read as their parent's property values
    if (attr(el, 'itemprop') != null && $(el as never).parents('[itemscope]').length) return;
    readItem(el, null, 0);
  });
  return out;
}

const SCHEMA_VOCAB = /^https?:\/\/schema\.org\/?$/i;

/**
 * RDFa Lite items in the schema.org vocabulary: `typeof` starts an item, `property` adds a value
 * to the nearest enclosing item (a nested `typeof` with `property` is an item-valued property).
 * Terms count when `vocab` is schema.org, or when written `schema:…` / as schema.org URLs.
 */
export function rdfaItems($: CheerioAPI, base: string): MarkupItem[] {
  const out: MarkupItem[] = [];
  const prefixes = (el: El, inherited: Map<string, string>): Map<string, string> => {
    const declared = attr(el, 'prefix');
    if (!declared) return inherited;
    const map = new Map(inherited);
    for (const m of declared.matchAll(/([\w-]+):\s+(\S+)/g)) map.set(m[1], m[2]);
    return map;
  };
  /** The schema.org local name of a term, or null for another vocabulary's term. */
  const schemaTerm = (term: string, vocab: string | null, pfx: Map<string, string>) => {
    if (/^https?:\/\/schema\.org\//i.test(term)) return localName(term);
    const m = /^([\w-]+):(.+)$/.exec(term);
    if (m) {
      const ns = pfx.get(m[1]) ?? (m[1] === 'schema' ? 'https://schema.org/' : null);
      return ns && SCHEMA_VOCAB.test(ns.replace(/\/?$/, '/')) ? m[2] : null;
    }
    return vocab && SCHEMA_VOCAB.test(vocab) ? term : null;
  };

  const walk = (
    el: El,
    item: MarkupNode | null,
    vocab: string | null,
    pfx: Map<string, string>,
    depth: number,
  ): void => {
    if (depth > 60) return;
    const v = attr(el, 'vocab');
    const scopeVocab = v != null ? v.trim() || null : vocab;
    const scopePfx = prefixes(el, pfx);
    const props = (attr(el, 'property') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => schemaTerm(p, scopeVocab, scopePfx))
      .filter((p): p is string => !!p);
    const typeofAttr = attr(el, 'typeof');
    let current = item;
    if (typeofAttr != null) {
      const types = typeofAttr
        .split(/\s+/)
        .filter(Boolean)
        .map((t) => schemaTerm(t, scopeVocab, scopePfx))
        .filter((t): t is string => !!t);
      const node: MarkupNode = types.length ? { '@type': types } : {};
      const via = item && props.length ? props[0] : null;
      out.push({ node, via, el });
      if (item) for (const p of props) addValue(item, p, node);
      current = node;
    } else if (item && props.length) {
      for (const p of props) addValue(item, p, propertyValue($, el, p, base));
    }
    for (const child of childrenOf(el)) walk(child, current, scopeVocab, scopePfx, depth + 1);
  };
  const root = $.root().get(0) as El | undefined;
  if (!root) return out;
  // Most pages have no RDFa: look for the attribute before walking.
  if (!$('[typeof]').length) return out;
  for (const child of childrenOf(root)) walk(child, null, null, new Map(), 0);
  return out;
}

const cache = new WeakMap<CheerioAPI, { microdata: MarkupItem[]; rdfa: MarkupItem[] }>();

/** The page's microdata and RDFa items, read once per parsed page. */
export function pageItems(
  $: CheerioAPI,
  base: string,
): { microdata: MarkupItem[]; rdfa: MarkupItem[] } {
  let items = cache.get($);
  if (!items) {
    items = { microdata: microdataItems($, base), rdfa: rdfaItems($, base) };
    cache.set($, items);
  }
  return items;
}
