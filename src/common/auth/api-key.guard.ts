import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig } from '../config/app.config';

/** Checks `Authorization: Bearer <key>` or `X-API-Key: <key>` against ASSAY_API_KEYS in constant time. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(config: AppConfig) {
    this.digests = config.ASSAY_API_KEYS.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    return this.check(context.switchToHttp().getRequest<Request>());
  }

  /** Also used as plain middleware (queue dashboard). Throws 401 when the key is missing or wrong. */
  check(req: Pick<Request, 'headers'>): boolean {
    const key = extractKey(req.headers);
    if (!key) {
      throw new UnauthorizedException({
        detail: 'API key required: send "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      });
    }
    const d = digest(key);
    // Compare against every key so timing does not reveal which (or whether one) matched.
    let ok = false;
    for (const known of this.digests) ok = timingSafeEqual(d, known) || ok;
    if (!ok) throw new UnauthorizedException({ detail: 'API key is not valid' });
    return true;
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
