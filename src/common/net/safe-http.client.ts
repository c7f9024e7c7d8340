import { lookup as dnsLookup, LookupAddress, LookupAllOptions } from 'node:dns';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressProblem, AllowList, OutboundUrlError, parseOutboundUrl } from './ssrf-guard';

/**
 * BLOCKED: refused by the private-network rules, nothing was sent. BAD_URL: not a usable http(s)
 * URL. TIMEOUT: no complete answer in time. NETWORK: connect/transport failure. The GET reader
 * (safe-get.client.ts) adds ABORTED (the caller's signal), REDIRECTS (too many hops) and
 * BAD_RESPONSE (a body it cannot decode).
 */
export type OutboundErrorCode =
  'BLOCKED' | 'BAD_URL' | 'TIMEOUT' | 'NETWORK' | 'ABORTED' | 'REDIRECTS' | 'BAD_RESPONSE';

/** Why an outbound request did not get an HTTP response. BLOCKED requests never left the process. */
export class OutboundRequestError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundRequestError';
  }
}

export interface SafePostOptions {
  timeoutMs: number;
  /** Host names, IPs and CIDRs that may be called although they are not public. */
  allowHosts?: AllowList | readonly string[];
  /** Response bytes read at most (the rest is discarded). Default 64 KiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /**
   * Name resolution (default: the system's; see outboundResolver for OUTBOUND_DNS_SERVERS).
   * Every address it returns is checked, unless the name itself is allow-listed.
   */
  resolve?: AddressResolver;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The start of the body (at most maxResponseBytes), decoded as UTF-8. */
  body: string;
  truncated: boolean;
}

const DEFAULT_MAX_RESPONSE = 64 * 1024;

/**
 * POSTs `body` to `url` under the private-network rules (ssrf-guard.ts). The address check runs
 * where the socket connects: a literal IP before connecting, a host name inside the socket's DNS
 * lookup on every address returned, so the address checked is the address used (no DNS
 * rebinding window). Redirects are never followed (node:http does not follow them; a 3xx is
 * returned as is). Node's built-in fetch cannot do this (it ignores agents and lookup hooks).
 */
export function safePost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  opts: SafePostOptions,
): Promise<SafeResponse> {
  const allow =
    opts.allowHosts instanceof AllowList ? opts.allowHosts : AllowList.parse(opts.allowHosts ?? []);
  let target: ReturnType<typeof parseOutboundUrl>;
  try {
    target = parseOutboundUrl(url);
  } catch (err) {
    const msg = err instanceof OutboundUrlError ? err.message : String(err);
    return Promise.reject(new OutboundRequestError('BAD_URL', `URL ${msg}`));
  }
  const trustedName = allow.allowsName(target.hostname);
  if (target.ip && !trustedName) {
    const problem = addressProblem(target.ip, allow);
    if (problem) return Promise.reject(new OutboundRequestError('BLOCKED', `blocked: ${problem}`));
  }
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const { url: u } = target;
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const resolver = opts.resolve ?? dnsLookup;
  let lookup: LookupFunction | undefined;
  if (!target.ip) lookup = trustedName ? plainLookup(resolver) : guardedLookup(allow, resolver);

  return new Promise<SafeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: OutboundRequestError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    };
    const req = send({
      protocol: u.protocol,
      hostname: target.hostname,
      port: u.port || undefined,
      path: `${u.pathname}${u.search}`,
      method: 'POST',
      headers: { ...headers, 'content-length': String(payload.length) },
      // A fresh connection per request: no pooled socket is ever reused for another check.
      agent: false,
      lookup,
    });
    const timer = setTimeout(
      () =>
        req.destroy(
          new OutboundRequestError('TIMEOUT', `no complete answer within ${opts.timeoutMs} ms`),
        ),
      opts.timeoutMs,
    );
    const onAbort = () => req.destroy(new OutboundRequestError('TIMEOUT', 'aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (err) => fail(toOutboundError(err)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        });
      };
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (chunk.length >= room) {
          // Enough: the status is what counts; stop reading a body that may never end.
          truncated = chunk.length > room || res.readableLength > 0;
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => fail(toOutboundError(err)));
      res.on('close', done);
    });
    req.end(payload);
  });
}

export function toOutboundError(err: unknown): OutboundRequestError {
  if (err instanceof OutboundRequestError) return err;
  const e = err as NodeJS.ErrnoException;
  return new OutboundRequestError('NETWORK', `${e.code ? `${e.code}: ` : ''}${e.message}`, {
    cause: err,
  });
}

/** Resolves every address of a name, like `dns.lookup(name, { all: true }, cb)`. */
export type AddressResolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for net.connect that resolves every address of the name and refuses the connection
 * when any of them is not allowed (a name answering both a public and a private address is
 * refused: the socket could pick either). `resolve` defaults to the system resolver.
 */
export function guardedLookup(
  allow: AllowList,
  resolve: AddressResolver = dnsLookup,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const problem = addressProblem(a.address, allow);
        if (problem) {
          return callback(
            new OutboundRequestError('BLOCKED', `blocked: ${hostname} resolves to ${problem}`),
            '',
            0,
          );
        }
      }
      if (options.all) return (callback as unknown as AllCallback)(null, addresses);
      if (!addresses.length) {
        return callback(new Error(`${hostname} has no address`) as NodeJS.ErrnoException, '', 0);
      }
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** A lookup for allow-listed names: resolves with `resolve`, checks nothing. */
export function plainLookup(resolve: AddressResolver): LookupFunction {
  return (hostname, options, callback) =>
    resolve(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      if (options.all) return (callback as unknown as AllCallback)(null, addresses);
      if (!addresses.length) {
        return callback(new Error(`${hostname} has no address`) as NodeJS.ErrnoException, '', 0);
      }
      return callback(null, addresses[0].address, addresses[0].family);
    });
}

type AllCallback = (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;
