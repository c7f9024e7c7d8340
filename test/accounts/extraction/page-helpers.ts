import type { WebPage } from '../../../src/providers/web/web-read.types';
import { FETCHED_AT } from './company-sites';

/** One page as a reader returns it, from HTML written in the test. */
export function htmlPage(
  url: string,
  html: string,
  opts: { lang?: string | null; text?: string } = {},
): WebPage {
  return {
    url,
    final_url: url,
    status: 200,
    content_type: 'text/html',
    title: /<title>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() ?? null,
    lang: opts.lang ?? null,
    text: opts.text ?? '',
    markdown: '',
    html,
    links: [],
    headers: {},
    fetched_at: FETCHED_AT,
    reader: 'builtin',
  };
}
