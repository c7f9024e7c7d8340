import { hostname } from 'node:os';
import { AllowList } from '../../common/net/ssrf-guard';

/**
 * The verifier's own settings (`BUILTIN_SMTP_*`, besides the platform's `<ID>_*` ones), read from
 * the provider's `extra` map. Start-up refuses invalid values with one line each
 * (`builtinSmtpSettingsProblems`), before anything connects anywhere.
 */
export interface SmtpVerifierSettings {
  port: number;
  heloName: string;
  /** The reverse path of MAIL FROM; '' sends the null sender `<>`. */
  mailFrom: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Extra sessions for addresses answered 4xx (greylisting), each after `greylistDelayMs`. */
  greylistRetries: number;
  greylistDelayMs: number;
  catchAllTtlSeconds: number;
  /** How long an answer with an `unknown` verdict is reused (the rest: the provider's cache TTL). */
  unknownTtlSeconds: number;
  /** SMTP sessions open at once to one domain, across every worker process. */
  domainConcurrency: number;
  /** SMTP sessions started per minute to one domain, across every worker process (0 = no limit). */
  domainRatePerMinute: number;
  /** `socks5://[user:pass@]host:port`, or null for direct connections. */
  proxy: SocksProxy | null;
  /**
   * Verify the mail server's certificate after STARTTLS. Off by default: opportunistic TLS, as
   * mail servers use between themselves (RFC 7435) — many MX hosts present self-signed or
   * mismatched certificates, and the conversation carries no mail.
   */
  tlsVerify: boolean;
  starttls: boolean;
  /** Ask about every address of a domain in one session (false: one session per address). */
  reuseSessions: boolean;
  /** Mail hosts on private networks that may be connected to (AllowList syntax), e.g. 127.0.0.1. */
  allowedHosts: string[];
}

export interface SocksProxy {
  host: string;
  port: number;
  userId?: string;
  password?: string;
}

type Extra = Readonly<Record<string, string | undefined>>;

const INT: Record<string, { min: number; max: number; def: number; what: string }> = {
  PORT: { min: 1, max: 65535, def: 25, what: 'a TCP port (1-65535)' },
  CONNECT_TIMEOUT_MS: { min: 100, max: 600_000, def: 10_000, what: 'milliseconds (100-600000)' },
  COMMAND_TIMEOUT_MS: { min: 100, max: 600_000, def: 15_000, what: 'milliseconds (100-600000)' },
  GREYLIST_RETRIES: { min: 0, max: 5, def: 1, what: 'a whole number 0-5' },
  GREYLIST_DELAY_MS: { min: 0, max: 600_000, def: 20_000, what: 'milliseconds (0-600000)' },
  CATCH_ALL_TTL_SECONDS: { min: 0, max: 90 * 86400, def: 86400, what: 'seconds (0-7776000)' },
  UNKNOWN_TTL_SECONDS: { min: 0, max: 90 * 86400, def: 3600, what: 'seconds (0-7776000)' },
  DOMAIN_CONCURRENCY: { min: 1, max: 100, def: 2, what: 'a whole number 1-100' },
  DOMAIN_RATE_PER_MINUTE: { min: 0, max: 100_000, def: 30, what: 'sessions (0 = no limit)' },
};
const BOOL: Record<string, boolean> = { TLS_VERIFY: false, STARTTLS: true, REUSE_SESSIONS: true };
const TRUE = /^(true|1|yes|on)$/i;
const FALSE = /^(false|0|no|off)$/i;
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const PREFIX = 'BUILTIN_SMTP_';

const val = (extra: Extra, key: string) => {
  const v = extra[key]?.trim();
  return v ? v : undefined;
};

/** Every invalid `BUILTIN_SMTP_*` value, one line each (never a proxy password). */
export function builtinSmtpSettingsProblems(extra: Extra): string[] {
  const problems: string[] = [];
  for (const [key, rule] of Object.entries(INT)) {
    const v = val(extra, key);
    if (v === undefined) continue;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < rule.min || n > rule.max)
      problems.push(`${PREFIX}${key} must be ${rule.what} (got ${JSON.stringify(v)})`);
  }
  for (const key of Object.keys(BOOL)) {
    const v = val(extra, key);
    if (v !== undefined && !TRUE.test(v) && !FALSE.test(v))
      problems.push(`${PREFIX}${key} must be true or false (got ${JSON.stringify(v)})`);
  }
  const helo = val(extra, 'HELO_NAME');
  if (helo !== undefined && !HOST_NAME.test(helo))
    problems.push(
      `${PREFIX}HELO_NAME must be a host name, e.g. mail.example.com (got ${JSON.stringify(helo)})`,
    );
  const from = val(extra, 'MAIL_FROM');
  if (from !== undefined && from !== '<>' && !/^[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$/.test(from))
    problems.push(
      `${PREFIX}MAIL_FROM must be an address like verify@example.com, or <> (got ${JSON.stringify(from)})`,
    );
  const proxy = val(extra, 'PROXY');
  if (proxy !== undefined && !parseProxy(proxy))
    problems.push(
      `${PREFIX}PROXY must be socks5://[user:password@]host:port (got a value that is not)`,
    );
  try {
    AllowList.parse(allowed(extra));
  } catch (err) {
    problems.push(`${PREFIX}ALLOWED_HOSTS: ${(err as Error).message}`);
  }
  return problems;
}

const allowed = (extra: Extra) =>
  (val(extra, 'ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);

export function parseProxy(value: string): SocksProxy | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'socks5:' && url.protocol !== 'socks5h:') return null;
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    userId: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

/** The settings `extra` holds (validated first: throws on an invalid value). */
export function smtpVerifierSettings(extra: Extra): SmtpVerifierSettings {
  const problems = builtinSmtpSettingsProblems(extra);
  if (problems.length) throw new Error(problems.join('; '));
  const int = (key: string) => Number(val(extra, key) ?? INT[key].def);
  const bool = (key: string) => {
    const v = val(extra, key);
    return v === undefined ? BOOL[key] : TRUE.test(v);
  };
  const heloName = val(extra, 'HELO_NAME') ?? defaultHelo();
  const from =
    val(extra, 'MAIL_FROM') ??
    `verify@${heloName.includes('.') ? heloName : 'localhost.localdomain'}`;
  const proxy = val(extra, 'PROXY');
  return {
    port: int('PORT'),
    heloName,
    mailFrom: from === '<>' ? '' : from,
    connectTimeoutMs: int('CONNECT_TIMEOUT_MS'),
    commandTimeoutMs: int('COMMAND_TIMEOUT_MS'),
    greylistRetries: int('GREYLIST_RETRIES'),
    greylistDelayMs: int('GREYLIST_DELAY_MS'),
    catchAllTtlSeconds: int('CATCH_ALL_TTL_SECONDS'),
    unknownTtlSeconds: int('UNKNOWN_TTL_SECONDS'),
    domainConcurrency: int('DOMAIN_CONCURRENCY'),
    domainRatePerMinute: int('DOMAIN_RATE_PER_MINUTE'),
    proxy: proxy ? parseProxy(proxy) : null,
    tlsVerify: bool('TLS_VERIFY'),
    starttls: bool('STARTTLS'),
    reuseSessions: bool('REUSE_SESSIONS'),
    allowedHosts: allowed(extra),
  };
}

function defaultHelo(): string {
  const h = hostname().toLowerCase();
  return HOST_NAME.test(h) ? h : 'localhost';
}
