import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';

export const ISSUER = 'https://issuer.assay.test';
export const AUDIENCE = 'https://assay.test';
export const CALLER_EMAIL = 'caller@project.iam.gserviceaccount.com';
export const CALLER_SUB = '100000000000000000001';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** A fresh key pair, published as `kid`. */
export async function makeKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** The claims of a Google ID token of CALLER_EMAIL, issued now, valid for an hour. */
function callerClaims(): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: CALLER_SUB,
    email: CALLER_EMAIL,
    email_verified: true,
    iat: now,
    exp: now + 3600,
  };
}

/**
 * A token like a Google ID token of CALLER_EMAIL, signed by `key`. Claims override the defaults;
 * a claim set to undefined is left out.
 */
export async function mintToken(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  header: { kid?: string } = {},
): Promise<string> {
  const payload: JWTPayload = { ...callerClaims(), ...claims };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: header.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(kid: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: CALLER_SUB, email: CALLER_EMAIL, ...claims };
  return `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url({ ...payload, iat: now, exp: now + 3600 })}.`;
}

/**
 * "Algorithm confusion": HS256 with the published public key (as PEM) as the HMAC secret, which a
 * verifier that let the token pick its algorithm would accept.
 */
export async function hmacWithPublicKey(key: SigningKey): Promise<string> {
  const secret = new TextEncoder().encode(await exportSPKI(key.publicKey));
  return new SignJWT(callerClaims())
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .sign(secret);
}

/** ok: the JWKS; status500; html: 200 with a web page; hang: never answers. */
export type JwksMode = 'ok' | 'status500' | 'html' | 'hang';

/** A JWKS endpoint on 127.0.0.1 that counts how often it is fetched. */
export class JwksServer {
  /** How many times the key set was requested. */
  requests = 0;
  mode: JwksMode = 'ok';

  private readonly server: Server = createServer((req, res) => this.answer(req.url ?? '', res));
  /** Where the key set is served, once started. */
  url = '';

  private constructor(public keys: SigningKey[]) {}

  static async start(keys: SigningKey[]): Promise<JwksServer> {
    const self = new JwksServer(keys);
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    const { port } = self.server.address() as AddressInfo;
    self.url = `http://127.0.0.1:${port}/certs`;
    return self;
  }

  /** Publish these keys from now on (e.g. a rotation: new key, new kid). */
  publish(keys: SigningKey[]): void {
    this.keys = keys;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(path: string, res: import('node:http').ServerResponse): void {
    if (path !== '/certs') {
      res.writeHead(404).end();
      return;
    }
    this.requests++;
    switch (this.mode) {
      case 'hang':
        return;
      case 'status500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
        return;
      case 'ok':
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
          .end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
    }
  }
}

/** Where nothing listens (port 1, as the Redis-down tests use): connection refused at once. */
export const DEAD_JWKS_URL = 'http://127.0.0.1:1/certs';
