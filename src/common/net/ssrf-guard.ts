import ipaddr from 'ipaddr.js';
import { isIP, isIPv4 } from 'node:net';

/**
 * Private-network rules for every outbound request Assay makes on a caller's behalf (callbacks and
 * the built-in web reader). Ranges come from ipaddr.js (IANA special-purpose registries): anything
 * it does not classify as public `unicast` is refused.
 */

/** Cloud metadata endpoints, named so that messages say why (their ranges are blocked anyway). */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/**
 * Why `ip` is not a public address (the ipaddr.js range name, e.g. `loopback`, `private`,
 * `linkLocal`, `carrierGradeNat`, `ipv4Mapped`…), or null when it is public. Anything that does
 * not parse as an IP address is refused (`invalid`).
 */
export function blockedRange(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 0) return 'invalid';
  const addr = ipaddr.parse(bare);
  if (METADATA.has(addr.toNormalizedString()) || METADATA.has(addr.toString())) return 'metadata';
  const range = addr.range();
  if (range !== 'unicast') return range;
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291) is "unicast" to ipaddr.js but reaches the
  // IPv4 address on some stacks.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) {
    return 'ipv4Compatible';
  }
  return null;
}

/**
 * True for loopback, private (RFC 1918), link-local (169.254/16, fe80::/10, the metadata address),
 * CGNAT (100.64/10), multicast, unspecified (0.0.0.0, ::), broadcast, reserved and documentation
 * ranges, unique-local (fc00::/7, fd00:ec2::254), IPv4-mapped/-compatible IPv6, NAT64, 6to4 and
 * Teredo — and for anything that is not an IP address.
 */
export function isBlockedAddress(ip: string): boolean {
  return blockedRange(ip) !== null;
}

/**
 * Operator-approved exceptions (CALLBACK_ALLOWED_HOSTS): host names (`hooks.internal`,
 * `*.svc.cluster.local`), IP addresses and CIDR blocks (`127.0.0.1`, `10.1.0.0/16`, `::1`).
 * A name entry trusts whatever the name resolves to; an address entry allows that address
 * whether it is written in the URL or resolved from a name.
 */
export class AllowList {
  private constructor(
    private readonly names: Set<string>,
    private readonly suffixes: string[],
    private readonly cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>,
  ) {}

  static readonly EMPTY = new AllowList(new Set(), [], []);

  /** Throws with one message per invalid entry. */
  static parse(entries: readonly string[]): AllowList {
    const names = new Set<string>();
    const suffixes: string[] = [];
    const cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
    const problems: string[] = [];
    for (const raw of entries) {
      const e = raw
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '');
      if (!e) continue;
      if (e.includes('/')) {
        try {
          cidrs.push(ipaddr.parseCIDR(e));
        } catch {
          problems.push(`"${raw}" is not a valid CIDR block (e.g. 10.0.0.0/8, fd00::/8)`);
        }
      } else if (isIP(e)) {
        const addr = ipaddr.parse(e);
        cidrs.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^\*\.[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(e)) {
        suffixes.push(e.slice(1));
      } else if (/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(e) && !/^[\d.]+$/.test(e)) {
        names.add(e);
      } else {
        problems.push(
          `"${raw}" is neither a host name (hooks.internal, *.example.com), an IP address nor a CIDR block`,
        );
      }
    }
    if (problems.length) throw new Error(problems.join('; '));
    return new AllowList(names, suffixes, cidrs);
  }

  get size(): number {
    return this.names.size + this.suffixes.length + this.cidrs.length;
  }

  allowsName(hostname: string): boolean {
    const h = hostname.toLowerCase().replace(/\.$/, '');
    return this.names.has(h) || this.suffixes.some((s) => h.endsWith(s));
  }

  /** Exact family: an allow-listed 127.0.0.1 does not allow ::ffff:127.0.0.1. */
  allowsAddress(ip: string): boolean {
    const bare = ip.replace(/^\[|\]$/g, '');
    if (!this.cidrs.length || isIP(bare) === 0) return false;
    const addr = ipaddr.parse(bare);
    return this.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
  }
}

/** Why an address may not be connected to under `allow` (null = it may). */
export function addressProblem(ip: string, allow: AllowList): string | null {
  if (allow.allowsAddress(ip)) return null;
  const range = blockedRange(ip);
  if (!range) return null;
  return range === 'metadata'
    ? `${ip} (a cloud metadata address)`
    : `${ip} (a non-public address: ${range})`;
}

/** A URL that passed the static checks, with its host as a bare name or IP. */
export interface OutboundTarget {
  url: URL;
  /** Host without IPv6 brackets, lower case. */
  hostname: string;
  /** The literal IP address of the URL, if its host is one. */
  ip: string | null;
}

export class OutboundUrlError extends Error {
  /**
   * @param refused true when the URL is a usable http(s) URL that the rules refuse (credentials,
   *   a disguised IPv4 spelling), false when it is not a usable http(s) URL at all.
   */
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
    this.name = 'OutboundUrlError';
  }
}

/**
 * Parses an outbound http(s) URL and refuses what should never reach the network layer: other
 * schemes, credentials in the URL, and IPv4 addresses spelt in anything but dotted decimal
 * (2130706433, 0x7f.1, 0177.0.0.1, 127.1, percent-encoded digits). WHATWG URL would turn those
 * into 127.0.0.1 anyway; refusing them keeps an allow-listed address from being reached under a
 * disguise and makes probing obvious in logs.
 */
export function parseOutboundUrl(raw: string): OutboundTarget {
  if (!/^https?:\/\//i.test(raw)) {
    throw new OutboundUrlError('must be an absolute URL starting with http:// or https://');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError('is not a valid URL');
  }
  if (url.username || url.password) {
    throw new OutboundUrlError(
      'must not carry credentials (user:password@); receivers authenticate callbacks by their signature',
      true,
    );
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!hostname) throw new OutboundUrlError('has no host');
  if (isIPv4(hostname) && rawHost(raw) !== hostname) {
    throw new OutboundUrlError(
      `spells the IPv4 address ${hostname} in a non-standard form; write it as ${hostname}`,
      true,
    );
  }
  return { url, hostname, ip: isIP(hostname) ? hostname : null };
}

/** The host as written in the URL (before WHATWG normalisation), lower case. */
function rawHost(raw: string): string {
  const authority = raw.replace(/^https?:\/\//i, '').split(/[/\\?#]/, 1)[0];
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hostPort.startsWith('[')
    ? hostPort.slice(0, hostPort.indexOf(']') + 1)
    : hostPort.replace(/:[^:]*$/, '');
  return host.toLowerCase();
}

/**
 * The checks that need no DNS: URL shape, spelling, and a literal IP address against the rules.
 * A host name is checked when the request is made, on the addresses it resolves to then (a check
 * here would prove nothing against DNS rebinding). Returns why the URL is refused, or null.
 */
export function outboundUrlProblem(raw: string, allow: AllowList): string | null {
  let target: OutboundTarget;
  try {
    target = parseOutboundUrl(raw);
  } catch (err) {
    return (err as Error).message;
  }
  if (target.ip && !allow.allowsName(target.hostname)) {
    const problem = addressProblem(target.ip, allow);
    if (problem)
      return `points to ${problem}; only public addresses (or allow-listed hosts) may be called`;
  }
  return null;
}
