import { Injectable } from '@nestjs/common';
import type { CompanyProfile, TechStack } from '../../../providers/company/company.types';
import { CallOutcome, ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { TaskContext } from '../../tasks/engine/task-context';
import {
  candidatesFromCompanyProfile,
  candidatesFromTechStack,
  chosenValue,
  MergedProfile,
  tryNormaliseDomain,
} from '../extraction';
import type { AccountRun } from './account-run';
import type { Candidates, StageOutput } from './enhancement.types';
import {
  asError,
  configuredProviders,
  merge,
  rethrowFatal,
  stageScope,
  steps,
} from './stage-helpers';

/** What the vendors are asked about. */
export interface VendorQuery {
  domain: string | null;
  name?: string;
  linkedinUrl: string | null;
}

/**
 * Stage 2, the company-data vendors (company.profile, company.linkedin, tech.stack), each a
 * provider waterfall and each optional: skipped when unconfigured or when the account lacks what
 * it needs, recorded when a provider fails. Checkpointed as one stage.
 */
@Injectable()
export class VendorsStage {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  async run(run: AccountRun, q: VendorQuery): Promise<StageOutput> {
    await run.progress('vendors', 'asking company data vendors');
    const vendors = await run.ctx.checkpoint(run.cp('vendors'), () =>
      this.ask(run.ctx, run.cp('vendors'), q),
    );
    run.sources.push(...vendors.sources);
    run.errors.push(...vendors.errors);
    return vendors;
  }

  private async ask(
    ctx: TaskContext<unknown>,
    stage: string,
    q: VendorQuery,
  ): Promise<StageOutput> {
    const out: StageOutput = { candidates: {}, sources: [], errors: [] };
    const scope = stageScope(ctx, stage);
    const ask = async <T>(
      capability: string,
      input: Record<string, unknown> | null,
      why: string,
      use: (o: CallOutcome<T>) => Candidates,
    ) => {
      if (!configuredProviders(this.registry, capability).length) {
        out.sources.push({
          stage: 'vendors',
          capability,
          outcome: 'skipped',
          cost_usd: 0,
          error: 'not configured',
        });
        return;
      }
      if (!input) {
        out.sources.push({
          stage: 'vendors',
          capability,
          outcome: 'skipped',
          cost_usd: 0,
          error: why,
        });
        return;
      }
      try {
        const w = await this.client.waterfall<T>(
          capability as never,
          { input },
          (o) => o.found,
          scope,
        );
        out.sources.push(...steps('vendors', capability, w.steps));
        for (const s of w.steps.filter((x) => x.error)) {
          out.errors.push({
            stage: 'vendors',
            code: s.outcome,
            message: `${s.provider}: ${s.error}`,
          });
        }
        if (w.winner?.data) {
          merge(out.candidates, use(w.winner));
          (out.raw ??= {})[capability] = { provider: w.winner.provider, data: w.winner.data };
        }
      } catch (err) {
        rethrowFatal(ctx, err);
        out.errors.push(asError('vendors', err));
      }
    };
    // One time for the stage: answers milliseconds apart are equally recent, so a tie between
    // vendors falls to their order, not to which answer (or cache hit) came back first.
    const at = new Date().toISOString();
    const prov = (o: CallOutcome<unknown>) => ({
      source: o.provider,
      method: 'api' as const,
      retrieved_at: at,
      confidence: 0.85,
      cost_usd: o.costUsd,
      task_id: ctx.taskId,
    });
    const lookup = q.domain ? { domain: q.domain, ...(q.name ? { name: q.name } : {}) } : null;
    await ask<CompanyProfile>('company.profile', lookup, 'no registrable domain', (o) =>
      candidatesFromCompanyProfile(o.data!, prov(o)),
    );
    await ask<CompanyProfile>(
      'company.linkedin',
      q.linkedinUrl ? { linkedin_url: q.linkedinUrl } : null,
      'no LinkedIn company URL (none given, none on the site)',
      (o) => candidatesFromCompanyProfile(o.data!, prov(o)),
    );
    await ask<TechStack>(
      'tech.stack',
      q.domain ? { domain: q.domain } : null,
      'no registrable domain',
      (o) => {
        const c = candidatesFromTechStack(o.data!, prov(o));
        if (o.data!.tech_profile) c.tech_profile = [{ ...prov(o), value: o.data!.tech_profile }];
        return c;
      },
    );
    return out;
  }
}

/**
 * The domain vendors are asked about: the account's registrable domain, or, for a site on an IP
 * address or intranet name, the domain the site declares (its website, then its own mailboxes).
 */
export function vendorDomain(
  key: string,
  profile: MergedProfile,
  candidates: Candidates,
): string | null {
  const own = tryNormaliseDomain(key);
  if (own) return own;
  const declared = tryNormaliseDomain(chosenValue<string>(profile, 'website'));
  if (declared) return declared;
  for (const e of candidates.emails ?? []) {
    const address = (e.value as { address?: string })?.address;
    const d = tryNormaliseDomain(address?.split('@')[1]);
    if (d) return d;
  }
  return null;
}
