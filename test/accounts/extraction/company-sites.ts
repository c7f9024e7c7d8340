import { readFileSync } from 'node:fs';
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
