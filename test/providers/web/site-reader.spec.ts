import type { ServerResponse } from 'node:http';
import type { ProviderRequest } from '../../../src/providers/core/enrichment-provider';
import type { CallScope, ProviderClient } from '../../../src/providers/core/provider-client';
import {
  homeUrlCandidates,
  pickSitePages,
  SiteReaderService,
} from '../../../src/providers/web/site-reader.service';
import type { WebPage } from '../../../src/providers/web/web-read.types';
import { fakeDns, makeReader, startSite, TestSite } from '../builtin-web/web-test-servers';

/**
 * The site reader, as a service test: a real BuiltinWebProvider behind a minimal stand-in of
 * ProviderClient.call (the real call path is exercised in builtin-web.e2e.spec.ts). Several
 * "domains" are served by one local server, told apart by the Host header; a fake resolver maps
 * them to 127.0.0.1 (allow-listed).
 */

let site: TestSite;
const P = () => site.port;
type Route = (res: ServerResponse) => void;
let routes: Record<string, Route> = {};

const htmlPage = (title: string, body = '') =>
  ((res: ServerResponse) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<html><head><title>${title}</title></head><body>${body}</body></html>`)) as Route;

const dns = fakeDns({
  'acme.test': ['127.0.0.1'],
  'www.acme.test': ['127.0.0.1'],
  'blog.acme.test': ['127.0.0.1'],
  'other.test': ['127.0.0.1'],
});
const reader = makeReader({ WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1' }, dns);
const calls: string[] = [];
const client = {
  async call(_id: string, request: ProviderRequest, scope: CallScope = {}) {
    calls.push((request.input as { url: string }).url);
    const r = await reader.provider.call(request, {
      signal: scope.signal ?? new AbortController().signal,
      settings: reader.settings,
    });
    return {
      ...r,
      provider: 'builtin_web',
      capability: 'web.read',
      operation: 'web.read',
      cached: false,
      costUsd: 0,
      latencyMs: 0,
    };
  },
} as unknown as ProviderClient;
const siteReader = new SiteReaderService(client, reader.config);

const HOME_LINKS = () => `
  <nav>
    <a href="/">Home</a>
    <a href="/about-us">About us</a>
    <a href="/customers">Customers</a>
    <a href="/team">Our team</a>
    <a href="/contact">Contact</a>
  </nav>
  <main><h1>Acme</h1>
    <a href="/careers/join-our-team">Join our team</a>
    <a href="/blog/about-our-funding">About our funding</a>
    <a href="/about.pdf">About (PDF)</a>
    <a href="http://other.test:${P()}/about">About Other Inc</a>
    <a href="http://other.test:${P()}/customers">Customers</a>
    <a href="mailto:hi@acme.test">Contact</a>
  </main>
  <footer><a href="/impressum">Impressum</a> <a href="http://blog.acme.test:${P()}/contact">Contact</a></footer>`;

beforeAll(async () => {
  site = await startSite(['127.0.0.1'], (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const route = routes[`${host}${req.url}`];
    if (route) route(res);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('not here');
  });
});
afterAll(() => site.close());
beforeEach(() => {
  site.reset();
  calls.length = 0;
  routes = {
    'acme.test/': htmlPage('Acme home', HOME_LINKS()),
    'acme.test/about-us': htmlPage('About Acme'),
    'acme.test/customers': htmlPage('Acme customers'),
    'acme.test/team': htmlPage('Acme team'),
    'acme.test/impressum': htmlPage('Impressum'),
    // /contact is missing: a 404.
  };
});

describe('SiteReaderService.read', () => {
  it('reads the home page, then about, customers, team and contact from its links, same site only', async () => {
    const r = await siteReader.read(`http://acme.test:${P()}/`);
    expect(r.home_url).toBe(`http://acme.test:${P()}/`);
    expect(r.domain).toBe('acme.test');
    expect(r.pages.map((p) => p.title)).toEqual([
      'Acme home',
      'About Acme',
      'Acme customers',
      'Acme team',
    ]);
    expect(r.failures).toEqual([
      {
        url: `http://acme.test:${P()}/contact`,
        code: 'NOT_FOUND',
        message: expect.stringMatching(/not found/),
      },
    ]);
    // Budget 5 = five reads; the other domain was never contacted.
    expect(site.requests).toEqual(
      ['/', '/about-us', '/customers', '/team', '/contact'].map((p) => `acme.test:${P()}${p}`),
    );
  });

  it('respects a smaller budget (WEB_SITE_MAX_PAGES or maxPages)', async () => {
    const r = await siteReader.read(`http://acme.test:${P()}/`, {}, { maxPages: 3 });
    expect(r.pages.map((p) => p.title)).toEqual(['Acme home', 'About Acme', 'Acme customers']);
    expect(site.requests).toHaveLength(3);
    const one = await siteReader.read(`http://acme.test:${P()}/`, {}, { maxPages: 1 });
    expect(one.pages).toHaveLength(1);
  });

  it('follows a home page that redirects to www and keeps the same site', async () => {
    routes = {
      'acme.test/': (res) => res.writeHead(301, { location: `http://www.acme.test:${P()}/` }).end(),
      'www.acme.test/': htmlPage(
        'Acme www',
        `<a href="/about">About</a> <a href="http://acme.test:${P()}/contact">Contact</a>`,
      ),
      'www.acme.test/about': htmlPage('About www'),
      'acme.test/contact': htmlPage('Contact apex'),
    };
    const r = await siteReader.read(`http://acme.test:${P()}`);
    expect(r.home_url).toBe(`http://www.acme.test:${P()}/`);
    expect(r.pages.map((p) => p.title)).toEqual(['Acme www', 'About www', 'Contact apex']);
  });

  it('drops a page that redirects off the site, and reads each final page once', async () => {
    routes['acme.test/'] = htmlPage(
      'Acme home',
      `<a href="/about-us">About us</a> <a href="/company">Company</a> <a href="/customers">Customers</a>`,
    );
    routes['acme.test/company'] = (res) => res.writeHead(302, { location: '/about-us' }).end();
    routes['acme.test/customers'] = (res) =>
      res.writeHead(302, { location: `http://other.test:${P()}/case-studies` }).end();
    routes['other.test/case-studies'] = htmlPage('Elsewhere');
    const r = await siteReader.read(`http://acme.test:${P()}/`);
    expect(r.pages.map((p) => p.title)).toEqual(['Acme home', 'About Acme']);
    expect(r.failures).toEqual([
      expect.objectContaining({
        url: `http://acme.test:${P()}/customers`,
        code: 'BAD_INPUT',
        message: expect.stringMatching(/redirected off the site/),
      }),
    ]);
  });

  it('tries https first for a bare website and falls back to http when https fails', async () => {
    const r = await siteReader.read(`acme.test:${P()}`, {}, { maxPages: 2 });
    expect(calls).toEqual([`https://acme.test:${P()}/`, `http://acme.test:${P()}/`]);
    expect(r.home_url).toBe(`http://acme.test:${P()}/`);
    // TLS spoken to a plain-HTTP port: not retried, the next spelling is tried at once.
    expect(r.failures).toEqual([
      expect.objectContaining({
        url: `https://acme.test:${P()}/`,
        code: 'BAD_INPUT',
        message: expect.stringMatching(/EPROTO/),
      }),
    ]);
  });

  it('reports a blocked website as a failure without reading anything', async () => {
    const r = await siteReader.read('http://10.0.0.1/');
    expect(r).toMatchObject({ home_url: null, pages: [] });
    expect(r.failures).toEqual([
      expect.objectContaining({ code: 'BLOCKED', message: expect.stringMatching(/private/) }),
    ]);
    expect(calls).toEqual(['http://10.0.0.1/']);
  });

  it("rethrows the caller's abort instead of recording it as a failure", async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('task cancelled'));
    await expect(
      siteReader.read(`http://acme.test:${P()}/`, { signal: ctl.signal }),
    ).rejects.toThrow();
  });
});

describe('page selection (pure)', () => {
  const home = (links: Array<[string, string]>, url = 'https://www.acme.co.uk/'): WebPage => ({
    url,
    final_url: url,
    status: 200,
    content_type: 'text/html',
    title: null,
    lang: null,
    text: '',
    markdown: '',
    links: links.map(([href, text]) => ({ href, text })),
    fetched_at: '',
    reader: 'builtin',
  });

  it('prefers shallow, exact matches and one page per kind first; uses the public suffix list', () => {
    const picked = pickSitePages(
      home([
        ['https://www.acme.co.uk/en/company/about', 'About'],
        ['https://www.acme.co.uk/about', 'About'],
        ['https://shop.acme.co.uk/contact-us', 'Contact'],
        ['https://www.other.co.uk/about', 'About'],
        ['https://www.acme.co.uk/clients', 'Who we work with'],
        ['https://www.acme.co.uk/ueber-uns', 'Über uns'],
        ['https://www.acme.co.uk/careers/team', 'Careers'],
        ['https://www.acme.co.uk/', 'Home'],
        ['https://www.acme.co.uk/about#history', 'History'],
      ]),
      10,
    );
    expect(picked).toEqual([
      { url: 'https://www.acme.co.uk/about', kind: 'about' },
      { url: 'https://www.acme.co.uk/clients', kind: 'customers' },
      { url: 'https://www.acme.co.uk/careers/team', kind: 'team' },
      { url: 'https://shop.acme.co.uk/contact-us', kind: 'contact' },
      { url: 'https://www.acme.co.uk/ueber-uns', kind: 'about' },
      { url: 'https://www.acme.co.uk/en/company/about', kind: 'about' },
    ]);
    expect(pickSitePages(home([['https://www.acme.co.uk/about', 'About']]), 0)).toEqual([]);
  });

  it('builds home URL candidates from a bare domain', () => {
    expect(homeUrlCandidates('acme.com')).toEqual([
      'https://acme.com/',
      'https://www.acme.com/',
      'http://acme.com/',
    ]);
    expect(homeUrlCandidates('www.acme.com')).toEqual([
      'https://www.acme.com/',
      'http://www.acme.com/',
    ]);
    expect(homeUrlCandidates('http://acme.com/en')).toEqual(['http://acme.com/en']);
  });
});
