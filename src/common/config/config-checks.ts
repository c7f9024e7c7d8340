import { existsSync } from 'node:fs';
import { AllowList, outboundUrlProblem } from '../net/ssrf-guard';
import type { AppConfig } from './app.config';

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
export function authProblems(config: AppConfig): string[] {
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
export function callbackProblems(config: AppConfig): string[] {
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
