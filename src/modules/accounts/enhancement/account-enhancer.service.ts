import { Injectable } from '@nestjs/common';
import type { TaskContext } from '../../tasks/engine/task-context';
import type { TaskEstimate } from '../../tasks/engine/task-type.decorator';
import { accountKey } from '../account-key';
import type { FieldChange } from '../account-snapshot.entity';
import { AccountsRepository } from '../accounts.repository';
import type { AccountToEnhance } from '../dto/account-enhancement.input';
import { chosenValue, combineCandidates, mergeProfile, toProcessedData } from '../extraction';
import { fieldSources, rawData } from './account-result';
import { ProgressSlot, startAccountRun } from './account-run';
import type { AccountOutcome } from './enhancement.types';
import { EnhancementEstimate } from './estimate';
import { LlmStages } from './llm.stages';
import { SiteStage } from './site.stage';
import { vendorDomain, VendorsStage } from './vendors.stage';

/**
 * Enhances one account: reads its site (keyless), extracts facts, asks the configured vendors
 * (each optional) and the LLM (when one is configured), merges everything with provenance and
 * stores the account with a new snapshot. Every expensive stage is a task checkpoint, so a retry
 * does not pay twice. A vendor or LLM failure is recorded and the account continues without it.
 *
 * The stages live beside this file (site.stage.ts, vendors.stage.ts, llm.stages.ts); this class
 * runs them in order, merges what they found and stores the result.
 */
@Injectable()
export class AccountEnhancer {
  constructor(
    private readonly siteStage: SiteStage,
    private readonly vendorsStage: VendorsStage,
    private readonly llmStages: LlmStages,
    private readonly estimator: EnhancementEstimate,
    private readonly repo: AccountsRepository,
  ) {}

  async enhance(
    ctx: TaskContext<unknown>,
    item: AccountToEnhance,
    slot: ProgressSlot,
  ): Promise<AccountOutcome> {
    const accountId = item.account_id ?? null;
    const website = item.website.trim();
    const key = accountKey(website);
    const run = startAccountRun(ctx, slot);
    const { cp, sources, errors } = run;

    // 1. Reading the site (keyless, free): facts and page text, checkpointed.
    const site = await this.siteStage.run(run, website);

    // The LinkedIn URL as the seed's early partial callback sent it: the caller's, or the site's.
    const siteProfile = mergeProfile(site.candidates);
    const linkedinUrl = item.linkedin_url ?? chosenValue<string>(siteProfile, 'linkedin_url');
    await run.progress(
      'linkedin_url',
      linkedinUrl ? `linkedin_url: ${linkedinUrl}` : 'linkedin_url: none found',
      // The seed's early partial callback: processed_data {linkedin_url}, or {} when none.
      { data: linkedinUrl ? { linkedin_url: linkedinUrl } : {}, partial: true },
    );

    const domain = vendorDomain(key, siteProfile, site.candidates);
    const name_ = item.name ?? chosenValue<string>(siteProfile, 'name') ?? undefined;

    // 2. Vendors, each optional: skipped when unconfigured, recorded when they fail.
    const vendors = await this.vendorsStage.run(run, { domain, name: name_, linkedinUrl });

    // 3. LLM: structured extraction, summary, grounded market intel.
    const llm = await this.llmStages.run(run, site, vendors, {
      company: name_ ?? key,
      domain: domain ?? key,
    });

    const candidates = combineCandidates(site.candidates, vendors.candidates, llm.candidates);
    const profile = mergeProfile(candidates);
    const processed = toProcessedData(profile);
    if (!site.home_url && !processed.company_name) {
      const first = errors[0];
      return {
        status: 'failed',
        account_id: accountId,
        website,
        error: first?.message ?? `nothing was found about ${website}`,
        error_code: first?.code ?? 'NOT_FOUND',
        retryable: false,
        sources,
        errors,
      };
    }

    // 4. Storing: the account and snapshot n+1 (once per task: a retry reuses the stored version).
    await run.progress('storing', 'storing the account');
    const stored = await ctx.checkpoint(cp('store'), async () => {
      const s = await this.repo.save({
        domain: key,
        tenantId: ctx.task.tenantId ?? null,
        accountId,
        name: item.name ?? null,
        website,
        taskId: ctx.taskId,
        profile,
        processedData: processed,
        fieldSources: fieldSources(profile),
      });
      return {
        account_uuid: s.account.id,
        version: s.snapshot.version,
        changed: s.snapshot.changedFields.map((c: FieldChange) => c.field),
      };
    });
    return {
      status: 'completed',
      account_id: accountId,
      website,
      domain: key,
      company_name: processed.company_name,
      account_uuid: stored.account_uuid,
      version: stored.version,
      changed_fields: stored.changed,
      processed_data: processed,
      raw_data: rawData(site.text, llm.raw ?? {}),
      profile,
      field_sources: fieldSources(profile),
      sources,
      errors,
    };
  }

  /** Dry run: calls and worst-case cost of one account with the providers configured now. */
  estimate(item: AccountToEnhance): TaskEstimate {
    return this.estimator.estimate(item);
  }
}
