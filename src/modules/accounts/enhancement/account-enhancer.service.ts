import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';
import { SiteReaderService } from '../../providers/builtin-web/site-reader.service';
import type { CompanyProfile, TechStack } from '../../providers/company/company.types';
import {
  CallOutcome,
  CallScope,
  ProviderClient,
  WaterfallStep,
} from '../../providers/core/provider-client';
import { ProviderError } from '../../providers/core/provider-error';
import { ProviderRegistry } from '../../providers/core/provider-registry';
import type { Sourced } from '../../providers/core/provenance';
import { LlmService } from '../../providers/llm/llm.service';
import type { TaskContext } from '../tasks/engine/task-context';
import type { TaskEstimate } from '../tasks/engine/task-type.decorator';
import { accountKey } from './account-key';
import { AccountsRepository } from './accounts.repository';
import type { AccountToEnhance } from './dto/account-enhancement.input';
import {
  AccountEnhancementProcessedData,
  candidatesFromCompanyProfile,
  candidatesFromTechStack,
  chosenValue,
  combineCandidates,
  extractCompanyFacts,
  MergedProfile,
  mergeProfile,
  toProcessedData,
  tryNormaliseDomain,
} from './extraction';
import type { FieldChange } from './account-snapshot.entity';
import {
  MARKET_INTEL_SCHEMA,
  MarketIntel,
  PROFILE_SCHEMA,
  LlmProfile,
  SUMMARY_SCHEMA,
  candidatesFromLlmProfile,
  candidatesFromMarketIntel,
  extractionPrompt,
  marketIntelPrompt,
  summaryPrompt,
} from './account-llm';

type Candidates = Record<string, Sourced<unknown>[]>;

/** What one stage or vendor did for an account (kept in the result's `sources`). */
export interface SourceStep {
  stage: string;
  capability?: string;
  provider?: string;
  outcome: string;
  cost_usd: number;
  cached?: boolean;
  error?: string;
}

export interface AccountError {
  stage: string;
  code: string;
  message: string;
}

export interface AccountSucceeded {
  status: 'completed';
  account_id: string | null;
  website: string;
  domain: string;
  company_name: string | null;
  account_uuid: string;
  version: number;
  changed_fields: string[];
  processed_data: AccountEnhancementProcessedData;
  /** What each source returned, under the seed's raw_data keys (sent in the completed callback). */
  raw_data: AccountRawData;
  profile: MergedProfile;
  /** Per field of processed_data-backing profile fields: the sources of its values. */
  field_sources: Record<string, string[]>;
  sources: SourceStep[];
  errors: AccountError[];
}

export interface AccountFailed {
  status: 'failed';
  account_id: string | null;
  /** As given (on the seed route it may be null or not a domain: INVALID_WEBSITE). */
  website: string | null;
  error: string;
  error_code: string;
  retryable: boolean;
  sources: SourceStep[];
  errors: AccountError[];
}

export type AccountOutcome = AccountSucceeded | AccountFailed;

/** The site read, as a checkpoint stores it (facts and text; not the raw HTML). */
interface SiteStage {
  home_url: string | null;
  pages: string[];
  failures: Array<{ url: string; code: string; message: string }>;
  candidates: Candidates;
  text: string;
}

interface VendorStage {
  candidates: Candidates;
  sources: SourceStep[];
  errors: AccountError[];
  /** What the winning provider of each capability / LLM call returned, for raw_data. */
  raw?: Record<string, { provider: string; data: unknown }>;
}

/**
 * The seed's raw_data keys (A2.1), each with what Assay's source for that step returned (the
 * names are the seed's; `providers` says which provider actually answered each), plus the
 * company-data vendors' answers.
 */
export interface AccountRawData {
  jina_response: string | null;
  gemini_structured: unknown;
  gemini_analysis: string | null;
  openai_intelligence: unknown;
  vendors: Record<string, { provider: string; data: unknown }>;
  providers: Record<string, string>;
}

/** Where an account's progress is reported: account `index` (0-based) of `total`. */
export interface ProgressSlot {
  index: number;
  total: number;
}

/**
 * The account's stages and where each reports, as the seed did for account i of n (A2.1): the
 * progress callbacks at int((i − f) / n · 100) for these f, in this order (the LinkedIn one
 * carries the early partial result). Stages with `callback: false` only update the status.
 */
const STAGES = {
  reading_site: { f: 0.9, callback: true },
  extracting: { f: 0.85, callback: false },
  linkedin_url: { f: 0.8, callback: true },
  vendors: { f: 0.7, callback: true },
  structuring: { f: 0.5, callback: true },
  summarising: { f: 0.4, callback: true },
  market_intel: { f: 0.2, callback: true },
  storing: { f: 0.1, callback: false },
} as const;
type Stage = keyof typeof STAGES;

/** The seed's percentage of account `index` (0-based) of `total` at fraction f before its end. */
export function seedAccountPercent(index: number, total: number, f = 0): number {
  // The same float operations as the seed's int((i - f) / n * 100), so the same integers.
  return Math.trunc(((index + 1 - f) / total) * 100);
}

/** Text of the pages the LLM sees, at most this many characters. */
const LLM_TEXT_CHARS = 24_000;

/**
 * Enhances one account: reads its site (keyless), extracts facts, asks the configured vendors
 * (each optional) and the LLM (when one is configured), merges everything with provenance and
 * stores the account with a new snapshot. Every expensive stage is a task checkpoint, so a retry
 * does not pay twice. A vendor or LLM failure is recorded and the account continues without it.
 */
@Injectable()
export class AccountEnhancer {
  constructor(
    private readonly site: SiteReaderService,
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly llm: LlmService,
    private readonly repo: AccountsRepository,
    private readonly config: AppConfig,
  ) {}

  private configured(capability: string): string[] {
    return this.registry.forCapability(capability as never).map((p) => p.meta.id);
  }

  async enhance(
    ctx: TaskContext<unknown>,
    item: AccountToEnhance,
    slot: ProgressSlot,
  ): Promise<AccountOutcome> {
    const accountId = item.account_id ?? null;
    const website = item.website.trim();
    const key = accountKey(website);
    const cp = (name: string) => `${name}:${slot.index}`;
    const progress = (
      stage: Stage,
      message: string,
      extra: { data?: Record<string, unknown>; partial?: boolean } = {},
    ) =>
      ctx.progress(
        stage,
        seedAccountPercent(slot.index, slot.total, STAGES[stage].f),
        slot.total > 1 ? `account ${slot.index + 1}/${slot.total}: ${message}` : message,
        { ...extra, ...(STAGES[stage].callback ? { stream: slot.index } : {}) },
      );
    const sources: SourceStep[] = [];
    const errors: AccountError[] = [];

    // 1. Reading the site (keyless, free): facts and page text, checkpointed.
    await progress('reading_site', `reading ${website}`);
    const site = await ctx.checkpoint(cp('site'), async () => {
      const read = await this.site.read(website, this.scope(ctx, cp('site')));
      await progress('extracting', `extracting facts from ${read.pages.length} page(s)`);
      const facts = extractCompanyFacts(read.pages, { taskId: ctx.taskId });
      const candidates: Candidates = { ...(facts as unknown as Candidates) };
      if (read.home_url) {
        const origin = new URL(read.home_url).origin;
        candidates.website = [
          ...(candidates.website ?? []),
          {
            value: origin,
            source: read.home_url,
            method: 'scrape',
            detail: 'home-page',
            retrieved_at: new Date().toISOString(),
            confidence: 0.3,
            cost_usd: 0,
            task_id: ctx.taskId,
          },
        ];
      }
      const out: SiteStage = {
        home_url: read.home_url,
        pages: read.pages.map((p) => p.final_url),
        failures: read.failures.map((f) => ({ url: f.url, code: f.code, message: f.message })),
        candidates,
        text: read.pages
          .map((p) => `# ${p.title ?? p.final_url} (${p.final_url})\n${p.text}`)
          .join('\n\n')
          .slice(0, LLM_TEXT_CHARS),
      };
      return out;
    });
    sources.push({
      stage: 'reading_site',
      provider: 'builtin_web',
      outcome: site.home_url ? `read ${site.pages.length} page(s)` : 'unreadable',
      cost_usd: 0,
      ...(site.home_url ? {} : { error: site.failures.map((f) => f.message).join('; ') }),
    });
    if (!site.home_url) {
      errors.push({
        stage: 'reading_site',
        code: site.failures[0]?.code ?? 'NOT_FOUND',
        message: `could not read ${website}: ${site.failures.map((f) => f.message).join('; ') || 'no page answered'}`,
      });
    }

    // The LinkedIn URL as the seed's early partial callback sent it: the caller's, or the site's.
    const siteProfile = mergeProfile(site.candidates);
    const linkedinUrl = item.linkedin_url ?? chosenValue<string>(siteProfile, 'linkedin_url');
    await progress(
      'linkedin_url',
      linkedinUrl ? `linkedin_url: ${linkedinUrl}` : 'linkedin_url: none found',
      // The seed's early partial callback: processed_data {linkedin_url}, or {} when none.
      { data: linkedinUrl ? { linkedin_url: linkedinUrl } : {}, partial: true },
    );

    const domain = vendorDomain(key, siteProfile, site.candidates);
    const name_ = item.name ?? chosenValue<string>(siteProfile, 'name') ?? undefined;

    // 2. Vendors, each optional: skipped when unconfigured, recorded when they fail.
    await progress('vendors', 'asking company data vendors');
    const vendors = await ctx.checkpoint(cp('vendors'), () =>
      this.vendors(ctx, cp('vendors'), { domain, name: name_, linkedinUrl }),
    );
    sources.push(...vendors.sources);
    errors.push(...vendors.errors);

    // 3. LLM: structured extraction, summary, grounded market intel. Each stage reports even when
    // it has nothing to do (no LLM configured), so the client sees the seed's stages every time.
    const llmCandidates: Candidates = {};
    const raw: VendorStage['raw'] = { ...vendors.raw };
    const llmReady = this.configured('llm.generate').length > 0;
    const llmInput = site.text.trim() || vendors.sources.some((s) => s.outcome === 'accepted');
    if (!llmReady) {
      sources.push({
        stage: 'structuring',
        capability: 'llm.generate',
        outcome: 'skipped',
        cost_usd: 0,
        error: 'no llm.generate provider is configured',
      });
    }
    const llmStage = async (
      stage: Stage,
      message: string,
      run: (name: string) => Promise<VendorStage>,
    ) => {
      await progress(stage, llmReady && llmInput ? message : `${message}: skipped`);
      if (!llmReady || !llmInput) return;
      const out = await ctx.checkpoint(cp(stage), () => run(cp(stage)));
      merge(llmCandidates, out.candidates);
      sources.push(...out.sources);
      errors.push(...out.errors);
      Object.assign(raw, out.raw);
    };
    const partial = mergeProfile(combineCandidates(site.candidates, vendors.candidates));
    await llmStage('structuring', 'structured extraction', (name) =>
      this.llmExtraction(ctx, name, site, name_ ?? key),
    );
    await llmStage('summarising', 'business summary', (name) =>
      this.llmSummary(ctx, name, site, partial, name_ ?? key),
    );
    await llmStage('market_intel', 'market intelligence by grounded web search', (name) =>
      this.marketIntel(ctx, name, name_ ?? key, domain ?? key),
    );

    const candidates = combineCandidates(site.candidates, vendors.candidates, llmCandidates);
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
    await progress('storing', 'storing the account');
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
      raw_data: rawData(site.text, raw ?? {}),
      profile,
      field_sources: fieldSources(profile),
      sources,
      errors,
    };
  }

  private scope(ctx: TaskContext<unknown>, stage: string): CallScope {
    return { ...ctx.providerScope(), stage };
  }

  private async vendors(
    ctx: TaskContext<unknown>,
    stage: string,
    q: { domain: string | null; name?: string; linkedinUrl: string | null },
  ): Promise<VendorStage> {
    const out: VendorStage = { candidates: {}, sources: [], errors: [] };
    const scope = this.scope(ctx, stage);
    const ask = async <T>(
      capability: string,
      input: Record<string, unknown> | null,
      why: string,
      use: (o: CallOutcome<T>) => Candidates,
    ) => {
      if (!this.configured(capability).length) {
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
        this.rethrowFatal(ctx, err);
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

  /** Structured extraction of the site's text (the seed's gemini_structured). */
  private async llmExtraction(
    ctx: TaskContext<unknown>,
    stage: string,
    site: SiteStage,
    company: string,
  ): Promise<VendorStage> {
    const out: VendorStage = { candidates: {}, sources: [], errors: [], raw: {} };
    if (!site.text.trim()) return out;
    try {
      const a = await this.llm.generateStructured<LlmProfile>(
        {
          prompt: extractionPrompt(company, site.text),
          schema: PROFILE_SCHEMA,
          schemaName: 'company_profile',
          temperature: 0.1,
        },
        this.scope(ctx, stage),
      );
      out.sources.push({
        stage: 'structuring',
        capability: 'llm.generate',
        provider: a.provider,
        outcome: 'structured_extraction',
        cost_usd: a.cost_usd,
      });
      out.raw!.gemini_structured = { provider: a.provider, data: a.value };
      merge(
        out.candidates,
        candidatesFromLlmProfile(a.value, {
          provider: a.provider,
          cost: a.cost_usd,
          evidence: site.pages,
          taskId: ctx.taskId,
        }),
      );
    } catch (err) {
      this.rethrowFatal(ctx, err);
      out.errors.push(asError('structuring', err));
    }
    return out;
  }

  /** The markdown business summary (the seed's gemini_analysis → analysis_summary). */
  private async llmSummary(
    ctx: TaskContext<unknown>,
    stage: string,
    site: SiteStage,
    partial: MergedProfile,
    company: string,
  ): Promise<VendorStage> {
    const out: VendorStage = { candidates: {}, sources: [], errors: [], raw: {} };
    try {
      const known = toProcessedData(partial);
      const a = await this.llm.generateStructured<{ analysis_summary: string }>(
        {
          prompt: summaryPrompt(company, known, site.text),
          schema: SUMMARY_SCHEMA,
          schemaName: 'business_summary',
          temperature: 0.2,
        },
        this.scope(ctx, stage),
      );
      out.sources.push({
        stage: 'summarising',
        capability: 'llm.generate',
        provider: a.provider,
        outcome: 'summary',
        cost_usd: a.cost_usd,
      });
      out.raw!.gemini_analysis = { provider: a.provider, data: a.value.analysis_summary };
      out.candidates.analysis_summary = [
        {
          value: a.value.analysis_summary,
          source: a.provider,
          method: 'llm',
          retrieved_at: new Date().toISOString(),
          confidence: 0.6,
          cost_usd: a.cost_usd,
          task_id: ctx.taskId,
          evidence: site.pages,
        },
      ];
    } catch (err) {
      this.rethrowFatal(ctx, err);
      out.errors.push(asError('summarising', err));
    }
    return out;
  }

  private async marketIntel(
    ctx: TaskContext<unknown>,
    stage: string,
    company: string,
    domain: string,
  ): Promise<VendorStage> {
    const out: VendorStage = { candidates: {}, sources: [], errors: [], raw: {} };
    try {
      const a = await this.llm.generateStructured<MarketIntel>(
        {
          prompt: marketIntelPrompt(company, domain),
          schema: MARKET_INTEL_SCHEMA,
          schemaName: 'market_intel',
          webSearch: true,
        },
        this.scope(ctx, stage),
      );
      out.sources.push({
        stage: 'market_intel',
        capability: 'llm.generate',
        provider: a.provider,
        outcome: `market_intel (${a.citations.length} citation(s))`,
        cost_usd: a.cost_usd,
      });
      out.raw!.openai_intelligence = {
        provider: a.provider,
        data: { ...a.value, citations: a.citations },
      };
      merge(
        out.candidates,
        candidatesFromMarketIntel(a.value, {
          provider: a.provider,
          cost: a.cost_usd,
          citations: a.citations,
          taskId: ctx.taskId,
        }),
      );
    } catch (err) {
      this.rethrowFatal(ctx, err);
      out.errors.push(asError('market_intel', err));
    }
    return out;
  }

  /** An abort ends the attempt; every other failure is the account's to record. */
  /** Aborts (cancel, timeout, shutdown) and a spent budget stop the task; other failures are recorded. */
  private rethrowFatal(ctx: TaskContext<unknown>, err: unknown): void {
    if (ctx.signal.aborted) throw err;
    if (err instanceof ProviderError && err.code === 'BUDGET_EXCEEDED') throw err;
  }

  /** Dry run: calls and worst-case cost of one account with the providers configured now. */
  estimate(item: AccountToEnhance): TaskEstimate {
    const notes: string[] = [];
    let calls = this.config.WEB_SITE_MAX_PAGES;
    let max = 0;
    const add = (capability: string, input: Record<string, unknown>, times = 1) => {
      const ids = this.configured(capability);
      if (!ids.length) return;
      // A waterfall may try every configured provider; each costs at most its maxCost.
      for (const id of ids)
        max += times * this.client.maxCost(id, { capability: capability as never, input });
      calls += times * ids.length;
    };
    const domain = tryNormaliseDomain(item.website) ?? 'example.com';
    add('company.profile', { domain });
    if (item.linkedin_url) add('company.linkedin', { linkedin_url: item.linkedin_url });
    else if (this.configured('company.linkedin').length)
      notes.push('company.linkedin runs only if the site links a LinkedIn page (not counted)');
    add('tech.stack', { domain });
    if (this.configured('llm.generate').length) {
      const text = 'x'.repeat(LLM_TEXT_CHARS);
      // Each structured call may need one repair attempt.
      add('llm.generate', { prompt: extractionPrompt(domain, text), schema: PROFILE_SCHEMA }, 2);
      add('llm.generate', { prompt: summaryPrompt(domain, null, text), schema: SUMMARY_SCHEMA }, 2);
      add(
        'llm.generate',
        { prompt: marketIntelPrompt(domain, domain), schema: MARKET_INTEL_SCHEMA, webSearch: true },
        2,
      );
    } else {
      notes.push('no LLM configured: no structured extraction, summary or market intel');
    }
    return { calls, cost_min_usd: 0, cost_max_usd: round(max), notes };
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** raw_data of a completed account: the seed's keys, then the company-data vendors. */
function rawData(siteText: string, raw: NonNullable<VendorStage['raw']>): AccountRawData {
  const llmKeys = ['gemini_structured', 'gemini_analysis', 'openai_intelligence'];
  const providers: Record<string, string> = { jina_response: 'builtin_web' };
  const vendors: AccountRawData['vendors'] = {};
  for (const [k, v] of Object.entries(raw)) {
    providers[k] = v.provider;
    if (!llmKeys.includes(k)) vendors[k] = v;
  }
  return {
    jina_response: siteText || null,
    gemini_structured: raw.gemini_structured?.data ?? null,
    gemini_analysis: (raw.gemini_analysis?.data as string | undefined) ?? null,
    openai_intelligence: raw.openai_intelligence?.data ?? null,
    vendors,
    providers,
  };
}

function merge(into: Candidates, from: Candidates): void {
  for (const [k, v] of Object.entries(from)) (into[k] ??= []).push(...v);
}

function steps(stage: string, capability: string, s: WaterfallStep[]): SourceStep[] {
  return s.map((x) => ({
    stage,
    capability,
    provider: x.provider,
    outcome: x.outcome,
    cost_usd: x.cost_usd,
    cached: x.cached,
    ...(x.error ? { error: x.error } : {}),
  }));
}

function asError(stage: string, err: unknown): AccountError {
  return {
    stage,
    code: err instanceof ProviderError ? err.code : 'UNKNOWN',
    message: (err as Error).message,
  };
}

/** Per profile field, the distinct sources of its values (provider ids or page URLs). */
export function fieldSources(profile: MergedProfile): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, entry] of Object.entries(profile.fields)) {
    const chosen = entry.kind === 'single' ? (entry.value ? [entry.value] : []) : entry.values;
    out[field] = [...new Set(chosen.flatMap((c) => [c.source, ...(c.evidence ?? [])]))];
  }
  return out;
}

/**
 * The domain vendors are asked about: the account's registrable domain, or, for a site on an IP
 * address or intranet name, the domain the site declares (its website, then its own mailboxes).
 */
function vendorDomain(key: string, profile: MergedProfile, candidates: Candidates): string | null {
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
