import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig, splitTenant } from '../config/app.config';
import type { AuthenticatedRequest, Principal } from './principal';

interface KnownKey {
  digest: Buffer;
  tenant: string | null;
  fingerprint: string;
}

/**
 * Authenticates every /api request by the modes in ASSAY_AUTH and attaches the caller's
 * Principal to the request. api_key: `Authorization: Bearer <key>` or `X-API-Key: <key>`
 * compared in constant time against ASSAY_API_KEYS (`key:tenant` binds a key to a tenant).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly keys: KnownKey[];

  constructor(private readonly config: AppConfig) {
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

  /** Also used as plain middleware (queue dashboard). Throws 401 when no mode accepts the request. */
  async authenticate(req: Pick<Request, 'headers'>): Promise<Principal> {
    const key = extractKey(req.headers);
    if (!key) {
      throw new UnauthorizedException({
        detail: 'API key required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      });
    }
    const found = this.matchKey(key);
    if (!found) throw new UnauthorizedException({ detail: 'API key is not valid' });
    return { method: 'api_key', tenant: found.tenant, subject: `key:${found.fingerprint}` };
  }

  private matchKey(key: string): KnownKey | null {
    const d = digest(key);
    // Compare against every key so timing does not reveal which (or whether one) matched.
    let match: KnownKey | null = null;
    for (const known of this.keys) if (timingSafeEqual(d, known.digest)) match = known;
    return match;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function extractKey(headers: Request['headers']): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
    // Basic auth with the key as password: lets a browser open the queue dashboard.
    const b = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth.trim());
    if (b) {
      const decoded = Buffer.from(b[1], 'base64').toString('utf8');
      const key = decoded.slice(decoded.indexOf(':') + 1);
      if (key) return key;
    }
  }
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.trim()) return x.trim();
  return undefined;
}
