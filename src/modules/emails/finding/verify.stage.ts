import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { EmailVerification, EmailVerifyResult } from '../../../providers/email/email.types';
import { mustStop } from '../../leads/generation/call-errors';

/** Addresses per email.verify call (the capability's limit). */
export const VERIFY_BATCH = 50;

export interface Verified {
  byEmail: Map<string, EmailVerification>;
  /** Addresses sent to a verifier (each counted once, whichever answered). */
  probed: number;
  cost_usd: number;
  api_errors: number;
}

/**
 * The `email.verify` waterfall per address: every address goes to the first verifier
 * (builtin_smtp, which asks each domain's mail server about all of its addresses in one
 * session); the ones it could not settle (`unknown`, or a failed call) go to the next (Hunter).
 */
@Injectable()
export class VerifyStage {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  /** Whether any verifier is configured (builtin_smtp is, keyless, unless switched off). */
  available(): boolean {
    return this.registry.forCapability('email.verify').length > 0;
  }

  async verify(emails: string[], scope: CallScope): Promise<Verified> {
    const byEmail = new Map<string, EmailVerification>();
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    let cost = 0;
    let errors = 0;
    let open = wanted;
    for (const p of this.registry.forCapability('email.verify')) {
      if (!open.length) break;
      for (let i = 0; i < open.length; i += VERIFY_BATCH) {
        const batch = open.slice(i, i + VERIFY_BATCH);
        try {
          const o = await this.client.call<EmailVerifyResult>(
            p.meta.id,
            { capability: 'email.verify', input: { emails: batch } },
            scope,
          );
          cost += o.costUsd;
          (o.data?.results ?? []).forEach((r, j) => {
            const prev = byEmail.get(batch[j]);
            if (!prev || prev.status === 'unknown')
              byEmail.set(batch[j], { ...r, provider: r.provider ?? p.meta.id });
          });
        } catch (err) {
          if (mustStop(err, scope)) throw err;
          errors += 1;
        }
      }
      open = open.filter((e) => (byEmail.get(e)?.status ?? 'unknown') === 'unknown');
    }
    return { byEmail, probed: wanted.length, cost_usd: cost, api_errors: errors };
  }
}
