import { ProviderError } from '../core/provider-error';

/** One vendor answer, body read as text (vendors send JSON, plain text or HTML on errors). */
export interface VendorResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Replaces every secret (API keys that travel in a URL, e.g. BuiltWith's `KEY=`) in a text that
 * may reach an error message, the ledger or a log.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join('***');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('***');
  }
  return out;
}

/**
 * One HTTP exchange with a vendor over plain fetch. Transport failures (refused, reset, DNS, an
 * aborted signal) become ProviderError TEMPORARY; HTTP statuses are left to the adapter's mapper.
 * With `secrets`, messages are redacted and the raw error is not attached as `cause` (undici puts
 * the URL, query string included, into some of its messages).
 */
export async function vendorFetch(
  vendor: string,
  url: string,
  init: RequestInit & { signal: AbortSignal },
  secrets: ReadonlyArray<string | undefined> = [],
): Promise<VendorResponse> {
  const hasSecrets = secrets.some(Boolean);
  try {
    const res = await fetch(url, init);
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    if (init.signal.aborted) {
      throw new ProviderError('TEMPORARY', `${vendor} call was aborted (timeout or cancel)`, {
        cause: hasSecrets ? undefined : err,
      });
    }
    const e = err as { message?: string; cause?: { code?: string; message?: string } };
    const why = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
    throw new ProviderError('TEMPORARY', redact(`cannot reach ${vendor}: ${why}`, secrets), {
      cause: hasSecrets ? undefined : err,
    });
  }
}

/** A 2xx body that must be JSON; anything else is a transient vendor fault. */
export function parseVendorJson<T>(
  vendor: string,
  text: string,
  secrets: ReadonlyArray<string | undefined> = [],
): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    const head = redact(text.trim().slice(0, 80), secrets);
    throw new ProviderError('TEMPORARY', `${vendor} answered a body that is not JSON (${head})`);
  }
}

/** What anti-bot walls put in their pages: CAPTCHA widgets, Cloudflare / DataDome challenges. */
const CHALLENGE_MARKERS =
  /captcha|challenge|just a moment|checking your browser|verify (?:that )?you are (?:a )?human|are you a robot|unusual traffic|datadome|perimeterx|incapsula/i;

/**
 * An anti-bot page where JSON was expected: an HTML body (by its content type or its first tag)
 * that carries a CAPTCHA or challenge marker, whatever the status (walls answer 200, 403, 429 or
 * 503). Such an answer is `BLOCKED`: the vendor, or the site behind it, refuses us. Check it before
 * mapping the status. A provider that declares `pauseWhenBlocked` is then paused.
 */
export function challengePage(vendor: string, res: VendorResponse): ProviderError | undefined {
  const type = res.headers.get('content-type') ?? '';
  const html =
    /\b(?:text\/html|application\/xhtml)/i.test(type) ||
    /^\s*<(?:!doctype html|html)\b/i.test(res.text);
  if (!html || !CHALLENGE_MARKERS.test(res.text.slice(0, 200_000))) return undefined;
  return new ProviderError(
    'BLOCKED',
    `${vendor} answered an anti-bot / CAPTCHA page (HTTP ${res.status}) where JSON was expected`,
    { status: res.status },
  );
}

/** An error body's message: `error` / `message` of a JSON envelope, else the raw text (trimmed). */
export function errorDetail(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let detail: string | undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown> | null;
    const pick = (v: unknown): string | undefined =>
      typeof v === 'string'
        ? v
        : v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string'
          ? (v as { message: string }).message
          : undefined;
    detail = pick(body?.readableMessage) ?? pick(body?.error) ?? pick(body?.message);
  } catch {
    detail = undefined;
  }
  return redact((detail ?? text).trim().replace(/\s+/g, ' ').slice(0, 300) || 'no body', secrets);
}
