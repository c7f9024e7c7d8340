import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { parseDnsServers } from '../../common/net/dns-resolver';

/** Per query and try, and tries per server (as the platform's outbound resolver). */
const QUERY_TIMEOUT_MS = 2000;
const QUERY_TRIES = 2;

/**
 * Where a domain's mail goes. `mx`: its MX hosts, best preference first; `fallback`: no MX but an
 * address record, so the domain itself is the mail host (RFC 5321 §5.1); `null_mx`: a single MX
 * of "." (RFC 7505: the domain accepts no mail); `no_mail`: the domain does not exist, or has
 * neither MX nor address; `dns_error`: the servers failed or did not answer (says nothing).
 */
export type MailRoute =
  | { kind: 'mx' | 'fallback'; hosts: string[] }
  | { kind: 'null_mx' | 'no_mail'; hosts: [] }
  | { kind: 'dns_error'; hosts: []; code: string };

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME']);

/**
 * MX lookups with the platform's DNS servers (OUTBOUND_DNS_SERVERS; the system's when empty), the
 * same servers that resolve the MX hosts' addresses when connecting.
 */
export class MxResolver {
  private readonly resolver: dns.Resolver;

  constructor(servers: readonly string[] = []) {
    this.resolver = new dns.Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });
    const list = parseDnsServers(servers);
    if (list.length) this.resolver.setServers(list);
  }

  async route(domain: string): Promise<MailRoute> {
    let records: Array<{ exchange: string; priority: number }>;
    try {
      records = await this.resolver.resolveMx(domain);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      if (code === 'ENOTFOUND') return { kind: 'no_mail', hosts: [] };
      if (code !== 'ENODATA') return { kind: 'dns_error', hosts: [], code };
      records = [];
    }
    const hosts = records
      .map((r) => ({ host: r.exchange.replace(/\.$/, '').toLowerCase(), priority: r.priority }))
      .sort((a, b) => a.priority - b.priority);
    // RFC 7505: one MX whose exchange is the root ("."): no mail, whatever else the zone holds.
    if (hosts.length === 1 && hosts[0].host === '') return { kind: 'null_mx', hosts: [] };
    // An address literal is not a valid MX exchange (RFC 5321 §5.1): never connected to.
    const usable = [...new Set(hosts.map((h) => h.host).filter((h) => h && !isIP(h)))];
    if (usable.length) return { kind: 'mx', hosts: usable };
    return this.addressFallback(domain);
  }

  /** No MX: the domain itself, if it has an A or AAAA record. */
  private async addressFallback(domain: string): Promise<MailRoute> {
    const tries = await Promise.allSettled([
      this.resolver.resolve4(domain),
      this.resolver.resolve6(domain),
    ]);
    if (tries.some((t) => t.status === 'fulfilled' && t.value.length))
      return { kind: 'fallback', hosts: [domain] };
    const failure = tries
      .map((t) => (t.status === 'rejected' ? (t.reason as NodeJS.ErrnoException).code : undefined))
      .find((c) => c && !NO_DATA.has(c));
    return failure
      ? { kind: 'dns_error', hosts: [], code: failure }
      : { kind: 'no_mail', hosts: [] };
  }
}
