import { lookup as dnsLookup, LookupAddress, Resolver } from 'node:dns';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import type { AddressResolver } from './safe-http.client';

/** Per query and try (c-ares doubles it on each retry), and tries per server. */
const QUERY_TIMEOUT_MS = 2000;
const QUERY_TRIES = 2;

/** Answers that mean "no address of this family", not "the lookup failed". */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * Parses OUTBOUND_DNS_SERVERS entries (`ip`, `ip:port`, `[ipv6]`, `[ipv6]:port`) into the form
 * `Resolver.setServers` takes. Servers are IP addresses: a server's name would need DNS itself.
 * Throws one error naming every invalid entry.
 */
export function parseDnsServers(entries: readonly string[]): string[] {
  const servers: string[] = [];
  const problems: string[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    if (!e) continue;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
    const v4 = /^([^:]+)(?::(\d+))?$/.exec(e);
    let host = '';
    let port: string | undefined;
    if (bracketed && isIPv6(bracketed[1])) [, host, port] = bracketed;
    else if (isIPv6(e)) host = e;
    else if (v4 && isIPv4(v4[1])) [, host, port] = v4;
    const portOk = port === undefined || (/^[1-9]\d{0,4}$/.test(port) && Number(port) <= 65535);
    if (!host || !portOk) {
      problems.push(
        `"${raw}" is not a DNS server address: write an IP address, optionally with a port (10.0.0.53, 10.0.0.53:5353, [fd00::53]:53)`,
      );
      continue;
    }
    servers.push(port ? `${isIPv6(host) ? `[${host}]` : host}:${port}` : host);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return servers;
}

/**
 * The resolver of every outbound request (the web reader, callbacks): the system's
 * (`dns.lookup`: /etc/hosts, then the system's DNS) when `servers` is empty, otherwise a
 * `node:dns` Resolver that asks only those servers (no /etc/hosts, no search domains) for the A
 * and AAAA records of a name, CNAMEs followed, and answers like `dns.lookup(name, { all: true })`.
 * It only resolves: the SSRF checks run on every address it returns (guardedLookup).
 *
 * A name with no address of either family fails with ENOTFOUND; a server failure or timeout
 * (ESERVFAIL, ETIMEOUT, ECONNREFUSED…) fails with its code unless the other family answered.
 */
export function outboundResolver(servers: readonly string[] = []): AddressResolver {
  const list = parseDnsServers(servers);
  if (!list.length) return dnsLookup;
  const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });
  resolver.setServers(list);

  return (hostname, options, callback) => {
    const name = hostname.replace(/\.$/, '');
    const literal = isIP(name);
    if (literal) {
      process.nextTick(callback, null, [{ address: name, family: literal }]);
      return;
    }
    const family = options.family;
    const families: Array<4 | 6> = [];
    if (family !== 6 && family !== 'IPv6') families.push(4);
    if (family !== 4 && family !== 'IPv4') families.push(6);

    const answers = new Map<4 | 6, string[]>();
    const errors: NodeJS.ErrnoException[] = [];
    let pending = families.length;
    const done = () => {
      const order: Array<4 | 6> = options.order === 'ipv6first' ? [6, 4] : [4, 6];
      const addresses = order.flatMap((f) =>
        (answers.get(f) ?? []).map((address): LookupAddress => ({ address, family: f })),
      );
      if (addresses.length) return callback(null, addresses);
      const failure = errors.find((e) => !NO_DATA.has(e.code ?? ''));
      if (failure) return callback(failure, []);
      const err: NodeJS.ErrnoException = new Error(
        `${name} has no A or AAAA record (asked ${list.join(', ')})`,
      );
      err.code = 'ENOTFOUND';
      return callback(Object.assign(err, { hostname: name }), []);
    };
    for (const f of families) {
      const answered = (err: NodeJS.ErrnoException | null, addresses: string[]) => {
        if (err) errors.push(err);
        else answers.set(f, addresses);
        if (--pending === 0) done();
      };
      if (f === 4) resolver.resolve4(name, answered);
      else resolver.resolve6(name, answered);
    }
  };
}
