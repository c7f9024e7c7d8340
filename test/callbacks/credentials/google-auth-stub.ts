import { Gaxios } from 'gaxios';
import { generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where google-auth-library posts every service-account grant (hard-coded in its gtoken code). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GOOGLE_ISSUER = 'https://accounts.google.com';

type Claims = Record<string, unknown>;

// ---- RS256 JWTs with node:crypto -------------------------------------------------------------

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(payload: Claims, key: KeyObject, kid = 'test-key'): string {
  const data = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(payload)}`;
  return `${data}.${sign('sha256', Buffer.from(data), key).toString('base64url')}`;
}

/** The claims of a JWT, without checking anything. */
export function jwtClaims(token: string): Claims {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Claims;
}

/** The claims when `token` is an RS256 JWT signed by `publicKey`, else null. */
export function verifiedClaims(token: string, publicKey: KeyObject): Claims | null {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return null;
  try {
    const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Claims;
    const data = Buffer.from(`${header}.${payload}`);
    if (alg !== 'RS256' || !verify('sha256', data, publicKey, Buffer.from(signature, 'base64url')))
      return null;
    return jwtClaims(token);
  } catch {
    return null;
  }
}

const rsaKeys = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

// ---- a service-account key file --------------------------------------------------------------

/**
 * A service account: an RSA key pair, and its key file (JSON, as IAM issues them) in a temp
 * directory once writeKeyFile() is called. remove() in afterAll.
 */
export class ServiceAccountKeyFile {
  readonly dir = mkdtempSync(join(tmpdir(), 'assay-sa-'));
  readonly path = join(this.dir, 'service-account.json');
  readonly email = 'assay-worker@assay-test.iam.gserviceaccount.com';
  readonly publicKey: KeyObject;
  /** The PEM text of the private key (what must never show up anywhere). */
  readonly privateKeyPem: string;

  constructor() {
    const { publicKey, privateKey } = rsaKeys();
    this.publicKey = publicKey;
    this.privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  /** Writes the key file, naming `tokenUri` as its token_uri; returns its path. */
  writeKeyFile(tokenUri: string): string {
    return this.write('service-account.json', {
      type: 'service_account',
      project_id: 'assay-test',
      private_key_id: 'key-1',
      private_key: this.privateKeyPem,
      client_email: this.email,
      client_id: '100000000000000000001',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
    });
  }

  /** Writes another file next to the key (a broken key file, another credential type). */
  write(name: string, content: unknown): string {
    const path = join(this.dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- local HTTP servers ----------------------------------------------------------------------

abstract class LocalServer {
  private server?: Server;
  private held: (() => void)[] | null = null;
  port = 0;
  /** Requests received, answered or held. */
  hits = 0;

  protected abstract answer(req: IncomingMessage, body: string, res: ServerResponse): void;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits++;
        const go = () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res);
        if (this.held) this.held.push(go);
        else go();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests are recorded but not answered until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const go of held) go();
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    if (this.server) await new Promise((r) => this.server!.close(r));
  }
}

/**
 * Google's OAuth token endpoint for a service account's JWT-bearer grant: checks grant_type, the
 * assertion's RS256 signature against the service account's public key and its claims, and
 * answers `{"id_token": …}`, a JWT it signs with its own key (the "Google" key).
 */
export class GoogleTokenEndpointStub extends LocalServer {
  readonly googleKeys = rsaKeys();
  /** Verified assertions, in order. */
  readonly assertions: Claims[] = [];
  /** Lifetime of the next ID tokens. */
  ttlSeconds = 3600;
  /** Answer every request with this instead (after checking nothing). */
  failWith: { status: number; body: (assertion: string) => unknown } | null = null;

  constructor(private readonly account: { email: string; publicKey: KeyObject }) {
    super();
  }

  get url(): string {
    return `${this.origin}/token`;
  }

  reset(): void {
    this.release();
    this.assertions.length = 0;
    this.hits = 0;
    this.ttlSeconds = 3600;
    this.failWith = null;
  }

  protected answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const assertion = form.get('assertion') ?? '';
    const json = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (this.failWith) return json(this.failWith.status, this.failWith.body(assertion));
    const refuse = (why: string) => json(400, { error: 'invalid_grant', error_description: why });
    if (req.method !== 'POST' || req.url !== '/token') return refuse('POST /token only');
    if (form.get('grant_type') !== JWT_BEARER_GRANT) return refuse('wrong grant_type');
    const claims = verifiedClaims(assertion, this.account.publicKey);
    if (!claims) return refuse('Invalid JWT Signature.');
    const now = Math.floor(Date.now() / 1000);
    if (claims.iss !== this.account.email) return refuse('iss is not the service account');
    if (claims.aud !== GOOGLE_TOKEN_URL) return refuse('aud is not the token URL');
    if (typeof claims.exp !== 'number' || claims.exp < now) return refuse('assertion expired');
    if (typeof claims.target_audience !== 'string' || !claims.target_audience)
      return refuse('no target_audience: this stub only issues ID tokens');
    this.assertions.push(claims);
    const idToken = signJwt(
      {
        iss: GOOGLE_ISSUER,
        aud: claims.target_audience,
        azp: this.account.email,
        email: this.account.email,
        email_verified: true,
        sub: '100000000000000000001',
        iat: now,
        exp: now + this.ttlSeconds,
      },
      this.googleKeys.privateKey,
    );
    json(200, { id_token: idToken });
  }
}

/**
 * The GCE / Cloud Run metadata server as gcp-metadata uses it (GCE_METADATA_HOST=127.0.0.1:port):
 * every request must carry `Metadata-Flavor: Google` and every answer does; the identity
 * endpoint answers an ID token for `audience` signed with this stub's "Google" key.
 */
export class MetadataServerStub extends LocalServer {
  readonly googleKeys = rsaKeys();
  readonly email = 'assay-runtime@assay-test.iam.gserviceaccount.com';
  readonly requests: { path: string; query: URLSearchParams; flavor?: string }[] = [];
  /** Status of the identity endpoint's answers (200 = a token). */
  identityStatus = 200;

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  identityRequests() {
    return this.requests.filter((r) => r.path.endsWith('/identity'));
  }

  protected answer(req: IncomingMessage, _body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    const flavor = req.headers['metadata-flavor'] as string | undefined;
    this.requests.push({ path: url.pathname, query: url.searchParams, flavor });
    const send = (status: number, text: string): void => {
      res
        .writeHead(status, { 'metadata-flavor': 'Google', 'content-type': 'text/plain' })
        .end(text);
    };
    if (flavor !== 'Google') return send(403, 'Missing Metadata-Flavor: Google');
    const base = '/computeMetadata/v1';
    if (url.pathname === `${base}/instance` || url.pathname === `${base}/instance/`)
      return send(200, 'attributes/\nservice-accounts/\n');
    if (url.pathname === `${base}/project/project-id`) return send(200, 'assay-test');
    if (url.pathname === `${base}/instance/service-accounts/default/identity`) {
      const audience = url.searchParams.get('audience');
      if (this.identityStatus !== 200) return send(this.identityStatus, 'identity refused');
      if (!audience || url.searchParams.get('format') !== 'full')
        return send(400, 'audience and format=full are required here');
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: GOOGLE_ISSUER, aud: audience, azp: this.email, email: this.email };
      const token = signJwt(
        { ...claims, email_verified: true, sub: '2', iat: now, exp: now + 3600 },
        this.googleKeys.privateKey,
      );
      return send(200, token);
    }
    send(404, 'not found');
  }
}

// ---- pointing google-auth-library at the token endpoint stub --------------------------------

/**
 * google-auth-library ignores a key file's `token_uri`: its gtoken code posts the JWT-bearer
 * grant to the fixed GOOGLE_TOKEN_URL. This rewrites that one URL, in the transport layer
 * (Gaxios#request, which the library's clients use), to `to`; everything else the library does
 * (signing the assertion, the form body, reading the answer, its errors) runs unchanged.
 * `seen` records the URLs the library asked for. Call restore() in afterAll.
 */
export function redirectGoogleTokenUrl(to: string): { seen: string[]; restore(): void } {
  const original = Gaxios.prototype.request;
  const seen: string[] = [];
  const spy = jest.spyOn(Gaxios.prototype, 'request').mockImplementation(function (
    this: Gaxios,
    opts: Parameters<Gaxios['request']>[0] = {},
  ) {
    const url = String(opts.url ?? '');
    if (url !== GOOGLE_TOKEN_URL) return original.call(this, opts);
    seen.push(url);
    return original.call(this, { ...opts, url: to });
  });
  return { seen, restore: () => spy.mockRestore() };
}

/** A port on 127.0.0.1 with nothing listening (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
