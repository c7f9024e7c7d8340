import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig, splitTenant } from '../config/app.config';
import { looksLikeJwt, OidcVerifier } from './oidc-verifier';
import type { AuthenticatedRequest, Principal } from './principal';

interface KnownKey {
  digest: Buffer;
  tenant: string | null;
  fingerprint: string;
}

type AuthMode = AppConfig['ASSAY_AUTH'][number];

/** What the request carries: a key-only header (X-API-Key, Basic), a bearer, junk, or nothing. */
type Credential =
  | { kind: 'key'; value: string }
  | { kind: 'bearer'; value: string }
  | { kind: 'unusable'; why: string }
  | { kind: 'none' };

const SEND_KEY = 'an API key ("Authorization: Bearer <key>" or "X-API-Key: <key>")';
const SEND_TOKEN = 'an OIDC ID token ("Authorization: Bearer <token>")';

/**
 * Authenticates every /api request by the modes in ASSAY_AUTH and attaches the caller's
 * Principal to the request.
 * - api_key: `X-API-Key: <key>`, `Authorization: Bearer <key>` or Basic auth with the key as
 *   password, compared in constant time against ASSAY_API_KEYS (`key:tenant` binds a tenant).
 * - oidc: `Authorization: Bearer <JWT>` verified by the OidcVerifier.
 * - none: a request with no credentials at all is an anonymous operator. Credentials that are
 *   sent must still be valid, so a typo in a key never silently downgrades to anonymous.
 * Nest creates one instance per module that uses it; the OidcVerifier (and its key cache) is one.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly keys: KnownKey[];
  private readonly modes: ReadonlySet<AuthMode>;

  constructor(
    config: AppConfig,
    private readonly oidc: OidcVerifier,
  ) {
    this.modes = new Set(config.ASSAY_AUTH);
    this.keys = config.ASSAY_API_KEYS.map((entry) => {
      const { value, tenant } = splitTenant(entry);
      const d = digest(value);
      return { digest: d, tenant, fingerprint: d.toString('hex').slice(0, 12) };
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    req.principal = await this.authenticate(req);
    return true;
  }

  /**
   * Also used as plain middleware (queue dashboard). Throws 401 when no mode accepts the request,
   * 403 for a valid token of an identity that is not allowed, 503 when the OIDC keys are unreachable.
   */
  async authenticate(req: Pick<Request, 'headers'>): Promise<Principal> {
    const cred = extractCredential(req.headers);
    switch (cred.kind) {
      case 'none':
        if (this.modes.has('none')) return { method: 'none', tenant: null, subject: 'anonymous' };
        throw new UnauthorizedException({ detail: this.credentialsRequired() });
      case 'unusable':
        throw new UnauthorizedException({ detail: `${cred.why}; send ${this.whatToSend()}` });
      case 'key':
        if (!this.modes.has('api_key')) {
          throw new UnauthorizedException({
            detail: `API keys are not accepted here (ASSAY_AUTH does not include api_key); send ${this.whatToSend()}`,
          });
        }
        return this.byKey(cred.value);
      case 'bearer':
        return this.byBearer(cred.value);
    }
  }

  private byBearer(token: string): Promise<Principal> | Principal {
    if (this.modes.has('api_key')) {
      const found = this.matchKey(token);
      if (found) return keyPrincipal(found);
    }
    if (this.modes.has('oidc') && looksLikeJwt(token)) return this.oidc.verify(token);
    const apiKey = this.modes.has('api_key');
    const oidc = this.modes.has('oidc');
    let detail: string;
    if (apiKey && oidc) detail = 'bearer credential is neither a valid API key nor a JWT';
    else if (apiKey) detail = 'API key is not valid';
    else if (oidc) detail = `bearer credential is not a JWT; send ${SEND_TOKEN}`;
    else detail = 'this service takes no credentials (ASSAY_AUTH=none): send none';
    throw new UnauthorizedException({ detail });
  }

  private byKey(key: string): Principal {
    const found = this.matchKey(key);
    if (!found) throw new UnauthorizedException({ detail: 'API key is not valid' });
    return keyPrincipal(found);
  }

  private matchKey(key: string): KnownKey | null {
    const d = digest(key);
    // Compare against every key so timing does not reveal which (or whether one) matched.
    let match: KnownKey | null = null;
    for (const known of this.keys) if (timingSafeEqual(d, known.digest)) match = known;
    return match;
  }

  private credentialsRequired(): string {
    if (this.modes.has('api_key') && !this.modes.has('oidc')) {
      return 'API key required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"';
    }
    if (this.modes.has('oidc') && !this.modes.has('api_key')) {
      return `OIDC ID token required: send ${SEND_TOKEN}`;
    }
    return `credentials required: send ${this.whatToSend()}`;
  }

  private whatToSend(): string {
    const options: string[] = [];
    if (this.modes.has('api_key')) options.push(SEND_KEY);
    if (this.modes.has('oidc')) options.push(SEND_TOKEN);
    return options.length ? options.join(' or ') : 'no credentials at all (ASSAY_AUTH=none)';
  }
}

function keyPrincipal(key: KnownKey): Principal {
  return { method: 'api_key', tenant: key.tenant, subject: `key:${key.fingerprint}` };
}

function digest(key: string): Buffer {
  // One-shot hash (no Hash object per request).
  return hash('sha256', key, 'buffer');
}

/**
 * X-API-Key wins over Authorization: a platform in front (e.g. Cloud Run with IAM) may put its own
 * ID token in Authorization and pass it on, while the caller's key rides in X-API-Key.
 */
function extractCredential(headers: Request['headers']): Credential {
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.trim()) return { kind: 'key', value: x.trim() };
  const auth = typeof headers.authorization === 'string' ? headers.authorization.trim() : '';
  if (!auth) return { kind: 'none' };
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return { kind: 'bearer', value: bearer[1].trim() };
  // Basic auth with the key as password (any user name), or as the user name with no password
  // (`http://<key>@host/queues`): lets a browser open the queue dashboard.
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const key = password || user;
    if (key) return { kind: 'key', value: key };
    return { kind: 'unusable', why: 'Basic auth without a key (give the API key as the password)' };
  }
  return { kind: 'unusable', why: 'the Authorization header is neither Bearer nor Basic' };
}
