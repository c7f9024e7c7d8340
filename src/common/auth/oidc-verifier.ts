import {
  ForbiddenException,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { AppConfig, maskUrl, splitTenant } from '../config/app.config';
import type { Principal } from './principal';

/**
 * Asymmetric signatures only. An HS* token would be checked with a published (public) key used as
 * an HMAC secret, which anyone can do ("alg confusion"); `none` is no signature at all.
 */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** How long one fetch of the key set may take before the request is answered 503. */
export const OIDC_JWKS_TIMEOUT_MS = 5000;

/** Three base64url segments; the third may be empty (an unsigned token, which jwtVerify refuses). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer credential is worth handing to the verifier (API keys rarely have two dots). */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** The key set could not be fetched or used: not the caller's fault, so 503 rather than 401. */
class KeySetUnavailable extends Error {}

/**
 * Verifies OIDC ID tokens (e.g. Google-signed ones) against OIDC_JWKS_URL and maps an allowed
 * identity to a Principal. One instance per process (provided by the global AuthModule), so every
 * AuthGuard instance shares one key cache: jose keeps the keys for OIDC_JWKS_CACHE_MS and fetches
 * again on an unknown `kid` at most once per OIDC_JWKS_COOLDOWN_MS.
 */
@Injectable()
export class OidcVerifier {
  private readonly logger = new Logger('Auth');
  private readonly getKey: JWTVerifyGetKey | null;
  /** Lower-cased email → tenant (null: operator). */
  private readonly emails = new Map<string, string | null>();
  /** sub → tenant (null: operator). */
  private readonly subjects = new Map<string, string | null>();

  constructor(private readonly config: AppConfig) {
    for (const entry of config.OIDC_ALLOWED_EMAILS) {
      const { value, tenant } = splitTenant(entry);
      const email = value.toLowerCase();
      if (!this.emails.has(email)) this.emails.set(email, tenant);
    }
    for (const entry of config.OIDC_ALLOWED_SUBJECTS) {
      const { value, tenant } = splitTenant(entry);
      if (!this.subjects.has(value)) this.subjects.set(value, tenant);
    }
    this.getKey = config.ASSAY_AUTH.includes('oidc') ? this.remoteKeySet() : null;
  }

  /** The caller a valid, allowed token stands for; throws 401, 403 or 503 otherwise. */
  async verify(token: string): Promise<Principal> {
    if (!this.getKey) {
      // The guard only calls this with oidc on; a caller that does not is a programming error.
      throw new Error('OidcVerifier.verify() called while ASSAY_AUTH does not include oidc');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        issuer: this.config.OIDC_ISSUERS,
        audience: this.config.OIDC_AUDIENCES,
        algorithms: OIDC_ALGORITHMS,
        clockTolerance: this.config.OIDC_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (err) {
      if (err instanceof KeySetUnavailable) {
        this.logger.warn(
          `cannot fetch the OIDC key set at ${maskUrl(this.config.OIDC_JWKS_URL)}: ${err.message}`,
        );
        throw new ServiceUnavailableException({
          detail: `cannot verify the token right now: the issuer's key set (OIDC_JWKS_URL) ${err.message}; try again later`,
        });
      }
      const problem = tokenProblem(err);
      // Only a fixed description of what failed: never the token or the values of its claims.
      if (problem) throw new UnauthorizedException({ detail: problem });
      throw err;
    }
    return this.authorise(payload);
  }

  /** An authentic token still has to name an identity on the allow-lists. */
  private authorise(payload: JWTPayload): Principal {
    const rawEmail = typeof payload.email === 'string' ? payload.email : null;
    // Some issuers send the flag as a string; an unverified email proves nothing.
    const unverified = payload.email_verified === false || payload.email_verified === 'false';
    if (rawEmail && !unverified) {
      const email = rawEmail.toLowerCase();
      if (this.emails.has(email)) {
        return { method: 'oidc', tenant: this.emails.get(email) ?? null, subject: `oidc:${email}` };
      }
    }
    const sub = typeof payload.sub === 'string' ? payload.sub : null;
    if (sub && this.subjects.has(sub)) {
      return { method: 'oidc', tenant: this.subjects.get(sub) ?? null, subject: `oidc:${sub}` };
    }
    const why = !rawEmail
      ? 'the token has no email claim (mint it with the email included)'
      : unverified
        ? 'the token says its email is not verified'
        : 'its email is not in OIDC_ALLOWED_EMAILS';
    throw new ForbiddenException({
      detail: `this identity is not allowed: ${why}, and its sub is not in OIDC_ALLOWED_SUBJECTS; an operator of this service can add it`,
    });
  }

  /** jose's cached remote key set, with fetch failures told apart from token problems. */
  private remoteKeySet(): JWTVerifyGetKey {
    const jwks = createRemoteJWKSet(new URL(this.config.OIDC_JWKS_URL), {
      cacheMaxAge: this.config.OIDC_JWKS_CACHE_MS,
      cooldownDuration: this.config.OIDC_JWKS_COOLDOWN_MS,
      timeoutDuration: OIDC_JWKS_TIMEOUT_MS,
    });
    return async (header, token) => {
      try {
        return await jwks(header, token);
      } catch (err) {
        // No (or no single) published key for the token's kid: the token's problem.
        if (err instanceof errors.JWKSNoMatchingKey) throw err;
        if (err instanceof errors.JWKSMultipleMatchingKeys) throw err;
        throw new KeySetUnavailable(keySetProblem(err));
      }
    };
  }
}

/** What went wrong with fetching or reading the key set, for logs and the 503 detail. */
function keySetProblem(err: unknown): string {
  if (err instanceof errors.JWKSTimeout) {
    return `did not answer within ${OIDC_JWKS_TIMEOUT_MS / 1000} s`;
  }
  if (err instanceof errors.JWKSInvalid) return 'is not a valid JSON Web Key Set';
  if (err instanceof errors.JOSEError) {
    // jose says these two with generic errors.
    if (/200 OK/.test(err.message)) return 'answered with an HTTP status other than 200';
    if (/as JSON/.test(err.message)) return 'did not answer with JSON';
    return "holds no key usable for the token's algorithm";
  }
  return 'could not be reached';
}

/** A short description of why a token is not valid, or null for an error that is not jose's. */
function tokenProblem(err: unknown): string | null {
  if (err instanceof errors.JWTExpired) return 'token expired: mint a new one';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `token lacks the required "${err.claim}" claim`;
    switch (err.claim) {
      case 'iss':
        return 'token issuer is not accepted (OIDC_ISSUERS)';
      case 'aud':
        return 'token audience is not accepted: mint it for one of OIDC_AUDIENCES';
      case 'nbf':
        return 'token is not valid yet (nbf is in the future)';
      default:
        return `token "${err.claim}" claim is not valid`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return 'token algorithm is not accepted: only asymmetric signatures (RS*, PS*, ES*, EdDSA) are';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is not valid';
  if (err instanceof errors.JWKSNoMatchingKey) {
    return 'token is signed by a key the issuer does not publish (unknown kid)';
  }
  if (err instanceof errors.JWKSMultipleMatchingKeys) {
    return 'token names no usable key id (kid) and the issuer publishes several keys';
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return 'token is malformed';
  }
  if (err instanceof errors.JOSEError) return 'token is not valid';
  return null;
}
