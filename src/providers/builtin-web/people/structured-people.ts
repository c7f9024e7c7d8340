import type { CheerioAPI } from 'cheerio';
import type { DomNode } from '../html-readable';
import { clean, linkedinProfile } from './person-text';

/**
 * People a page declares in schema.org vocabulary: JSON-LD (top level, `@graph`, an
 * Organization's `employee` / `founder` / `member`, an ItemList, an OrganizationRole's
 * `roleName`) and the same vocabulary written as microdata or RDFa Lite attributes. A Person that
 * is the author of a review, post or comment is not staff and is left out.
 */

export interface DeclaredPerson {
  name: string;
  title?: string;
  linkedin_url?: string;
  photo_url?: string;
  about?: string;
  /** The employer the markup names (`worksFor`), to tell staff from others. */
  employer?: { name?: string; url?: string };
  /** The element that holds the item (microdata, RDFa); none for JSON-LD. */
  el?: DomNode;
}

type Node = Record<string, unknown>;

/** Properties whose Person is the organisation's own (staff, founders, members). */
const STAFF_SLOTS = new Set(['employee', 'employees', 'founder', 'founders', 'member', 'members']);
/** Properties whose Person is someone else: authors, reviewers, editors… */
const OTHER_SLOTS = new Set(
  'author creator reviewedBy review reviews contributor editor accountablePerson copyrightHolder publisher sender recipient attendee performer spokesperson alumni parent children spouse colleague knows follows'.split(
    ' ',
  ),
);
/** Items whose people are never staff. */
const NOT_STAFF_TYPES = /^(Review|Comment|Question|Answer|Article|BlogPosting|NewsArticle|Rating)$/;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f]+/g;

const localName = (t: string) => t.replace(/^.*[/#:]/, '');
const typesOf = (n: Node): string[] =>
  ([] as unknown[])
    .concat(n['@type'] ?? [])
    .filter((t): t is string => typeof t === 'string')
    .map(localName);
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** A text value: a string, the first of a list, or an object's `name` / `@value`. */
function textOf(v: unknown): string | undefined {
  const x = first(v);
  if (typeof x === 'string') return clean(x) || undefined;
  if (x && typeof x === 'object') {
    const o = x as Node;
    return textOf(o.name ?? o['@value'] ?? o.roleName);
  }
  return undefined;
}

/** A URL value: a string, or an object's `url` / `contentUrl` / `@id`. */
function urlOf(v: unknown, base: string): string | undefined {
  const x = first(v);
  const raw =
    typeof x === 'string'
      ? x
      : x && typeof x === 'object'
        ? ((x as Node).url ?? (x as Node).contentUrl ?? (x as Node)['@id'])
        : undefined;
  if (typeof raw !== 'string' || raw.startsWith('data:')) return undefined;
  try {
    return new URL(raw.trim(), base).href;
  } catch {
    return undefined;
  }
}

function personOf(
  n: Node,
  base: string,
  slot: string | null,
  role?: string,
): DeclaredPerson | null {
  const name =
    textOf(n.name) ?? clean(`${textOf(n.givenName) ?? ''} ${textOf(n.familyName) ?? ''}`);
  if (!name || name.length > 80 || /@|https?:/.test(name)) return null;
  const title = textOf(n.jobTitle) ?? textOf(n.hasOccupation) ?? role;
  const founder = slot === 'founder' || slot === 'founders';
  if (!title && !founder && !(slot && STAFF_SLOTS.has(slot))) return null;
  const links = ([] as unknown[]).concat(n.sameAs ?? [], n.url ?? []);
  const linkedin = links.map((l) => linkedinProfile(urlOf(l, base))).find(Boolean);
  const works = first(n.worksFor ?? n.affiliation);
  const employer =
    works && typeof works === 'object'
      ? { name: textOf((works as Node).name), url: urlOf((works as Node).url, base) }
      : typeof works === 'string'
        ? { name: clean(works) }
        : undefined;
  const about = textOf(n.description);
  const photo = urlOf(n.image, base);
  return {
    name,
    ...(title || founder ? { title: title ?? 'Founder' } : {}),
    ...(linkedin ? { linkedin_url: linkedin } : {}),
    ...(photo ? { photo_url: photo } : {}),
    ...(about ? { about } : {}),
    ...(employer && (employer.name || employer.url) ? { employer } : {}),
  };
}

/** Parses every JSON-LD block of a page, tolerating raw newlines and trailing commas. */
function jsonLdBlocks($: CheerioAPI): unknown[] {
  const out: unknown[] = [];
  $('script[type="application/ld+json" i]').each((_, el) => {
    const raw = $(el).text().trim();
    for (const attempt of [raw, raw.replace(CONTROL_CHARS, ' ').replace(/,\s*([}\]])/g, '$1')]) {
      try {
        out.push(JSON.parse(attempt));
        return;
      } catch {
        // next attempt
      }
    }
  });
  return out;
}

/** People declared in the page's JSON-LD. */
export function jsonLdPeople($: CheerioAPI, base: string): DeclaredPerson[] {
  const out: DeclaredPerson[] = [];
  const visit = (v: unknown, slot: string | null, role: string | undefined, depth: number) => {
    if (depth > 12 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, slot, role, depth + 1);
      return;
    }
    const n = v as Node;
    const types = typesOf(n);
    if (types.some((t) => NOT_STAFF_TYPES.test(t))) return;
    if (slot && OTHER_SLOTS.has(slot)) return;
    if (types.includes('Person')) {
      const p = personOf(n, base, slot, role);
      if (p) out.push(p);
      return;
    }
    // An OrganizationRole / EmployeeRole carries the title of the person it wraps.
    const roleName = types.some((t) => /Role$/.test(t)) ? textOf(n.roleName) : undefined;
    for (const [k, x] of Object.entries(n)) {
      if (k.startsWith('@') && k !== '@graph') continue;
      const nextSlot = k === '@graph' || k === 'itemListElement' || k === 'item' ? slot : k;
      visit(x, roleName ? slot : nextSlot, roleName ?? role, depth + 1);
    }
  };
  for (const block of jsonLdBlocks($)) visit(block, null, undefined, 0);
  return out;
}

const PERSON_TYPE = /(^|[\s/#:])Person$/;
const attrOf = (el: DomNode, name: string) => el.attribs?.[name];

/** The schema.org property names an element carries (microdata `itemprop`, RDFa `property`). */
const propsOf = (el: DomNode): string[] =>
  `${attrOf(el, 'itemprop') ?? ''} ${attrOf(el, 'property') ?? ''}`
    .split(/\s+/)
    .filter(Boolean)
    .map(localName);
const isItem = (el: DomNode) => attrOf(el, 'itemscope') != null || attrOf(el, 'typeof') != null;
const itemTypes = (el: DomNode) =>
  `${attrOf(el, 'itemtype') ?? ''} ${attrOf(el, 'typeof') ?? ''}`.split(/\s+/).filter(Boolean);

function valueOf($: CheerioAPI, el: DomNode, prop: string, base: string): string | undefined {
  const content = attrOf(el, 'content');
  if (content != null) return clean(content);
  const tag = el.name ?? '';
  const url =
    tag === 'img'
      ? attrOf(el, 'src')
      : tag === 'a' || tag === 'link'
        ? attrOf(el, 'href')
        : undefined;
  if (url != null && /^(image|url|sameAs)$/.test(prop)) return urlOf(url, base);
  if (tag === 'img') return clean(attrOf(el, 'alt'));
  return clean($(el as never).text()) || undefined;
}

/** People written as microdata or RDFa Lite items (`itemtype` / `typeof` Person). */
export function markupPeople($: CheerioAPI, base: string): DeclaredPerson[] {
  const out: DeclaredPerson[] = [];
  $('[itemscope][itemtype], [typeof]').each((_, e) => {
    const el = e as unknown as DomNode;
    if (!itemTypes(el).some((t) => PERSON_TYPE.test(t))) return;
    const slot = propsOf(el)[0] ?? null;
    // A Person inside a review, post or comment item (or its author) is not staff.
    for (let p = el.parent; p; p = p.parent) {
      if (isItem(p) && itemTypes(p).some((t) => NOT_STAFF_TYPES.test(localName(t)))) return;
    }
    const node: Node = {};
    const walk = (x: DomNode) => {
      for (const c of x.children ?? []) {
        if (c.type !== 'tag') continue;
        const props = propsOf(c);
        const nested = isItem(c);
        for (const prop of props) {
          if (nested) {
            // worksFor / affiliation: the nested Organization's name and url.
            const sub: Node = {};
            $(c as never)
              .find('[itemprop], [property]')
              .each((_, s) => {
                for (const sp of propsOf(s as unknown as DomNode)) {
                  sub[sp] ??= valueOf($, s as unknown as DomNode, sp, base);
                }
              });
            node[prop] ??= sub;
          } else {
            const v = valueOf($, c, prop, base);
            if (v)
              node[prop] =
                prop === 'sameAs' ? [...((node[prop] as string[]) ?? []), v] : (node[prop] ?? v);
          }
        }
        if (!nested) walk(c);
      }
    };
    walk(el);
    const p = personOf(node, base, slot);
    if (p) out.push({ ...p, el });
  });
  return out;
}
