import { existsSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseDnsServers } from '../net/dns-resolver';
import { AllowList } from '../net/ssrf-guard';
import { authProblems, callbackProblems, maskUrl } from './config-checks';
import { InteractionsConfig } from './interactions.config';

export { isLoopbackHost, maskUrl, splitTenant, TENANT_RE } from './config-checks';
export { ROLES, type AssayRole } from './server.config';

/**
 * Every environment variable Assay reads, with its default. `.env.example` documents each one;
 * this class is the only place that reads `process.env` (see loadConfig()).
 *
 * The variables are declared by section, each section class extending the one before:
 * ServerConfig (server.config.ts) ← AuthConfig ← OpsConfig ← TasksConfig ← ProvidersConfig ←
 * CallbacksConfig ← OutboundConfig ← LeadsConfig ← EmailsConfig ← ColumnsConfig ← InteractionsConfig ←
 * AppConfig. The cross-field
 * checks are in config-checks.ts.
 */
export class AppConfig extends InteractionsConfig {}

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

/** Loads `.env` from the working directory if there is one (real environment variables win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
