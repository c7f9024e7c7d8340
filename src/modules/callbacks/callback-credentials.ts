import { Injectable, Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { GoogleAuth, JWT, type IdTokenProvider } from 'google-auth-library';
import { AppConfig } from '../../common/config/app.config';

/**
 * Credentials for one delivery attempt could not be had. The attempt fails like a network error
 * (retried on the schedule). The message never holds a token or a key.
 */
export class CallbackCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackCredentialsError';
  }
}

interface CachedToken {
  token: string;
  /** When to mint a new one (ms): `exp` minus CALLBACK_ID_TOKEN_REFRESH_SECONDS. */
  refreshAt: number;
}

/** Audiences cached at most; callback URLs come from callers, so their origins are unbounded. */
const MAX_CACHED_AUDIENCES = 1000;
/** A reason quoted in an error text (last_error) is cut here. */
const MAX_REASON = 500;

/**
 * The `Authorization` header sent with every callback besides its Standard Webhooks signature
 * (CALLBACK_AUTH): nothing, a static bearer token, or a Google-signed ID token minted with
 * google-auth-library for the receiver's audience. ID tokens are cached per audience until
 * `exp - CALLBACK_ID_TOKEN_REFRESH_SECONDS`, and concurrent deliveries to one audience share one
 * mint. Tokens are never logged and never leave this class except in the header value.
 */
@Injectable()
export class CallbackCredentials {
  private readonly logger = new Logger(CallbackCredentials.name);
  private readonly cache = new Map<string, CachedToken>();
  private readonly minting = new Map<string, Promise<string>>();
  private provider: Promise<IdTokenProvider> | null = null;

  constructor(private readonly config: AppConfig) {}

  /** The value of the Authorization header for a callback to `url`, or null (CALLBACK_AUTH=none). */
  async authorization(url: string): Promise<string | null> {
    switch (this.config.CALLBACK_AUTH) {
      case 'bearer':
        return `Bearer ${this.config.CALLBACK_BEARER_TOKEN}`;
      case 'google_id_token':
        return `Bearer ${await this.idToken(this.audience(url))}`;
      default:
        return null;
    }
  }

  /** CALLBACK_ID_TOKEN_AUDIENCE, else the callback URL's origin (the seed's DJANGO_BASE_URL). */
  audience(url: string): string {
    if (this.config.CALLBACK_ID_TOKEN_AUDIENCE) return this.config.CALLBACK_ID_TOKEN_AUDIENCE;
    try {
      return new URL(url).origin;
    } catch {
      throw new CallbackCredentialsError(
        'could not mint an ID token: the callback URL is not a valid URL, so it gives no audience',
      );
    }
  }

  private idToken(audience: string): Promise<string> {
    const cached = this.cache.get(audience);
    if (cached && Date.now() < cached.refreshAt) return Promise.resolve(cached.token);
    let pending = this.minting.get(audience);
    if (!pending) {
      pending = this.mint(audience).finally(() => this.minting.delete(audience));
      this.minting.set(audience, pending);
    }
    return pending;
  }

  private async mint(audience: string): Promise<string> {
    let token: string;
    try {
      // The whole mint is bounded, finding the credentials included (a metadata server that
      // does not answer): a delivery slot must not wait forever.
      const fetch = this.idTokenProvider().then((provider) => provider.fetchIdToken(audience));
      token = await withTimeout(fetch, this.config.CALLBACK_TIMEOUT_MS);
    } catch (err) {
      const reason = reasonOf(err);
      this.logger.warn(`could not mint an ID token for ${audience}: ${reason}`);
      throw new CallbackCredentialsError(`could not mint an ID token for ${audience}: ${reason}`);
    }
    const exp = expiryMs(token);
    if (exp === null) {
      const message = `could not mint an ID token for ${audience}: the token source answered something that is not a JWT with an exp claim`;
      this.logger.warn(message);
      throw new CallbackCredentialsError(message);
    }
    // A token already inside the refresh window is still used once; the next call mints again.
    this.remember(audience, {
      token,
      refreshAt: exp - this.config.CALLBACK_ID_TOKEN_REFRESH_SECONDS * 1000,
    });
    this.logger.debug(
      `minted an ID token for ${audience}, valid until ${new Date(exp).toISOString()}`,
    );
    return token;
  }

  private remember(audience: string, entry: CachedToken): void {
    this.cache.delete(audience); // re-inserted last: the Map's order is the eviction order
    this.cache.set(audience, entry);
    if (this.cache.size <= MAX_CACHED_AUDIENCES) return;
    const now = Date.now();
    for (const [key, e] of this.cache) if (e.refreshAt <= now) this.cache.delete(key);
    while (this.cache.size > MAX_CACHED_AUDIENCES) {
      this.cache.delete(this.cache.keys().next().value!);
    }
  }

  /**
   * The key file's service account, else Application Default Credentials (in google-auth-library's
   * order: GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, the GCE / Cloud Run metadata server).
   * Built once; after a failure the next mint builds it again (GoogleAuth remembers a failed
   * environment check).
   */
  private idTokenProvider(): Promise<IdTokenProvider> {
    this.provider ??= this.createProvider().catch((err: unknown) => {
      this.provider = null;
      throw err;
    });
    return this.provider;
  }

  private async createProvider(): Promise<IdTokenProvider> {
    const keyFile = this.config.CALLBACK_ID_TOKEN_KEY_FILE;
    if (keyFile) return serviceAccountFromKeyFile(keyFile);
    let client: unknown;
    try {
      client = await new GoogleAuth().getClient();
    } catch (err) {
      const reason = reasonOf(err, 250).replace(/\.$/, '');
      throw new Error(
        `Application Default Credentials: ${reason}; set CALLBACK_ID_TOKEN_KEY_FILE or ` +
          'GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run on GCE / Cloud Run',
        { cause: err },
      );
    }
    if (!isIdTokenProvider(client)) {
      throw new Error(
        'the Application Default Credentials cannot mint ID tokens; set CALLBACK_ID_TOKEN_KEY_FILE ' +
          'to a service-account key file',
      );
    }
    return client;
  }
}

/**
 * A JWT client from a service-account key file. The file is parsed here rather than handed to
 * the library as `keyFile`: the library's own parse errors quote the file (the private key).
 * Its `token_uri` is not used: google-auth-library always posts to oauth2.googleapis.com.
 */
async function serviceAccountFromKeyFile(path: string): Promise<IdTokenProvider> {
  const where = `CALLBACK_ID_TOKEN_KEY_FILE (${path})`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`${where} cannot be read (${code}); check the path and its permissions`, {
      cause: err,
    });
  }
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON.parse's message: it quotes the start of the file.
    throw new Error(`${where} is not JSON; give the service-account key file (JSON) from IAM`);
  }
  const { type, client_email, private_key, private_key_id } = key ?? {};
  if (type !== 'service_account' || typeof client_email !== 'string' || !private_key) {
    throw new Error(
      `${where} is not a service-account key (type "service_account" with client_email and ` +
        'private_key); for other credential types use GOOGLE_APPLICATION_CREDENTIALS and leave ' +
        'CALLBACK_ID_TOKEN_KEY_FILE empty',
    );
  }
  return new JWT({
    email: client_email,
    key: String(private_key),
    keyId: typeof private_key_id === 'string' ? private_key_id : undefined,
  });
}

function isIdTokenProvider(client: unknown): client is IdTokenProvider {
  return typeof (client as Partial<IdTokenProvider> | null)?.fetchIdToken === 'function';
}

/** `exp` of a JWT, in ms, or null when `token` is not a JWT with a numeric exp. */
function expiryMs(token: unknown): number | null {
  if (typeof token !== 'string') return null;
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * An error's message, safe to store and log: anything that looks like a JWT (the signed
 * assertion, a token a server echoed) or a PEM key is cut out, and the rest is shortened.
 */
function reasonOf(err: unknown, max = MAX_REASON): string {
  const message = err instanceof Error ? err.message : String(err);
  const safe = message
    .replace(/-----BEGIN[\s\S]*?(?:-----END[^-]*-----|$)/g, '[key]')
    .replace(/eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){1,2}/g, '[token]')
    // Long base64 runs: a fragment of a key or an opaque token quoted by a parser.
    .replace(/[A-Za-z0-9+/=_-]{40,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return (safe || 'unknown error').slice(0, max);
}

/** `promise`, or a rejection after `ms` (the library's own requests may wait much longer). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no token within ${ms} ms (CALLBACK_TIMEOUT_MS)`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
