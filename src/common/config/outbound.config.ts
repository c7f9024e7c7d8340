import { Matches } from 'class-validator';
import { IntSetting, ListSetting } from './config-decorators';
import { CallbacksConfig } from './callbacks.config';

/** AppConfig, section 7: outbound requests (DNS) and the web reader (built-in provider builtin_web). */
export class OutboundConfig extends CallbacksConfig {
  // ---- Outbound requests (the web reader, callbacks) ---------------------------------------

  /**
   * DNS servers that resolve the host names of outbound requests (web reader, callbacks):
   * comma-separated IP addresses with an optional port (`10.0.0.53`, `10.0.0.53:5353`,
   * `[fd00::53]:53`). Empty = the system resolver (/etc/hosts, then the system's DNS). Every
   * address a name resolves to is checked against the private-network rules either way.
   */
  @ListSetting()
  OUTBOUND_DNS_SERVERS: string[] = [];

  // ---- Web reader (built-in provider builtin_web) ----------------------------------------

  /**
   * Hosts the web reader may read although they are not public (loopback, private, link-local…
   * are refused otherwise): host names (`intranet.example`, `*.corp.example`), IP addresses and
   * CIDR blocks (`127.0.0.1`, `10.0.0.0/8`). For self-hosted sites and local test servers.
   */
  @ListSetting()
  WEB_FETCH_ALLOWED_HOSTS: string[] = [];

  /** Per redirect hop: DNS lookup, TCP connect and TLS handshake. */
  @IntSetting(100)
  WEB_FETCH_CONNECT_TIMEOUT_MS = 5000;

  /**
   * One page read: every hop, headers and body. Keep it below the provider call timeout
   * (BUILTIN_WEB_TIMEOUT_MS, default PROVIDER_TIMEOUT_MS) so that the reader's own, clearer,
   * timeout fires first.
   */
  @IntSetting(100)
  WEB_FETCH_TIMEOUT_MS = 15000;

  /**
   * Body bytes read per page, counted as received and again decompressed (a gzip bomb stops here):
   * a longer page is cut at the cap and marked `truncated`.
   */
  @IntSetting(1024, 100 * 1024 * 1024)
  WEB_FETCH_MAX_BYTES = 2 * 1024 * 1024;

  /** Redirects followed per page; one more fails the read. */
  @IntSetting(0, 20)
  WEB_FETCH_MAX_REDIRECTS = 5;

  /** User-Agent of every page read: name Assay and a URL or address where site owners reach you. */
  @Matches(/^\S.{2,}$/, { message: 'WEB_FETCH_USER_AGENT must be a non-empty product token' })
  WEB_FETCH_USER_AGENT = 'AssayBot/0.1 (+https://github.com/assay-enrichment/assay)';

  /** Pages read per website by the site reader: the home page plus about/customers/team/contact. */
  @IntSetting(1, 50)
  WEB_SITE_MAX_PAGES = 5;
}
