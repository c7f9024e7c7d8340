import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { loadConfig } from '../../../src/common/config/app.config';
import {
  BUILTIN_WEB_METADATA,
  BuiltinWebProvider,
} from '../../../src/providers/builtin-web/builtin-web.provider';
import type { ProviderResult } from '../../../src/providers/core/enrichment-provider';
import type {
  PeopleSearchInput,
  PeopleSearchPage,
} from '../../../src/providers/person/person.types';
import { adapterAt, failure } from '../../support/adapters';
import { fileFor, loadTeamSite } from './team-sites';
import { fakeDns, startSite, TestSite } from './web-test-servers';

/**
 * builtin_web's people.search end to end on loopback: fixture sites served by Host header (a
 * fake resolver maps their names to 127.0.0.1, allow-listed), read through the provider's own
 * SSRF-guarded fetch within the page budget and before the provider's timeout.
 */

let site: TestSite;
const P = () => site.port;
const hanging: ServerResponse[] = [];
const SITES: Record<string, string> = {
  'orbit.test': 'orbit-leadership',
  'summit-hr.test': 'summit-mixed',
  'cedar.test': 'cedar-lists',
};

const dns = fakeDns({
  'orbit.test': ['127.0.0.1'],
  'summit-hr.test': ['127.0.0.1'],
  'cedar.test': ['127.0.0.1'],
  'slow.test': ['127.0.0.1'],
  'intranet.test': ['10.0.0.7'],
});

function provider(env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'test', WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1', ...env });
  return adapterAt(new BuiltinWebProvider(config, dns), env);
}
const search = (p: ReturnType<typeof provider>, input: PeopleSearchInput) =>
  p.call({ capability: 'people.search', input }) as Promise<ProviderResult<PeopleSearchPage>>;

beforeAll(async () => {
  site = await startSite(['127.0.0.1'], (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '/').split('?')[0];
    if (host === 'slow.test') {
      if (path === '/leadership') return void hanging.push(res);
      const home = readFileSync(fileFor(loadTeamSite('summit-mixed').dir, '/')!, 'utf8');
      const html = home.replace('</main>', '<a href="/leadership">Leadership</a></main>');
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
    const file = SITES[host] ? fileFor(loadTeamSite(SITES[host]).dir, path) : null;
    if (!file) return void res.writeHead(404, { 'content-type': 'text/html' }).end('not here');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(file));
  });
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await site.close();
});
beforeEach(() => site.reset());

describe('builtin_web people.search', () => {
  it('declares people.search as a fallback capability next to web.read', () => {
    expect(BUILTIN_WEB_METADATA).toMatchObject({
      capabilities: ['web.read', 'people.search'],
      fallbackFor: ['people.search'],
      requiresApiKey: false,
    });
  });

  it('reads the team page the home page links as "Leadership" and names where each person was read', async () => {
    const r = await search(provider(), { domain: `orbit.test:${P()}`, titles: ['CEO'] });
    const leadership = `http://orbit.test:${P()}/about/leadership`;
    expect(r.found).toBe(true);
    expect(r.sources).toEqual([leadership]);
    expect(r.data).toMatchObject({ total_entries: 6, page: 1, total_pages: 1 });
    expect(r.data!.people[0]).toEqual({
      name: 'Nadia Petrova',
      first_name: 'Nadia',
      last_name: 'Petrova',
      title: 'Chief Executive Officer',
      linkedin_url: 'https://www.linkedin.com/in/nadiapetrova',
      about: expect.stringContaining('co-founded Orbit in 2015'),
      organization: { name: 'Orbit Logistics', domain: 'orbit.test' },
      source_url: leadership,
    });
    expect(r.data!.people.map((p) => p.name)).not.toContain('Laura Bloggs');
    expect(r.data!.people.every((p) => p.obfuscated === undefined)).toBe(true);
    // Only the site's own pages, within WEB_SITE_MAX_PAGES (5) reads.
    expect(site.requests.every((u) => u.startsWith(`orbit.test:${P()}/`))).toBe(true);
    expect(site.requests.length).toBeLessThanOrEqual(5);
    expect(site.requests).toContain(`orbit.test:${P()}/about/leadership`);
  });

  it('keeps the page budget: with WEB_SITE_MAX_PAGES=1 only the home page is read', async () => {
    const r = await search(provider({ WEB_SITE_MAX_PAGES: '1' }), {
      domain: `http://orbit.test:${P()}/`,
    });
    expect(site.requests).toEqual([`orbit.test:${P()}/`]);
    // The home page has post bylines only: nobody is taken for staff.
    expect(r).toMatchObject({ found: false, data: { people: [], total_entries: 0 } });
    expect(r.sources).toEqual([`http://orbit.test:${P()}/`]);
  });

  it('takes team cards and leaves customer testimonials out on a one-page site', async () => {
    const r = await search(provider(), { domain: `summit-hr.test:${P()}` });
    expect(r.data!.people.map((p) => [p.name, p.title])).toEqual([
      ['Jordan Ellis', 'CEO'],
      ['Mina Park', 'CTO'],
      ['Oscar Lindgren', 'Head of Sales'],
      ['Priyanka Desai', 'Customer Success Manager'],
    ]);
    expect(r.data!.people[0].photo_url).toBe(`http://summit-hr.test:${P()}/team/jordan.png`);
  });

  it('has everyone on page 1: a later page is empty and reads nothing', async () => {
    const r = await search(provider(), { domain: `cedar.test:${P()}`, page: 2, per_page: 25 });
    expect(r).toMatchObject({ found: false, data: { people: [], page: 2, total_pages: 1 } });
    expect(site.requests).toEqual([]);
  });

  it('refuses a search without a domain (BAD_INPUT), and a site on a private address (BLOCKED)', async () => {
    expect(await failure(search(provider(), { organization_name: 'Orbit' }))).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    const blocked = await failure(search(provider(), { domain: 'intranet.test' }));
    expect(blocked).toMatchObject({
      code: 'BLOCKED',
      message: expect.stringMatching(/private|not allowed|blocked/i),
    });
    expect(site.requests).toEqual([]);
  });

  it('answers with what it read before the provider timeout when a page hangs', async () => {
    const p = provider({ BUILTIN_WEB_TIMEOUT_MS: '4000' });
    const started = Date.now();
    const r = await search(p, { domain: `slow.test:${P()}` });
    expect(Date.now() - started).toBeLessThan(p.settings.timeoutMs);
    expect(r.found).toBe(true);
    expect(r.data!.people.map((x) => x.name)).toContain('Jordan Ellis');
    expect(site.requests).toContain(`slow.test:${P()}/leadership`);
  });
});
