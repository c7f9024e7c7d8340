import { DomIndex } from './dom-index';
import type { DetectedTechnology } from './extraction.types';
import type { FactSink } from './fact-sink';
import { absoluteUrl, type PageDoc } from './html-page';
import { metaTags } from './meta-tags.extractor';
import {
  defaultFingerprints,
  type Fingerprint,
  type FingerprintSet,
  type Pattern,
} from './technology-fingerprints';

/** HTML beyond this is not scanned: the head and the end of the body carry the fingerprints. */
const HTML_HEAD = 250_000;
const HTML_TAIL = 50_000;
const SCRIPT_MAX = 100_000;
/** Sites are never identified with certainty from outside. */
const DIRECT_WEIGHT = 0.9;
const IMPLIED_WEIGHT = 0.75;
/** A global seen being assigned in an inline script, not observed at run time. */
const GLOBAL_WEIGHT = 0.6;
/** Elements a DOM rule with attribute / text patterns inspects (`div` with a text pattern…). */
const DOM_ELEMENTS_MAX = 50;

interface Hit {
  fp: Fingerprint;
  /** 0..100: the dataset's confidences of the matched patterns, summed and capped. */
  confidence: number;
  version?: string;
  signals: Set<string>;
  impliedBy?: string;
}

/** What a page offers to the matcher. */
interface Subject {
  url: string;
  html: string;
  /** Null without HTML. */
  dom: DomIndex | null;
  text: string;
  scriptSrc: string[];
  scripts: string[];
  headers: Record<string, string>;
  cookies: Map<string, string>;
  meta: Map<string, string[]>;
  globals: Set<string>;
}

function resolveVersion(template: string | undefined, m: RegExpExecArray): string | undefined {
  if (!template) return undefined;
  const v = template
    .replace(/\\(\d)\?([^:]*):(.*)$/, (_, i: string, yes: string, no: string) =>
      m[Number(i)] ? yes : no,
    )
    .replace(/\\(\d)/g, (_, i: string) => m[Number(i)] ?? '')
    .trim();
  return v && v.length <= 24 ? v : undefined;
}

/** `set-cookie` as the reader passed it (joined by newlines or commas) → name → value. */
export function cookiesOf(headers: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const raw = [headers['set-cookie'], headers['cookie']].filter(Boolean).join('\n');
  for (const part of raw.split(/\n|,(?=\s*[^;,=\s]+=)|;\s*(?=[^;=\s]+=)/)) {
    const m = /^\s*([^=;\s]+)\s*(?:=\s*([^;]*))?/.exec(part);
    if (!m) continue;
    const name = m[1];
    if (
      /^(?:path|domain|expires|max-age|samesite|secure|httponly|priority|partitioned)$/i.test(name)
    ) {
      continue;
    }
    if (!out.has(name)) out.set(name, m[2] ?? '');
  }
  return out;
}

const GLOBAL_ASSIGNMENT =
  /(?:\b(?:window|self|globalThis)\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*["']([A-Za-z_$][\w$]*)["']\s*\])|(?:^|[;{}\s])(?:var|let|const)\s+([A-Za-z_$][\w$]*))\s*=/g;

function subjectOf(doc: PageDoc): Subject {
  const $ = doc.$;
  const rawHtml = doc.page.html ?? '';
  const html =
    rawHtml.length > HTML_HEAD + HTML_TAIL
      ? rawHtml.slice(0, HTML_HEAD) + rawHtml.slice(-HTML_TAIL)
      : rawHtml;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.page.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const scriptSrc: string[] = [];
  const scripts: string[] = [];
  const globals = new Set<string>();
  if ($) {
    $('script').each((_, el) => {
      const src = $(el).attr('src');
      if (src) {
        scriptSrc.push(absoluteUrl(src, doc.url) ?? src);
        return;
      }
      const id = $(el).attr('id');
      if (id) globals.add(id); // Next.js, Nuxt… ship their state as <script id="__NEXT_DATA__">
      const body = $(el).text().slice(0, SCRIPT_MAX);
      scripts.push(body);
      for (const m of body.matchAll(GLOBAL_ASSIGNMENT)) globals.add(m[1] ?? m[2] ?? m[3]);
    });
  }
  return {
    url: doc.url,
    html,
    dom: $ ? new DomIndex($) : null,
    text: doc.page.text.slice(0, HTML_HEAD),
    scriptSrc,
    scripts,
    headers,
    cookies: cookiesOf(headers),
    meta: $ ? metaTags($) : new Map(),
    globals,
  };
}

function matchPage(doc: PageDoc, set: FingerprintSet): Map<string, Hit> {
  const s = subjectOf(doc);
  const hits = new Map<string, Hit>();
  const record = (fp: Fingerprint, confidence: number, signal: string, version?: string) => {
    const hit = hits.get(fp.name) ?? { fp, confidence: 0, signals: new Set<string>() };
    hit.confidence = Math.min(100, hit.confidence + confidence);
    hit.signals.add(signal);
    if (version && !hit.version) hit.version = version;
    hits.set(fp.name, hit);
  };
  const test = (
    fp: Fingerprint,
    p: Pattern,
    signal: string,
    subject: string | undefined,
  ): boolean => {
    if (subject == null) return false;
    const m = p.regex.exec(subject);
    if (m) record(fp, p.confidence, signal, resolveVersion(p.version, m));
    return !!m;
  };

  for (const fp of set.technologies) {
    for (const p of fp.url) test(fp, p, 'url', s.url);
    for (const p of fp.html) test(fp, p, 'html', s.html);
    for (const p of fp.text) test(fp, p, 'text', s.text);
    for (const p of fp.scriptSrc) s.scriptSrc.some((src) => test(fp, p, 'scriptSrc', src));
    for (const p of fp.scripts) s.scripts.some((body) => test(fp, p, 'scripts', body));
    for (const [name, p] of Object.entries(fp.headers))
      test(fp, p, `headers:${name}`, s.headers[name]);
    for (const [name, p] of Object.entries(fp.meta)) {
      (s.meta.get(name) ?? []).some((content) => test(fp, p, `meta:${name}`, content));
    }
    for (const c of fp.cookies) {
      for (const [name, value] of s.cookies) {
        if (c.name.test(name) && test(fp, c.value, `cookies:${name}`, value)) break;
      }
    }
    for (const g of fp.globals) {
      if (s.globals.has(g.name)) record(fp, g.confidence * GLOBAL_WEIGHT, `js:${g.name}`);
    }
    for (const rule of fp.dom) {
      if (!s.dom?.possible(rule) || !doc.$) continue;
      let found;
      try {
        found = doc.$(rule.selector);
      } catch {
        continue; // a selector css-select does not support
      }
      if (!found.length) continue;
      if (rule.exists) {
        record(fp, 100, 'dom');
        continue;
      }
      found.slice(0, DOM_ELEMENTS_MAX).each((_, el) => {
        for (const [attr, p] of Object.entries(rule.attributes ?? {})) {
          test(fp, p, 'dom', doc.$!(el).attr(attr));
        }
        if (rule.text) test(fp, rule.text, 'dom', doc.$!(el).text().slice(0, SCRIPT_MAX));
      });
    }
  }
  return hits;
}

/** Implied technologies (WordPress → PHP), then the dataset's `excludes` and `requires`. */
function resolve(hits: Map<string, Hit>, set: FingerprintSet): Map<string, Hit> {
  for (let round = 0, added = true; added && round < 10; round++) {
    added = false;
    for (const hit of [...hits.values()]) {
      for (const implied of hit.fp.implies) {
        const fp = set.byName.get(implied.name);
        if (!fp || hits.has(fp.name)) continue;
        hits.set(fp.name, {
          fp,
          confidence: Math.min(hit.confidence, implied.confidence),
          signals: new Set(['implied']),
          impliedBy: hit.fp.name,
        });
        added = true;
      }
    }
  }
  for (const hit of [...hits.values()]) for (const name of hit.fp.excludes) hits.delete(name);
  const categories = new Set([...hits.values()].flatMap((h) => h.fp.categoryIds));
  for (const [name, hit] of hits) {
    const missing =
      hit.fp.requires.some((r) => !hits.has(r)) ||
      hit.fp.requiresCategory.some((c) => !categories.has(c));
    if (missing) hits.delete(name);
  }
  return hits;
}

/**
 * Technologies a page shows, by the fingerprint dataset's patterns over the page URL, its HTML,
 * visible text, script URLs, inline scripts, response headers, cookies, meta tags and DOM.
 */
export function detectTechnologies(
  doc: PageDoc,
  set: FingerprintSet = defaultFingerprints(),
): DetectedTechnology[] {
  const hits = resolve(matchPage(doc, set), set);
  return [...hits.values()]
    .map((h) => {
      const weight = h.impliedBy ? IMPLIED_WEIGHT : DIRECT_WEIGHT;
      const tech: DetectedTechnology = {
        name: h.fp.name,
        categories: h.fp.categories,
        confidence: Math.round((h.confidence / 100) * weight * 100) / 100,
        signals: [...h.signals].sort(),
        ...(h.fp.website ? { link: h.fp.website } : {}),
        ...(h.version ? { version: h.version } : {}),
        ...(h.impliedBy ? { implied_by: h.impliedBy } : {}),
      };
      return tech;
    })
    .filter((t) => t.confidence > 0)
    .sort(
      (a, b) => b.confidence - a.confidence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
}

export function extractTechnologies(doc: PageDoc, sink: FactSink, set?: FingerprintSet): void {
  for (const tech of detectTechnologies(doc, set)) {
    const detail = tech.implied_by ? 'fingerprint-implied' : 'fingerprint';
    sink.add('technologies', tech, { doc, detail, confidence: tech.confidence });
  }
}
