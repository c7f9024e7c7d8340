import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSite, TestSite } from '../providers/builtin-web/web-test-servers';

const ROOT = join(__dirname, '..', 'fixtures', 'company-sites');

interface SitePage {
  file: string;
  url: string;
  final_url: string;
  headers?: Record<string, string>;
}

export interface CompanySite extends TestSite {
  /** Rewrites a page's HTML before it is served (null: as in the fixture). */
  edit: ((file: string, html: string) => string) | null;
}

/**
 * A fixture site of test/fixtures/company-sites served on 127.0.0.1: each page at the path of its
 * URL in site.json (and at its final URL's path), with the headers recorded there.
 */
export async function startCompanySite(name: string): Promise<CompanySite> {
  const dir = join(ROOT, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'site.json'), 'utf8')) as {
    pages: SitePage[];
  };
  const byPath = new Map<string, SitePage>();
  for (const p of manifest.pages) {
    for (const u of [p.url, p.final_url])
      byPath.set(new URL(u).pathname.replace(/\/+$/, '') || '/', p);
  }
  const site = (await startSite(['127.0.0.1'])) as CompanySite;
  site.edit = null;
  site.handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const page = byPath.get(path);
    if (!page) return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    const headers: Record<string, string> = {
      ...(page.headers ?? {}),
      'content-type': page.headers?.['content-type'] ?? 'text/html',
    };
    delete headers['set-cookie'];
    let html = readFileSync(join(dir, page.file), 'utf8');
    if (site.edit) html = site.edit(page.file, html);
    res.writeHead(200, headers).end(html);
  };
  return site;
}
