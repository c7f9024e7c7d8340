import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import type { WebPage } from '../../../src/providers/web/web-read.types';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'company-sites');

/** When the fixture pages were "read": fixed, so extraction results are stable. */
export const FETCHED_AT = '2026-11-20T10:00:00.000Z';

interface SitePage {
  file: string;
  url: string;
  final_url: string;
  status?: number;
  lang?: string;
  headers?: Record<string, string>;
}

/** Readable text the way a reader produces it: no scripts, one line per block. */
function readableText(html: string): string {
  const $ = load(html);
  $('script, style, noscript, template, head').remove();
  $('br').replaceWith('\n');
  $(
    'p, div, li, h1, h2, h3, h4, h5, h6, address, section, article, header, footer, blockquote',
  ).each((_, el) => {
    $(el).append('\n');
  });
  return $('body')
    .text()
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/**
 * The fixture site's pages as the web reader would return them (WebPage), built from
 * test/fixtures/company-sites/<site>/site.json and its HTML files.
 */
export function loadSite(site: string, opts: { withHtml?: boolean } = {}): WebPage[] {
  const dir = join(ROOT, site);
  const manifest = JSON.parse(readFileSync(join(dir, 'site.json'), 'utf8')) as {
    pages: SitePage[];
  };
  return manifest.pages.map((p) => {
    const html = readFileSync(join(dir, p.file), 'utf8');
    const $ = load(html);
    const links = $('a[href]')
      .toArray()
      .flatMap((el) => {
        try {
          return [
            {
              href: new URL($(el).attr('href')!, p.final_url).toString(),
              text: $(el).text().trim(),
              ...($(el).attr('rel') ? { rel: $(el).attr('rel') } : {}),
            },
          ];
        } catch {
          return [];
        }
      });
    const page: WebPage = {
      url: p.url,
      final_url: p.final_url,
      status: p.status ?? 200,
      content_type: p.headers?.['content-type'] ?? 'text/html',
      title: $('title').first().text().trim() || null,
      lang: p.lang ?? null,
      text: readableText(html),
      markdown: '',
      links,
      headers: p.headers ?? {},
      fetched_at: FETCHED_AT,
      reader: 'builtin',
    };
    if (opts.withHtml !== false) page.html = html;
    return page;
  });
}

/** What a fixture site is known to say about its company (site.json `facts`). */
export interface KnownFacts {
  /** Accepted spellings of the name (compared by nameKey: case and legal forms do not count). */
  name?: string | string[];
  founded_year?: number;
  /** E.164. */
  phone?: string;
  email?: string;
  city?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  customers?: string[];
  /** Names that must not be taken for customers (press, partners, the company itself). */
  not_customers?: string[];
  /** E.164 numbers that must not be kept as phones (fax lines). */
  not_phones?: string[];
}

/** Every fixture site (a directory with a site.json). */
export function listSites(): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'site.json')))
    .map((d) => d.name)
    .sort();
}

/** The site's known facts from its site.json, or null when it lists none. */
export function siteFacts(site: string): KnownFacts | null {
  const manifest = JSON.parse(readFileSync(join(ROOT, site, 'site.json'), 'utf8')) as {
    facts?: KnownFacts;
  };
  return manifest.facts ?? null;
}
