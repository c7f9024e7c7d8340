import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toWebPage } from '../../../src/providers/builtin-web/builtin-web.mapper';
import type { ProviderResult } from '../../../src/providers/core/enrichment-provider';
import type { PersonProfile } from '../../../src/providers/person/person.types';
import type { WebPage } from '../../../src/providers/web/web-read.types';

/**
 * Fixture company sites with team pages: test/fixtures/team-pages/<site>/, one HTML file per
 * path (`index.html` is `/`, `/about` is `about.html` or `about/index.html`), and `site.json`
 * with the site's domain, the people a reader should find (name, title, LinkedIn profile,
 * whether a photo is shown) and the people it must not take for staff (customers quoted,
 * post authors).
 */
export const TEAM_SITES_ROOT = join(__dirname, '..', '..', 'fixtures', 'team-pages');

export interface KnownPerson {
  name: string;
  title: string;
  linkedin_url?: string;
  photo?: boolean;
}

export interface TeamSite {
  name: string;
  dir: string;
  domain: string;
  organization_name?: string;
  people: KnownPerson[];
  not_staff: string[];
}

export function listTeamSites(): string[] {
  return readdirSync(TEAM_SITES_ROOT)
    .filter((d) => existsSync(join(TEAM_SITES_ROOT, d, 'site.json')))
    .sort();
}

export function loadTeamSite(name: string): TeamSite {
  const dir = join(TEAM_SITES_ROOT, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'site.json'), 'utf8')) as Omit<
    TeamSite,
    'name' | 'dir'
  >;
  return { name, dir, ...manifest };
}

/** The fixture file serving a URL path, or null (a 404). */
export function fileFor(dir: string, pathname: string): string | null {
  const path = decodeURIComponent(pathname).replace(/\/+$/, '');
  const candidates = path
    ? [`${path}`, `${path}.html`, `${path}.htm`, `${path}/index.html`]
    : ['/index.html', '/index.htm'];
  for (const c of candidates) {
    const file = join(dir, c);
    if (file.startsWith(dir) && /\.html?$/.test(file) && existsSync(file)) return file;
  }
  return null;
}

/**
 * A `web.read` stand-in over a fixture site: any URL of its domain (any scheme, www. or not)
 * answers the file for its path, parsed by the built-in reader's own mapper; others are 404.
 */
export function fixtureReader(site: TeamSite, requested: string[] = []) {
  return async (url: string): Promise<ProviderResult<WebPage>> => {
    requested.push(url);
    const u = new URL(url);
    const file =
      u.hostname.replace(/^www\./, '') === site.domain ? fileFor(site.dir, u.pathname) : null;
    if (!file) return { found: false, data: null };
    const page = toWebPage({
      url,
      finalUrl: url,
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: readFileSync(file),
      truncated: false,
      redirects: [],
    });
    return { found: true, data: page, sources: [url] };
  };
}

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

export interface SiteScore {
  site: string;
  known: number;
  found: number;
  correct: number;
  titles: number;
  linkedin: number;
  linkedinKnown: number;
  photos: number;
  photosKnown: number;
  notStaffTaken: string[];
  missed: string[];
  extra: string[];
}

/** How the people found compare with the known ones (names and titles compared folded). */
export function scoreSite(site: TeamSite, people: PersonProfile[]): SiteScore {
  const known = new Map(site.people.map((p) => [fold(p.name), p]));
  const found = new Map(people.map((p) => [fold(p.name ?? ''), p]));
  const correct = [...found.keys()].filter((k) => known.has(k));
  const notStaff = new Set(site.not_staff.map(fold));
  return {
    site: site.name,
    known: known.size,
    found: found.size,
    correct: correct.length,
    titles: correct.filter((k) => fold(found.get(k)!.title ?? '') === fold(known.get(k)!.title))
      .length,
    linkedin: correct.filter(
      (k) =>
        known.get(k)!.linkedin_url && found.get(k)!.linkedin_url === known.get(k)!.linkedin_url,
    ).length,
    linkedinKnown: site.people.filter((p) => p.linkedin_url).length,
    photos: correct.filter((k) => known.get(k)!.photo && found.get(k)!.photo_url).length,
    photosKnown: site.people.filter((p) => p.photo).length,
    notStaffTaken: [...found.keys()].filter((k) => notStaff.has(k)),
    missed: [...known.keys()].filter((k) => !found.has(k)),
    extra: [...found.keys()].filter((k) => !known.has(k)),
  };
}
