import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * Who is calling, as the AuthGuard established it. A caller bound to a tenant sees and acts on
 * that tenant's data only; a caller with `tenant: null` is an operator and sees everything.
 */
export interface Principal {
  /** How the caller proved who it is. */
  method: 'api_key' | 'oidc' | 'none';
  /** The tenant the caller is bound to; null for an operator. */
  tenant: string | null;
  /**
   * A stable, non-secret name of the caller for logs and audit: `key:<fingerprint>`,
   * `oidc:<email or sub>`, or `anonymous`. Never the key or token itself.
   */
  subject: string;
}

/** Requests the AuthGuard let through carry their principal here. */
export type AuthenticatedRequest = { principal?: Principal };

/** The principal of a request the AuthGuard let through. */
export function principalOf(req: AuthenticatedRequest): Principal {
  if (!req.principal) {
    // A route without the guard asked for a caller: a programming error, not the client's.
    throw new Error('a caller was asked for on a route that is not behind the AuthGuard');
  }
  return req.principal;
}

/** The principal of the current request (routes behind the AuthGuard always have one). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal =>
  principalOf(ctx.switchToHttp().getRequest<AuthenticatedRequest>()),
);

/** Operators see every tenant. */
export const isOperator = (p: Principal): boolean => p.tenant === null;
