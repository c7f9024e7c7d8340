import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import type { WebLink, WebPage } from '../web/web-read.types';
import type { WebSearchOutput, WebSearchResult } from '../web/web-search.types';

/*
 * Pure mapping of Jina Reader (`r.jina.ai`) and Search (`s.jina.ai`) JSON answers
 * (`Accept: application/json`, VENDORS.md §5) to WebPage and WebSearchOutput, and of Jina's error
 * envelope `{data: null, code, name, status, message, readableMessage}` to ProviderError.
 */

export interface JinaEnvelope<T> {
  code?: number;
  status?: number;
  data?: T | null;
  name?: string;
  message?: string;
  readableMessage?: string;
  meta?: { usage?: { tokens?: number } };
}

type JinaLinks =
  | Record<string, string>
  | Array<[string, string] | { text?: string; href?: string; url?: string; title?: string }>;

export interface JinaPage {
  title?: string | null;
  description?: string | null;
  url?: string | null;
  content?: string | null;
  publishedTime?: string | null;
  metadata?: { lang?: string | null } & Record<string, unknown>;
  links?: JinaLinks | null;
  usage?: { tokens?: number };
}

export interface JinaSearchItem {
  title?: string | null;
  url?: string | null;
  description?: string | null;
  content?: string | null;
  date?: string | null;
}

/** Markdown → readable plain text (links and images keep their text, markup goes). */
export function markdownToText(md: string): string {
  return md
    .replace(/\r\n?/g, '\n')
    .replace(/```[^\n]*\n([\s\S]*?)```/g, '$1')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
    .replace(/^[ \t]*(?:[-*+]|\d+\.)[ \t]+/gm, '')
    .replace(/^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$/gm, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])([*_])(\S.*?\S|\S)\2(?=[\s).,;:!?]|$)/gm, '$1$3')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function absolute(href: string, base: string): string | undefined {
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Links from Jina's links summary (map or pairs), else from the Markdown's `[text](href)`. */
export function linksOf(page: JinaPage, base: string): WebLink[] {
  const pairs: Array<[string, string]> = [];
  const l = page.links;
  if (Array.isArray(l)) {
    for (const item of l) {
      if (Array.isArray(item)) pairs.push([String(item[0] ?? ''), String(item[1] ?? '')]);
      else if (item && typeof item === 'object')
        pairs.push([item.text ?? item.title ?? '', item.href ?? item.url ?? '']);
    }
  } else if (l && typeof l === 'object') {
    for (const [text, href] of Object.entries(l)) pairs.push([text, String(href)]);
  } else {
    for (const m of (page.content ?? '').matchAll(
      /(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
    )) {
      pairs.push([m[1], m[2]]);
    }
  }
  const seen = new Set<string>();
  const out: WebLink[] = [];
  for (const [text, href] of pairs) {
    const abs = absolute(href.trim(), base);
    if (!abs || seen.has(abs)) continue;
    seen.add(abs);
    out.push({ href: abs, text: markdownToText(text).replace(/\s+/g, ' ').trim() });
  }
  return out;
}

/** The tokens Jina billed: the `X-Usage-Tokens` header, else the envelope's usage. */
export function billedTokens(
  header: string | null,
  env: JinaEnvelope<unknown> | undefined,
): number | undefined {
  const h = header === null ? NaN : Number(header);
  if (Number.isFinite(h) && h >= 0) return h;
  const data = env?.data as { usage?: { tokens?: number } } | null | undefined;
  const t = env?.meta?.usage?.tokens ?? (Array.isArray(data) ? undefined : data?.usage?.tokens);
  return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
}

/**
 * A Reader answer → WebPage. Jina returns Markdown (no HTML, no origin status or content type):
 * `content_type` says what we got. An empty page is `found: false`. Keyless reads are free
 * (`costUsd: 0`); keyed ones are priced by the tokens Jina billed.
 */
export function mapReadResponse(
  env: JinaEnvelope<JinaPage>,
  opts: { url: string; now: Date; tokens?: number; keyed: boolean },
): ProviderResult<WebPage> {
  const page = env?.data;
  if (!page || typeof page !== 'object' || Array.isArray(page)) {
    throw new ProviderError(
      'TEMPORARY',
      'Jina Reader answered without a page (unexpected payload)',
    );
  }
  const finalUrl = (typeof page.url === 'string' && page.url) || opts.url;
  const markdown = typeof page.content === 'string' ? page.content : '';
  const lang = page.metadata?.lang;
  const data: WebPage = {
    url: opts.url,
    final_url: finalUrl,
    status: 200,
    content_type: 'text/markdown',
    title: page.title?.trim() || null,
    lang: typeof lang === 'string' && lang.trim() ? lang.trim() : null,
    text: markdownToText(markdown),
    markdown,
    links: linksOf(page, finalUrl),
    fetched_at: opts.now.toISOString(),
    reader: 'jina',
  };
  return {
    found: markdown.trim() !== '',
    data,
    sources: [finalUrl],
    ...(opts.keyed ? { usage: { outputTokens: opts.tokens ?? 0 } } : { costUsd: 0 }),
  };
}

/** Jina bills a search at least 10,000 tokens per 10 results asked. */
export function minimumSearchTokens(count: number): number {
  return Math.max(1, Math.ceil(count / 10)) * 10_000;
}

/** A Search answer → WebSearchOutput (at most `maxResults`, unique URLs). */
export function mapSearchResponse(
  env: JinaEnvelope<JinaSearchItem[]>,
  opts: { maxResults: number; tokens?: number; count: number },
): ProviderResult<WebSearchOutput> {
  if (!env || typeof env !== 'object' || (env.data != null && !Array.isArray(env.data))) {
    throw new ProviderError('TEMPORARY', 'Jina Search answered an unexpected payload');
  }
  const seen = new Set<string>();
  const results: WebSearchResult[] = [];
  for (const item of env.data ?? []) {
    const url = typeof item?.url === 'string' ? item.url.trim() : '';
    if (!url || seen.has(url) || results.length >= opts.maxResults) continue;
    seen.add(url);
    const snippet = item.description?.trim() || item.content?.trim().slice(0, 300) || undefined;
    results.push({
      url,
      ...(item.title?.trim() ? { title: item.title.trim() } : {}),
      ...(snippet ? { snippet } : {}),
      ...(item.date?.trim() ? { date: item.date.trim() } : {}),
    });
  }
  return {
    found: results.length > 0,
    data: { results },
    usage: { outputTokens: opts.tokens ?? minimumSearchTokens(opts.count) },
    sources: results.map((r) => r.url),
  };
}

function parseEnvelope(text: string): JinaEnvelope<unknown> | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    return body && typeof body === 'object' ? (body as JinaEnvelope<unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reader: the target page itself answered 404/410 (Jina says 422 "Target URL returned error 404"). */
export function targetMissing(status: number, text: string): boolean {
  if (status !== 422 && status !== 400) return false;
  const env = parseEnvelope(text);
  return /returned error (404|410)\b/i.test(
    `${env?.message ?? ''} ${env?.readableMessage ?? text}`,
  );
}

/** Search: Jina answers an empty result set with an error on some versions. */
export function noSearchResults(status: number, text: string): boolean {
  if (status !== 422 && status !== 400 && status !== 404) return false;
  return /no (search )?results/i.test(text);
}

/**
 * A failure → ProviderError, from the HTTP status or, on a 200 whose envelope carries an error
 * `code`, from that code. 402 InsufficientBalanceError → QUOTA_EXHAUSTED; 429 → RATE_LIMITED
 * (with Retry-After); 451 SecurityCompromiseError → BLOCKED; a target the Reader could not fetch
 * (422 "Target URL returned error …") → BLOCKED when it refused us, else BAD_INPUT.
 */
export function mapJinaError(
  status: number,
  text: string,
  retryAfter: string | null,
  what: { service: 'Reader' | 'Search'; keyVar: string },
): ProviderError {
  const env = parseEnvelope(text);
  const code = typeof env?.code === 'number' && env.code >= 400 ? env.code : status;
  const detail =
    (env?.readableMessage || env?.message || (env ? '' : text.trim().slice(0, 300))).replace(
      /\s+/g,
      ' ',
    ) || 'no body';
  const message = `Jina ${what.service} ${code}${env?.name ? ` ${env.name}` : ''}: ${detail}`;
  if (code === 401 || code === 403) {
    return new ProviderError('AUTH', `${message} (check ${what.keyVar})`, { status: code });
  }
  if (code === 402) {
    return new ProviderError('QUOTA_EXHAUSTED', `${message} (top up the Jina balance)`, {
      status: code,
    });
  }
  if (code === 451) return new ProviderError('BLOCKED', message, { status: code });
  if (code === 422 || code === 400) {
    const target = `${env?.message ?? ''} ${env?.readableMessage ?? text}`.match(
      /returned error (\d{3})/i,
    );
    if (target && ['401', '403', '429', '451'].includes(target[1])) {
      return new ProviderError('BLOCKED', message, { status: code });
    }
    return new ProviderError('BAD_INPUT', message, { status: code, retryable: false });
  }
  return ProviderError.fromHttp(code, message, { retryAfterMs: parseRetryAfter(retryAfter) });
}

/** A 200 whose envelope reports an error (`code` ≥ 400 or `data: null` with a `name`). */
export function envelopeError(env: JinaEnvelope<unknown>): boolean {
  return (typeof env.code === 'number' && env.code >= 400) || (env.data === null && !!env.name);
}
