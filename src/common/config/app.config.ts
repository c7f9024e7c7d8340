import { existsSync } from 'node:fs';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { parseBool } from '../http/query-bool';
import { parseDnsServers } from '../net/dns-resolver';
import { AllowList, outboundUrlProblem } from '../net/ssrf-guard';

export const ROLES = ['all', 'api', 'worker'] as const;
export type AssayRole = (typeof ROLES)[number];

const toBool = ({ value }: { value: unknown }) => parseBool(value);
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
const toNumberList = (p: { value: unknown }) => {
  const list = toList(p);
  return Array.isArray(list)
    ? list.map((s: string) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : s))
    : list;
};

/**
 * Every environment variable Assay reads, with its default. `.env.example` documents each one;
 * this class is the only place that reads `process.env` (see loadConfig()).
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** all = API + worker in one process; api = HTTP only; worker = queue workers (+ /health, /metrics). */
  @IsIn(ROLES as unknown as string[])
  ASSAY_ROLE: AssayRole = 'all';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/assay';

  /** Create the database at boot when it does not exist (needs CREATEDB). */
  @Transform(toBool)
  @IsBoolean()
  DATABASE_CREATE = true;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Key prefix for every BullMQ key, so several deployments (or test runs) share one Redis. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'REDIS_PREFIX may hold letters, digits, _ and - only' })
  REDIS_PREFIX = 'assay';

  /** How long start-up waits for Postgres and Redis before it gives up with a fix-it message. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  STARTUP_CONNECT_TIMEOUT_MS = 5000;

  /**
   * Comma-separated API keys; required in production when api_key auth is on. An entry
   * `key:tenant` binds the key to a tenant (it sees only that tenant's tasks, accounts, callbacks
   * and costs); a key without `:tenant` is an operator's (sees everything).
   */
  @Transform(toList)
  @IsString({ each: true })
  ASSAY_API_KEYS: string[] = [];

  /**
   * How callers of /api prove who they are; one or more of api_key, oidc, none (comma-separated).
   * api_key: ASSAY_API_KEYS. oidc: a JWT bearer (e.g. a Google ID token) verified against
   * OIDC_JWKS_URL. none: no credentials needed (local development only; refused in production
   * and on a non-loopback HOST).
   */
  @Transform(toList)
  @IsIn(['api_key', 'oidc', 'none'], {
    each: true,
    message: 'ASSAY_AUTH must list api_key, oidc and/or none',
  })
  @ArrayMinSize(1)
  ASSAY_AUTH: Array<'api_key' | 'oidc' | 'none'> = ['api_key'];

  /** JWKS of the token issuer (default: Google's, for Google-signed ID tokens). */
  @IsString()
  OIDC_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

  /** Accepted `iss` values (comma-separated). */
  @Transform(toList)
  @IsString({ each: true })
  OIDC_ISSUERS: string[] = ['https://accounts.google.com', 'accounts.google.com'];

  /** Accepted `aud` values (comma-separated), e.g. this service's public base URL. Required with oidc. */
  @Transform(toList)
  @IsString({ each: true })
  OIDC_AUDIENCES: string[] = [];

  /**
   * Callers allowed by the token's `email` claim (comma-separated; `email:tenant` binds one to a
   * tenant). With neither this nor OIDC_ALLOWED_SUBJECTS set, oidc refuses to start.
   */
  @Transform(toList)
  @IsString({ each: true })
  OIDC_ALLOWED_EMAILS: string[] = [];

  /** Callers allowed by the token's `sub` claim (comma-separated; `sub:tenant` binds one to a tenant). */
  @Transform(toList)
  @IsString({ each: true })
  OIDC_ALLOWED_SUBJECTS: string[] = [];

  /** Clock skew allowed on exp / nbf / iat, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600)
  OIDC_CLOCK_TOLERANCE_SECONDS = 30;

  /** How long fetched signing keys are kept before they are fetched again. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  OIDC_JWKS_CACHE_MS = 600000;

  /** A token with an unknown key id fetches the JWKS again, at most once per this interval. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  OIDC_JWKS_COOLDOWN_MS = 30000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * `json`: one JSON object per line (for collectors). `pretty`: coloured, human-readable lines.
   * `auto` (default): pretty when standard output is a terminal, JSON otherwise.
   */
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT = 'auto';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'HTTP_BODY_LIMIT must look like 1mb, 512kb or 1000b' })
  HTTP_BODY_LIMIT = '1mb';

  @Transform(toBool)
  @IsBoolean()
  DOCS_ENABLED = true;

  @Transform(toBool)
  @IsBoolean()
  METRICS_ENABLED = true;

  @Transform(toBool)
  @IsBoolean()
  QUEUE_DASHBOARD_ENABLED = true;

  /** Require the API key on /health, /health/ready and /metrics too. */
  @Transform(toBool)
  @IsBoolean()
  OPS_REQUIRE_API_KEY = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 25000;

  /**
   * BullMQ job lock: a worker that stops renewing it for this long (crash, frozen event loop)
   * loses the job to another worker's stalled check. Short, so that a dead worker's tasks run
   * again within seconds; a live worker whose event loop is merely busy keeps its task through
   * the task lease (TASK_LEASE_MS), renewed from a thread of its own.
   */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  QUEUE_LOCK_DURATION_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(200)
  QUEUE_STALLED_INTERVAL_MS = 1000;

  /**
   * How often a job may be taken back from a worker that lost its lock before BullMQ fails it.
   * High: the task lease, not BullMQ, decides whether a task may run again, so a re-delivered job
   * of a task still held waits for the lease instead of failing.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  QUEUE_MAX_STALLED_COUNT = 100;

  /**
   * A running task's lease in PostgreSQL: its worker process renews it every TASK_LEASE_RENEW_MS
   * from a worker thread (independent of the main event loop); another worker takes the task over
   * only once the lease has lapsed (its worker died), so a busy worker's task never runs twice.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  TASK_LEASE_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  TASK_LEASE_RENEW_MS = 1000;

  /** When PostgreSQL cannot be reached, a job is tried again after this long (not counted). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DB_UNAVAILABLE_RETRY_MS = 1000;

  /** Concurrency override for every task queue (0 = each task type's own). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WORKER_CONCURRENCY = 0;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  TASK_BACKOFF_BASE_MS = 2000;

  @Transform(toBool)
  @IsBoolean()
  DIAGNOSTIC_TASK_ENABLED = true;

  @Transform(toBool)
  @IsBoolean()
  SWEEPS_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SWEEP_REQUEUE_INTERVAL_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SWEEP_STUCK_INTERVAL_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SWEEP_RETENTION_INTERVAL_MS = 3600000;

  /** Finished tasks older than this are deleted by the retention sweep (0 = keep forever). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TASK_RETENTION_DAYS = 30;

  /**
   * A new task of a scoped type (e.g. account_enhancement of the same account) returns a stored
   * successful result of its tenant at most this old instead of running again (`refresh: true`
   * always runs). 0 = never reuse. The seed reused forever.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RESULT_REUSE_MAX_AGE_HOURS = 720;

  /** Default timeout of one provider call attempt (a provider's own `<ID>_TIMEOUT_MS` wins). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  PROVIDER_TIMEOUT_MS = 30000;

  /** Default bulkhead: concurrent calls to one provider from one process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PROVIDER_MAX_CONCURRENCY = 10;

  /** Attempts per provider call on transient errors (timeouts, 5xx), the first included. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  PROVIDER_RETRY_ATTEMPTS = 3;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  PROVIDER_RETRY_BASE_MS = 250;

  /** Consecutive transient failures that open a provider's circuit breaker. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PROVIDER_BREAKER_THRESHOLD = 5;

  /** How long an open breaker waits before letting one probe call through (half-open). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  PROVIDER_BREAKER_HALF_OPEN_MS = 30000;

  /** Longest a call waits for the shared rate limiter (or a vendor's Retry-After) before failing RATE_LIMITED. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_MAX_WAIT_MS = 60000;

  /**
   * Headroom added to every rate-limit window: a limit of N per second spaces calls
   * (1000 + margin) / N ms apart (per minute: (60000 + margin) / N), so scheduling and network
   * jitter never pack one call too many into a vendor's window. Raise it for strict vendors on
   * busy hosts or long network paths.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  RATE_LIMIT_MARGIN_MS = 15;

  /**
   * The environment as read at boot, for per-provider variables (`<ID>_API_KEY`, `<ID>_BASE_URL`…)
   * and `WATERFALL_<CAPABILITY>`, resolved by the provider registry. Never logged.
   */
  rawEnv: Readonly<Record<string, string | undefined>> = {};

  /** A queued task older than this with no job in Redis is enqueued again by the requeue sweep. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SWEEP_ORPHAN_AFTER_MS = 120000;

  // ---- Callbacks (docs/callbacks.md) ------------------------------------------------------

  /** Callback target of tasks that give no callback_url of their own (empty = none). */
  @IsString()
  CALLBACK_URL = '';

  /**
   * Standard Webhooks signing secret, `whsec_<base64 of 24–64 random bytes>`. Without it tasks
   * with a callback_url are refused (400) and CALLBACK_URL may not be set. Never logged.
   */
  @IsString()
  CALLBACK_SIGNING_SECRET = '';

  /**
   * Callback hosts allowed although not public: host names (`hooks.internal`,
   * `*.svc.cluster.local`), IP addresses and CIDR blocks (`127.0.0.1`, `10.0.0.0/8`).
   */
  @Transform(toList)
  @IsString({ each: true })
  CALLBACK_ALLOWED_HOSTS: string[] = [];

  /**
   * Seconds to wait before each attempt of a delivery, the first included (decimals allowed);
   * its length is the number of attempts. Default: Svix's schedule, 8 attempts over ~27.6 h.
   */
  @Transform(toNumberList)
  // toNumberList turns only non-negative decimals into numbers: anything else fails here.
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    {
      each: true,
      message: 'CALLBACK_RETRY_SCHEDULE must be comma-separated seconds >= 0, e.g. 0,5,300,1800',
    },
  )
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  CALLBACK_RETRY_SCHEDULE: number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

  /** A POST without a complete answer within this time is a failed attempt. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CALLBACK_TIMEOUT_MS = 15000;

  /** Items per page when a result's lists are split into several callbacks (seed: 20). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  CALLBACK_PAGE_SIZE = 20;

  /** Callback deliveries one worker process sends at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  CALLBACK_CONCURRENCY = 10;

  /**
   * Progress callbacks of task types that had them in the seed (account_enhancement, …): on by
   * default, at the seed's stages and percentages; a task's `callback_progress: false` turns them
   * off for that task, this for every task.
   */
  @Transform(toBool)
  @IsBoolean()
  CALLBACK_PROGRESS = true;

  /** Send `raw_data` (what each source returned) in completed callbacks; a task's `callback_raw_data: false` overrides. */
  @Transform(toBool)
  @IsBoolean()
  CALLBACK_RAW_DATA = true;

  /**
   * Credentials on every callback besides the Standard Webhooks signature: none; bearer (the
   * static CALLBACK_BEARER_TOKEN); google_id_token (a Google-signed ID token for the receiver's
   * audience, minted from CALLBACK_ID_TOKEN_KEY_FILE or, without one, Application Default
   * Credentials: GOOGLE_APPLICATION_CREDENTIALS or the metadata server).
   */
  @IsIn(['none', 'bearer', 'google_id_token'])
  CALLBACK_AUTH: 'none' | 'bearer' | 'google_id_token' = 'none';

  /** The static token sent as `Authorization: Bearer …` with CALLBACK_AUTH=bearer. Never logged. */
  @IsString()
  CALLBACK_BEARER_TOKEN = '';

  /** Audience of minted ID tokens (default: the callback URL's origin, as the seed used DJANGO_BASE_URL). */
  @IsString()
  CALLBACK_ID_TOKEN_AUDIENCE = '';

  /** Service-account key file (JSON) that mints the ID tokens (default: Application Default Credentials). */
  @IsString()
  CALLBACK_ID_TOKEN_KEY_FILE = '';

  /** A cached ID token is replaced this many seconds before it expires. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3000)
  CALLBACK_ID_TOKEN_REFRESH_SECONDS = 300;

  /** Callbacks sweep: pending deliveries that are due and have no job (e.g. after a crash) are queued. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SWEEP_CALLBACKS_INTERVAL_MS = 2000;

  // ---- Outbound requests (the web reader, callbacks) ---------------------------------------

  /**
   * DNS servers that resolve the host names of outbound requests (web reader, callbacks):
   * comma-separated IP addresses with an optional port (`10.0.0.53`, `10.0.0.53:5353`,
   * `[fd00::53]:53`). Empty = the system resolver (/etc/hosts, then the system's DNS). Every
   * address a name resolves to is checked against the private-network rules either way.
   */
  @Transform(toList)
  @IsString({ each: true })
  OUTBOUND_DNS_SERVERS: string[] = [];

  // ---- Web reader (built-in provider builtin_web) ----------------------------------------

  /**
   * Hosts the web reader may read although they are not public (loopback, private, link-local…
   * are refused otherwise): host names (`intranet.example`, `*.corp.example`), IP addresses and
   * CIDR blocks (`127.0.0.1`, `10.0.0.0/8`). For self-hosted sites and local test servers.
   */
  @Transform(toList)
  @IsString({ each: true })
  WEB_FETCH_ALLOWED_HOSTS: string[] = [];

  /** Per redirect hop: DNS lookup, TCP connect and TLS handshake. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEB_FETCH_CONNECT_TIMEOUT_MS = 5000;

  /**
   * One page read: every hop, headers and body. Keep it below the provider call timeout
   * (BUILTIN_WEB_TIMEOUT_MS, default PROVIDER_TIMEOUT_MS) so that the reader's own, clearer,
   * timeout fires first.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEB_FETCH_TIMEOUT_MS = 15000;

  /**
   * Body bytes read per page, counted as received and again decompressed (a gzip bomb stops here):
   * a longer page is cut at the cap and marked `truncated`.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  WEB_FETCH_MAX_BYTES = 2 * 1024 * 1024;

  /** Redirects followed per page; one more fails the read. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  WEB_FETCH_MAX_REDIRECTS = 5;

  /** User-Agent of every page read: name Assay and a URL or address where site owners reach you. */
  @Matches(/^\S.{2,}$/, { message: 'WEB_FETCH_USER_AGENT must be a non-empty product token' })
  WEB_FETCH_USER_AGENT = 'AssayBot/0.1 (+https://github.com/assay-enrichment/assay)';

  /** Pages read per website by the site reader: the home page plus about/customers/team/contact. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  WEB_SITE_MAX_PAGES = 5;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee .env.example for every variable, its default and its meaning.',
    );
    this.name = 'ConfigError';
  }
}

const KNOWN_KEYS = Object.keys(new AppConfig()).filter((k) => k !== 'rawEnv');
/** Checks of a value's type: when one fails, the range checks of that value say nothing more. */
const TYPE_CHECKS = ['isInt', 'isBoolean', 'isString'];

/** Reads and validates the environment once; lists every invalid variable in one error. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  opts: {
    requireApiKeys?: boolean;
    /**
     * More checks of the environment whose problems join the same one error (the app passes the
     * providers' `<ID>_*` checks: they are known only to the provider layer).
     */
    checks?: Array<(env: Readonly<Record<string, string | undefined>>) => string[]>;
  } = {},
): AppConfig {
  const raw: Record<string, string> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  const problems = errors.flatMap((e) => {
    const constraints = e.constraints ?? {};
    // A value of the wrong type fails its range checks too ("PORT must not be greater than
    // 65535" for PORT=abc); say only what is wrong with it.
    const typeCheck = TYPE_CHECKS.find((c) => c in constraints);
    const messages = typeCheck ? [constraints[typeCheck]] : Object.values(constraints);
    // URLs may carry a password: never echo it.
    const value = raw[e.property];
    const got = JSON.stringify(/_URL$/.test(e.property) && value ? maskUrl(value) : value);
    return messages.map((msg) =>
      msg.startsWith(e.property) ? `${msg} (got ${got})` : `${e.property}: ${msg} (got ${got})`,
    );
  });
  if (
    opts.requireApiKeys !== false &&
    config.NODE_ENV === 'production' &&
    config.ASSAY_AUTH.includes('api_key') &&
    config.ASSAY_API_KEYS.length === 0
  ) {
    problems.push('ASSAY_API_KEYS is required when NODE_ENV=production (comma-separated keys)');
  }
  problems.push(...authProblems(config));
  if (config.TASK_LEASE_RENEW_MS * 2 > config.TASK_LEASE_MS) {
    problems.push(
      `TASK_LEASE_RENEW_MS (${config.TASK_LEASE_RENEW_MS}) must be at most half of TASK_LEASE_MS (${config.TASK_LEASE_MS}): a lease must survive a missed renewal`,
    );
  }
  problems.push(...callbackProblems(config));
  try {
    AllowList.parse(config.WEB_FETCH_ALLOWED_HOSTS);
  } catch (err) {
    problems.push(`WEB_FETCH_ALLOWED_HOSTS: ${(err as Error).message}`);
  }
  try {
    parseDnsServers(config.OUTBOUND_DNS_SERVERS);
  } catch (err) {
    problems.push(`OUTBOUND_DNS_SERVERS: ${(err as Error).message}`);
  }
  for (const check of opts.checks ?? []) problems.push(...check(env));
  if (problems.length) throw new ConfigError(problems);
  config.rawEnv = Object.freeze({ ...env });
  return config;
}

/** A tenant name: letters, digits, `_`, `-`, `.`; 1–100 characters. */
export const TENANT_RE = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * `value` or `value:tenant` (API keys, OIDC emails and subjects); the tenant is after the last
 * colon. Null tenant = an operator's credential.
 */
export function splitTenant(entry: string): { value: string; tenant: string | null } {
  const i = entry.lastIndexOf(':');
  if (i < 0) return { value: entry, tenant: null };
  return { value: entry.slice(0, i), tenant: entry.slice(i + 1) };
}

/** Cross-field checks of ASSAY_AUTH, ASSAY_API_KEYS and OIDC_* (keys are never echoed). */
function authProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const tenantProblem = (name: string, entry: string, i: number) => {
    const { tenant } = splitTenant(entry);
    return tenant !== null && !TENANT_RE.test(tenant)
      ? `${name}: entry ${i + 1} names tenant ${JSON.stringify(tenant)}; a tenant may hold letters, digits, _ - . (1–100)`
      : null;
  };
  config.ASSAY_API_KEYS.forEach((entry, i) => {
    if (splitTenant(entry).value.length < 16) {
      problems.push(
        `ASSAY_API_KEYS: every key must be at least 16 characters long (entry ${i + 1} is not)`,
      );
    }
    const p = tenantProblem('ASSAY_API_KEYS', entry, i);
    if (p) problems.push(p);
  });
  for (const name of ['OIDC_ALLOWED_EMAILS', 'OIDC_ALLOWED_SUBJECTS'] as const) {
    config[name].forEach((entry, i) => {
      const p = tenantProblem(name, entry, i);
      if (p) problems.push(p);
    });
  }
  if (config.ASSAY_AUTH.includes('oidc')) {
    if (!/^https?:\/\/\S+$/.test(config.OIDC_JWKS_URL)) {
      problems.push('OIDC_JWKS_URL must be an http(s) URL of a JWKS document');
    } else if (config.NODE_ENV === 'production' && !/^https:/i.test(config.OIDC_JWKS_URL)) {
      // Whoever can alter the key set in transit can sign tokens this service accepts.
      problems.push('OIDC_JWKS_URL must use https when NODE_ENV=production');
    }
    if (!config.OIDC_ISSUERS.length) problems.push('OIDC_ISSUERS: give at least one issuer');
    if (!config.OIDC_AUDIENCES.length) {
      problems.push(
        'OIDC_AUDIENCES is required with ASSAY_AUTH=oidc: the audience your callers mint tokens for (e.g. https://assay.example.com)',
      );
    }
    if (!config.OIDC_ALLOWED_EMAILS.length && !config.OIDC_ALLOWED_SUBJECTS.length) {
      problems.push(
        'ASSAY_AUTH=oidc needs OIDC_ALLOWED_EMAILS or OIDC_ALLOWED_SUBJECTS: any valid Google token would pass otherwise',
      );
    }
  }
  if (config.ASSAY_AUTH.includes('none')) {
    if (config.NODE_ENV === 'production') {
      problems.push(
        'ASSAY_AUTH=none is refused when NODE_ENV=production: every caller would be an operator',
      );
    }
    if (!isLoopbackHost(config.HOST)) {
      problems.push(
        `ASSAY_AUTH=none is refused on HOST=${config.HOST}: set HOST=127.0.0.1 (loopback only) or use api_key / oidc`,
      );
    }
  }
  if (config.CALLBACK_AUTH === 'bearer' && !config.CALLBACK_BEARER_TOKEN) {
    problems.push('CALLBACK_AUTH=bearer needs CALLBACK_BEARER_TOKEN');
  }
  // A space, a line break (a secret file's trailing newline) or a "Bearer " prefix would make
  // every callback fail when sending; the token itself is never echoed.
  if (config.CALLBACK_BEARER_TOKEN && !/^[\x21-\x7e]+$/.test(config.CALLBACK_BEARER_TOKEN)) {
    problems.push(
      'CALLBACK_BEARER_TOKEN must be the token alone: printable ASCII without spaces or line breaks, no "Bearer " prefix (it is sent as Authorization: Bearer <token>)',
    );
  }
  if (config.CALLBACK_ID_TOKEN_KEY_FILE && !existsSync(config.CALLBACK_ID_TOKEN_KEY_FILE)) {
    problems.push(
      `CALLBACK_ID_TOKEN_KEY_FILE: no file at ${JSON.stringify(config.CALLBACK_ID_TOKEN_KEY_FILE)}`,
    );
  }
  return problems;
}

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Cross-field checks of the CALLBACK_* variables (the secret is never echoed). */
function callbackProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  let allow = AllowList.EMPTY;
  try {
    allow = AllowList.parse(config.CALLBACK_ALLOWED_HOSTS);
  } catch (err) {
    problems.push(`CALLBACK_ALLOWED_HOSTS: ${(err as Error).message}`);
  }
  const secret = config.CALLBACK_SIGNING_SECRET;
  if (secret && !isSigningSecret(secret)) {
    problems.push(
      'CALLBACK_SIGNING_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes; ' +
        `generate one with: node -e "console.log('whsec_'+require('crypto').randomBytes(32).toString('base64'))"`,
    );
  }
  if (config.CALLBACK_URL) {
    const problem = outboundUrlProblem(config.CALLBACK_URL, allow);
    if (problem)
      problems.push(
        `CALLBACK_URL ${problem} (got ${JSON.stringify(maskUrl(config.CALLBACK_URL))})`,
      );
    if (!secret) {
      problems.push('CALLBACK_URL needs CALLBACK_SIGNING_SECRET: callbacks are always signed');
    }
  }
  return problems;
}

function isSigningSecret(secret: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return false;
  const bytes = Buffer.from(m[1], 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** The URL with its password replaced by ****, safe to print. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}

/** Loads `.env` from the working directory if there is one (real environment variables win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
