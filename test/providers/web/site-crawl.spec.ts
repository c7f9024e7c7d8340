import { crawlSite, type PageReader } from '../../../src/providers/web/site-crawl';
import { pickSitePages } from '../../../src/providers/web/site-pages';
import type { WebPage } from '../../../src/providers/web/web-read.types';

/**
 * The crawl loop shared by the site reader (accounts) and builtin_web's people search, over an
 * in-memory site: the kinds of page wanted and their priority, the second hop to a team page
 * only an about page links, the page budget and an early stop.
 */

const page = (url: string, links: Array<[string, string]> = []): WebPage => ({
  url,
  final_url: url,
  status: 200,
  content_type: 'text/html',
  title: url,
  lang: null,
  text: '',
  markdown: '',
  links: links.map(([href, text]) => ({ href: new URL(href, url).href, text })),
  fetched_at: '',
  reader: 'builtin',
});

const SITE: Record<string, WebPage> = {
  'https://acme.test/': page('https://acme.test/', [
    ['/company', 'Company'],
    ['/customers', 'Customers'],
    ['/contact', 'Contact'],
    ['/blog', 'Blog'],
  ]),
  'https://acme.test/company': page('https://acme.test/company', [
    ['/company/leadership', 'Our leadership'],
    ['/company/history', 'History'],
    ['/', 'Home'],
  ]),
  'https://acme.test/company/leadership': page('https://acme.test/company/leadership', [
    ['/company', 'About us'],
    ['/company/board', 'Board of directors'],
  ]),
  'https://acme.test/company/board': page('https://acme.test/company/board'),
  'https://acme.test/customers': page('https://acme.test/customers'),
};

function reader(log: string[]): PageReader {
  return async (url) => {
    log.push(url);
    const p = SITE[url];
    return p
      ? { page: p }
      : { failure: { url, code: 'NOT_FOUND', message: `${url} not found` }, answered: true };
  };
}

describe('crawlSite', () => {
  it('reads only the kinds asked for, and follows a team page linked from the about page', async () => {
    const log: string[] = [];
    const { result, kinds } = await crawlSite('acme.test', reader(log), {
      budget: 5,
      kinds: ['team', 'about'],
      followLinks: true,
    });
    expect(log).toEqual([
      'https://acme.test/',
      'https://acme.test/company',
      'https://acme.test/company/leadership',
      'https://acme.test/company/board',
    ]);
    expect(kinds).toEqual(['home', 'about', 'team', 'team']);
    expect(result.pages.map((p) => p.final_url)).toEqual(log);
    expect(result.failures).toEqual([]);
  });

  it('keeps the budget and stops when told to', async () => {
    const log: string[] = [];
    await crawlSite('acme.test', reader(log), {
      budget: 2,
      kinds: ['team', 'about'],
      followLinks: true,
    });
    expect(log).toEqual(['https://acme.test/', 'https://acme.test/company']);

    const stopped: string[] = [];
    await crawlSite('acme.test', reader(stopped), {
      budget: 5,
      kinds: ['team', 'about'],
      followLinks: true,
      stop: () => stopped.length >= 2,
    });
    expect(stopped).toEqual(['https://acme.test/', 'https://acme.test/company']);
  });

  it('without followLinks reads what the home page links, as the site reader always did', async () => {
    const log: string[] = [];
    const { kinds } = await crawlSite('acme.test', reader(log), { budget: 5 });
    expect(log).toEqual([
      'https://acme.test/',
      'https://acme.test/company',
      'https://acme.test/customers',
      'https://acme.test/contact',
    ]);
    expect(kinds).toEqual(['home', 'about', 'customers']);
  });

  it('recognises team pages in English, German, French and Spanish', () => {
    const home = page('https://acme.test/', [
      ['/unser-team', 'Unser Team'],
      ['/notre-equipe', 'Notre équipe'],
      ['/nuestro-equipo', 'Nuestro equipo'],
      ['/leadership-team', 'Leadership team'],
      ['/x', 'Geschäftsführung'],
      ['/careers', 'Join our team'],
    ]);
    expect(pickSitePages(home, 10, ['team']).map((c) => new URL(c.url).pathname)).toEqual([
      '/unser-team',
      '/notre-equipe',
      '/nuestro-equipo',
      '/leadership-team',
      '/x',
    ]);
  });
});
