import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { EmailFindResult } from '../../../providers/email/email.types';
import { mustStop } from '../../leads/generation/call-errors';
import { EmailsRepository } from '../storage/emails.repository';
import type { FoundAddress, PatternInfo } from './email-candidate';
import { inferPattern, PATTERNS } from './email-patterns';
import { DOMAIN_SEARCH_LIMIT } from './email-estimate';

/** Confidence a pattern starts with, by where it was learned. */
export const PATTERN_START = { verified: 0.8, hunter: 0.7 } as const;
/** How far a delivery raises, a bounce lowers, a new verified find raises a pattern's confidence. */
export const PATTERN_STEP = { delivered: 0.1, bounced: -0.25, verified: 0.05 } as const;

export interface DomainSearch {
  result: EmailFindResult | null;
  provider: string | null;
  cost_usd: number;
  api_errors: number;
}

const isPattern = (p: unknown): p is string =>
  typeof p === 'string' && (PATTERNS as readonly string[]).includes(p);

/**
 * What a domain's address pattern is: the stored one (learned by earlier finds and feedback),
 * else Hunter's from a domain search, else the one the domain's verified addresses follow.
 */
@Injectable()
export class PatternKnowledge {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly repo: EmailsRepository,
  ) {}

  /** Whether a provider serves the domain search (Hunter, configured). */
  canSearchDomain(): boolean {
    return this.registry.forCapability('email.find').length > 0;
  }

  /** The email.find domain-search waterfall; an empty answer when nothing is configured. */
  async searchDomain(domain: string, limit: number, scope: CallScope): Promise<DomainSearch> {
    if (!this.canSearchDomain())
      return { result: null, provider: null, cost_usd: 0, api_errors: 0 };
    try {
      const w = await this.client.waterfall<EmailFindResult>(
        'email.find',
        { operation: 'domain-search', input: { domain, limit } },
        (o) => o.data !== null,
        scope,
      );
      return {
        result: w.winner?.data ?? null,
        provider: w.winner?.provider ?? null,
        cost_usd: w.cost_usd,
        api_errors: w.steps.filter((s) => s.error).length,
      };
    } catch (err) {
      if (mustStop(err, scope)) throw err;
      return { result: null, provider: null, cost_usd: 0, api_errors: 1 };
    }
  }

  /**
   * The domain's pattern before a find: stored; else `searched` (Hunter's, from a domain search
   * this run made) or a new domain search when `search`; else inferred from verified rows.
   */
  async known(
    tenantId: string | null,
    domain: string,
    opts: { searched?: DomainSearch; search: boolean; scope: CallScope },
  ): Promise<{ pattern: PatternInfo | null; search: DomainSearch | null }> {
    const stored = await this.repo.pattern(tenantId, domain);
    if (stored)
      return {
        pattern: { pattern: stored.pattern, confidence: stored.confidence, source: 'stored' },
        search: opts.searched ?? null,
      };
    const search =
      opts.searched ??
      (opts.search ? await this.searchDomain(domain, DOMAIN_SEARCH_LIMIT, opts.scope) : null);
    const vendor = search?.result?.pattern;
    if (isPattern(vendor)) {
      await this.repo.observePattern(tenantId, domain, vendor, {
        source: search!.provider ?? 'hunter',
        confidence: PATTERN_START.hunter,
        delta: 0,
      });
      return {
        pattern: { pattern: vendor, confidence: PATTERN_START.hunter, source: 'hunter' },
        search,
      };
    }
    const rows = await this.repo.verifiedAt(tenantId, domain);
    const inferred = inferPattern(
      rows.map((r) => ({ email: r.email, first_name: r.firstName, last_name: r.lastName })),
    );
    return {
      pattern: inferred
        ? { pattern: inferred.pattern, confidence: inferred.confidence, source: 'inferred' }
        : null,
      search,
    };
  }

  /**
   * Learns from a find: each deliverable personal address (not of a catch-all domain) confirms
   * the pattern it follows. Returns the domain's pattern afterwards.
   */
  async learn(
    tenantId: string | null,
    domain: string,
    kept: FoundAddress[],
  ): Promise<PatternInfo | null> {
    for (const k of kept) {
      if (k.generic || k.status !== 'deliverable' || k.verification.catch_all) continue;
      const p = patternOf(k);
      if (!p) continue;
      await this.repo.observePattern(tenantId, domain, p, {
        source: 'verified',
        confidence: PATTERN_START.verified,
        delta: PATTERN_STEP.verified,
        confirmed: true,
      });
    }
    const stored = await this.repo.pattern(tenantId, domain);
    return stored
      ? { pattern: stored.pattern, confidence: stored.confidence, source: 'stored' }
      : null;
  }
}

/** The pattern an address was made with, or the one its person's name fits. */
export function patternOf(a: {
  email: string;
  pattern?: string | null;
  first_name?: string | null;
  last_name?: string | null;
}): string | null {
  if (a.pattern) return a.pattern;
  return (
    inferPattern([{ email: a.email, first_name: a.first_name, last_name: a.last_name }])?.pattern ??
    null
  );
}
