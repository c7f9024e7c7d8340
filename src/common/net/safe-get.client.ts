import { lookup as dnsLookup } from 'node:dns';
import { IncomingHttpHeaders, IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import {
  AddressResolver,
  guardedLookup,
  OutboundRequestError,
  plainLookup,
  toOutboundError,
} from './safe-http.client';
import {
  addressProblem,
  AllowList,
  OutboundTarget,
  OutboundUrlError,
  parseOutboundUrl,
} from './ssrf-guard';

export interface SafeGetOptions {
  /** Host names, IPs and CIDRs that may be read although they are not public. */
  allowHosts?: AllowList | readonly string[];
  headers?: Record<string, string>;
  /** Per hop: DNS lookup, TCP connect and (https) TLS handshake. */
  connectTimeoutMs: number;
  /** The whole read: every hop, every header and the body. */
  timeoutMs: number;
  /** Redirects followed at most; one more is an error (REDIRECTS). */
  maxRedirects: number;
  /** Body bytes read at most, counted on the wire and again after content decoding. */
  maxBytes: number;
  /** Cuts the read at once (code ABORTED). */
  signal?: AbortSignal;
  /**
   * Whether the body of the final response is wanted, given its status and headers. A body that
   * is not wanted is never downloaded: the connection is closed. Default: always.
   */
  wantBody?: (status: number, headers: IncomingHttpHeaders) => boolean;
  /** Name resolution (default: the system's). Every address it returns is checked. */
  resolve?: AddressResolver;
}

export interface SafeGetResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, content encoding (gzip, deflate, br) removed; empty when not wanted. */
  body: Buffer;
  bodyRead: boolean;
  /** The body was longer than maxBytes (on the wire or decoded) and was cut there. */
  truncated: boolean;
  /** The URLs that redirected, in order (the first is the URL asked for). */
  redirects: string[];
  /** Body bytes received on the wire (before decoding). */
  wireBytes: number;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url` under the private-network rules of ssrf-guard.ts, following redirects itself so that
 * every hop is checked like the first: URL shape and spelling, a literal IP before connecting, a
 * host name inside the socket's DNS lookup on every address returned (the address checked is the
 * address connected to: no DNS rebinding window), whatever the scheme of the hop (http↔https).
 * A blocked hop fails with BLOCKED before any connection to it is attempted.
 *
 * Bounded: a connect timeout per hop, a total timeout, at most maxRedirects hops, and at most
 * maxBytes of body both as received and as decoded, so a compression bomb stops at the cap (the
 * response is then returned cut, with `truncated`). Built on node:http(s) with a fresh socket
 * per hop: Node's built-in fetch ignores agents and lookup hooks, so it could not run the check.
 */
export async function safeGet(url: string, opts: SafeGetOptions): Promise<SafeGetResponse> {
  const allow =
    opts.allowHosts instanceof AllowList ? opts.allowHosts : AllowList.parse(opts.allowHosts ?? []);
  const resolve = opts.resolve ?? dnsLookup;
  const ctl = new AbortController();
  const timer = setTimeout(
    () =>
      ctl.abort(
        new OutboundRequestError('TIMEOUT', `no complete answer within ${opts.timeoutMs} ms`),
      ),
    opts.timeoutMs,
  );
  const onOuterAbort = () => ctl.abort(new OutboundRequestError('ABORTED', 'the read was aborted'));
  if (opts.signal?.aborted) onOuterAbort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  try {
    const redirects: string[] = [];
    let next = url;
    for (;;) {
      const target = checkTarget(next, allow, redirects.length > 0);
      const current = target.url.href;
      const res = await getOnce(target, allow, resolve, opts, ctl.signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT.has(status) && location) {
        res.destroy();
        if (redirects.length >= opts.maxRedirects) {
          throw new OutboundRequestError(
            'REDIRECTS',
            `more than ${opts.maxRedirects} redirects (stopped at ${current} → ${masked(location).slice(0, 200)})`,
          );
        }
        redirects.push(current);
        next = nextHop(current, location);
        continue;
      }
      const base = { url: current, status, headers: res.headers, redirects };
      if (opts.wantBody && !opts.wantBody(status, res.headers)) {
        res.destroy();
        return { ...base, body: Buffer.alloc(0), bodyRead: false, truncated: false, wireBytes: 0 };
      }
      const body = await readBody(res, opts.maxBytes, ctl.signal);
      return { ...base, ...body, bodyRead: true };
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * The static checks of one hop: credentials, scheme, spelling, and a literal IP against the rules.
 * Host names are checked later, inside the connection's DNS lookup.
 */
function checkTarget(raw: string, allow: AllowList, isRedirect: boolean): OutboundTarget {
  const shown = masked(raw).slice(0, 200);
  const hop = isRedirect ? `redirect to ${shown}` : shown;
  if (shown !== raw.slice(0, 200)) {
    throw new OutboundRequestError(
      'BLOCKED',
      `${hop} refused: URLs with credentials (user:password@) are never read`,
    );
  }
  let target: OutboundTarget;
  try {
    target = parseOutboundUrl(raw);
  } catch (err) {
    const e = err as OutboundUrlError;
    // A redirect to another scheme (file:, gopher:, ftp:…) is an escape attempt, not a typo.
    const code = e.refused || isRedirect ? 'BLOCKED' : 'BAD_URL';
    throw new OutboundRequestError(code, `${hop} refused: the URL ${e.message}`);
  }
  if (target.ip && !allow.allowsName(target.hostname)) {
    const problem = addressProblem(target.ip, allow);
    if (problem) {
      throw new OutboundRequestError(
        'BLOCKED',
        `${hop} blocked: ${problem}; only public addresses (or hosts in the allow-list) are read`,
      );
    }
  }
  return target;
}

/** The URL with its credentials (user:password@), if any, replaced by ***@. */
function masked(raw: string): string {
  try {
    const u = new URL(raw);
    if (!u.username && !u.password) return raw;
    u.username = '***';
    u.password = '';
    return u.href;
  } catch {
    return raw;
  }
}

/**
 * The URL a Location leads to. An absolute (or scheme-relative) Location is returned as written,
 * fragment removed, so that the next hop's checks see its host as the server spelt it (a
 * redirect to http://2130706433/ is refused like the same URL asked for directly).
 */
function nextHop(current: string, location: string): string {
  const loc = location.trim().replace(/#.*$/s, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(loc)) return loc;
  if (/^[/\\]{2}/.test(loc)) return `${new URL(current).protocol}${loc}`;
  try {
    return new URL(loc, current).href;
  } catch {
    throw new OutboundRequestError(
      'BAD_URL',
      `${current} redirects to an invalid URL (${location.slice(0, 200)})`,
    );
  }
}

/** One request; resolves with the response once its headers are in. */
function getOnce(
  target: OutboundTarget,
  allow: AllowList,
  resolve: AddressResolver,
  opts: SafeGetOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const { url: u } = target;
  const https = u.protocol === 'https:';
  const trustedName = allow.allowsName(target.hostname);
  let lookup: LookupFunction | undefined;
  if (!target.ip) lookup = trustedName ? plainLookup(resolve) : guardedLookup(allow, resolve);

  return new Promise<IncomingMessage>((done, fail) => {
    if (signal.aborted) return fail(signal.reason as Error);
    let settled = false;
    const settle = (err: Error | null, res?: IncomingMessage) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      if (err) fail(err);
      else done(res!);
    };
    const req = (https ? httpsRequest : httpRequest)({
      protocol: u.protocol,
      hostname: target.hostname,
      port: u.port || undefined,
      path: `${u.pathname}${u.search}`,
      method: 'GET',
      headers: opts.headers,
      // A fresh connection per hop: a pooled socket would skip the check of this hop's address.
      agent: false,
      lookup,
    });
    const connectTimer = setTimeout(
      () =>
        req.destroy(
          new OutboundRequestError(
            'TIMEOUT',
            `could not connect to ${u.host} within ${opts.connectTimeoutMs} ms`,
          ),
        ),
      opts.connectTimeoutMs,
    );
    const onAbort = () => req.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket: Socket) => {
      socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (err) => settle(toOutboundError(err)));
    req.on('response', (res) => settle(null, res));
    req.end();
  });
}

/** A decoder for a Content-Encoding, null for none; throws BAD_RESPONSE for one we never asked for. */
function decoderFor(encoding: string | undefined, first: Buffer): Transform | null {
  const e = (encoding ?? '').trim().toLowerCase();
  if (!e || e === 'identity') return null;
  if (e === 'gzip' || e === 'x-gzip') return createGunzip();
  if (e === 'br') return createBrotliDecompress();
  if (e === 'deflate') {
    // "deflate" is meant to be zlib-wrapped (RFC 9110) but some servers send it raw.
    const zlibWrapped =
      first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0;
    return zlibWrapped ? createInflate() : createInflateRaw();
  }
  throw new OutboundRequestError(
    'BAD_RESPONSE',
    `the body has a content encoding that was not asked for (${e})`,
  );
}

/**
 * Reads the body up to `maxBytes`, counted as received and as decoded; at the cap the response
 * is destroyed (the server stops sending) and what was read is returned, marked truncated.
 */
function readBody(
  res: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ body: Buffer; truncated: boolean; wireBytes: number }> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let size = 0;
    let truncated = false;
    let settled = false;
    let decoder: Transform | null | undefined;

    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      res.destroy();
      decoder?.destroy();
      if (err) fail(err);
      else done({ body: Buffer.concat(chunks, size), truncated, wireBytes });
    };
    const onAbort = () => finish(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    const take = (chunk: Buffer) => {
      if (settled) return;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        truncated = true;
        return finish();
      }
      chunks.push(chunk);
      size += chunk.length;
    };

    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      wireBytes += chunk.length;
      if (decoder === undefined) {
        try {
          decoder = decoderFor(res.headers['content-encoding'], chunk);
        } catch (err) {
          return finish(err as Error);
        }
        decoder?.on('data', take);
        decoder?.on('end', () => finish());
        decoder?.on('error', (err) =>
          finish(
            new OutboundRequestError('BAD_RESPONSE', `the body cannot be decoded: ${err.message}`),
          ),
        );
      }
      if (!decoder) return take(chunk);
      if (wireBytes > maxBytes) {
        truncated = true;
        return finish();
      }
      decoder.write(chunk);
    });
    res.on('end', () => (decoder ? decoder.end() : finish()));
    res.on('error', (err) => finish(toOutboundError(err)));
    res.on('close', () => {
      if (!res.complete) {
        finish(new OutboundRequestError('NETWORK', 'the connection closed before the body ended'));
      }
    });
  });
}
