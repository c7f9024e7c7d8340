import { Transform } from 'class-transformer';
import { ArrayMinSize, IsIn, IsString } from 'class-validator';
import { IntSetting, ListSetting } from './config-decorators';
import { toList } from './config-transforms';
import { ServerConfig } from './server.config';

/** AppConfig, section 2: who may call the API (API keys, OIDC). See docs/authentication.md. */
export class AuthConfig extends ServerConfig {
  /**
   * Comma-separated API keys; required in production when api_key auth is on. An entry
   * `key:tenant` binds the key to a tenant (it sees only that tenant's tasks, accounts, callbacks
   * and costs); a key without `:tenant` is an operator's (sees everything).
   */
  @ListSetting()
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
  @ListSetting()
  OIDC_ISSUERS: string[] = ['https://accounts.google.com', 'accounts.google.com'];

  /** Accepted `aud` values (comma-separated), e.g. this service's public base URL. Required with oidc. */
  @ListSetting()
  OIDC_AUDIENCES: string[] = [];

  /**
   * Callers allowed by the token's `email` claim (comma-separated; `email:tenant` binds one to a
   * tenant). With neither this nor OIDC_ALLOWED_SUBJECTS set, oidc refuses to start.
   */
  @ListSetting()
  OIDC_ALLOWED_EMAILS: string[] = [];

  /** Callers allowed by the token's `sub` claim (comma-separated; `sub:tenant` binds one to a tenant). */
  @ListSetting()
  OIDC_ALLOWED_SUBJECTS: string[] = [];

  /** Clock skew allowed on exp / nbf / iat, in seconds. */
  @IntSetting(0, 600)
  OIDC_CLOCK_TOLERANCE_SECONDS = 30;

  /** How long fetched signing keys are kept before they are fetched again. */
  @IntSetting(1000)
  OIDC_JWKS_CACHE_MS = 600000;

  /** A token with an unknown key id fetches the JWKS again, at most once per this interval. */
  @IntSetting(0)
  OIDC_JWKS_COOLDOWN_MS = 30000;
}
