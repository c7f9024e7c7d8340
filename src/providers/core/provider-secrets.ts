import { AppConfig, splitTenant } from '../../common/config/app.config';
import { isSecretName, SecretRedactor } from '../../common/logging/redact';
import type { ProviderSettings } from './provider-settings';

/** `scheme://user:password@…`: the password (raw and decoded). */
function urlPasswords(value: string | undefined): string[] {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]*)@/i.exec(value?.trim() ?? '');
  const colon = m?.[1].indexOf(':') ?? -1;
  if (!m || colon < 0) return [];
  const raw = m[1].slice(colon + 1);
  try {
    return [raw, decodeURIComponent(raw)];
  } catch {
    return [raw];
  }
}

const NOT_SECRET_VALUE = /^(true|false|yes|no|on|off|none|null|\d+(\.\d+)?)$/i;

/**
 * Every secret Assay is configured with, for redaction from vendor errors: each provider's key
 * and any other secret-named setting (`<ID>_API_KEY`, `JINA_API_KEY`…), every variable named
 * like a credential, the passwords in URLs (DATABASE_URL, REDIS_URL, a base URL with
 * credentials), ASSAY_API_KEYS (without their `:tenant`), CALLBACK_SIGNING_SECRET and
 * CALLBACK_BEARER_TOKEN. Derived from names and shapes, so a new provider's key is covered
 * without a line here.
 */
export function configuredSecrets(
  config: AppConfig,
  providers: Iterable<ProviderSettings>,
): string[] {
  const out: Array<string | undefined> = [];
  const addValue = (v: string | undefined) => {
    const value = v?.trim();
    if (!value) return;
    out.push(value);
    // A list of credentials (comma-separated): each one too.
    if (value.includes(',')) out.push(...value.split(',').map((x) => x.trim()));
  };
  for (const [name, value] of Object.entries(config.rawEnv)) {
    if (isSecretName(name)) addValue(value);
    out.push(...urlPasswords(value));
  }
  for (const s of providers) {
    out.push(s.apiKey, ...urlPasswords(s.baseUrl));
    for (const [name, value] of Object.entries(s.extra)) if (isSecretName(name)) addValue(value);
  }
  out.push(...config.ASSAY_API_KEYS.map((k) => splitTenant(k).value));
  out.push(config.CALLBACK_BEARER_TOKEN, config.CALLBACK_SIGNING_SECRET);
  // The signing key itself is the base64 after `whsec_`.
  out.push(config.CALLBACK_SIGNING_SECRET.replace(/^whsec_/, ''));
  out.push(...urlPasswords(config.DATABASE_URL), ...urlPasswords(config.REDIS_URL));
  return [...new Set(out)].filter((v): v is string => !!v && !NOT_SECRET_VALUE.test(v));
}

/** The redactor of every configured secret (see configuredSecrets). */
export function secretRedactor(
  config: AppConfig,
  providers: Iterable<ProviderSettings>,
): SecretRedactor {
  return new SecretRedactor(configuredSecrets(config, providers));
}
