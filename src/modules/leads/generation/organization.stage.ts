import { Injectable } from '@nestjs/common';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { CompanyProfile, CompanySearchPage } from '../../../providers/company/company.types';
import { mustStop } from './call-errors';

/** What the people search needs to know of the account's organization. */
export interface ResolvedOrganization {
  /** The people provider's organization ids (Apollo), when resolved. */
  organization_ids: string[];
  /** Who resolved it, and how: `enrich` (by domain) or `search` (by name, matched). */
  provider: string | null;
  method: 'enrich' | 'search' | null;
  name: string | null;
  employee_count: number | null;
  annual_revenue_usd: number | null;
  cost_usd: number;
  /** Provider calls that failed (counted in the metrics' api_errors). */
  api_errors: number;
}

/** No organization resolved (yet): the people search goes by domain and name. */
export function unresolvedOrganization(): ResolvedOrganization {
  return {
    organization_ids: [],
    provider: null,
    method: null,
    name: null,
    employee_count: null,
    annual_revenue_usd: null,
    cost_usd: 0,
    api_errors: 0,
  };
}

/** `acme` of `https://www.linkedin.com/company/acme/`; null when it is no company page. */
export function linkedinCompanySlug(url: string | null | undefined): string | null {
  const m = /linkedin\.com\/(?:company|school|showcase)\/([^/?#\s]+)/i.exec(url ?? '');
  return m ? decodeURIComponent(m[1]).toLowerCase() : null;
}

const bare = (d: string | undefined | null) =>
  (d ?? '')
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');

/**
 * Resolves the account's organization at the people provider (SEED-CONTRACTS A2.2 step 1): the
 * `company.profile` enrichment by domain first; else the organization search by name, matched on
 * the LinkedIn company slug or the domain (never on the name alone: many companies share one).
 * Nothing configured, or no match: the people search goes by domain.
 */
@Injectable()
export class OrganizationStage {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  async resolve(
    account: { name: string; domain: string; linkedin_url?: string },
    scope: CallScope,
  ): Promise<ResolvedOrganization> {
    const out = unresolvedOrganization();
    const peopleProviders = new Set(
      this.registry.forCapability('people.search').map((p) => p.meta.id),
    );
    // Only the organization ids of a provider that also searches people are of use.
    const providers = this.registry
      .forCapability('company.profile')
      .filter((p) => peopleProviders.has(p.meta.id));
    for (const p of providers) {
      try {
        const enriched = await this.client.call<CompanyProfile>(
          p.meta.id,
          { capability: 'company.profile', input: { domain: account.domain } },
          scope,
        );
        out.cost_usd += enriched.costUsd;
        if (enriched.found && enriched.data?.vendor_id) {
          return this.found(out, p.meta.id, 'enrich', enriched.data);
        }
        const search = await this.client.call<CompanySearchPage>(
          p.meta.id,
          { capability: 'company.profile', operation: 'search', input: { name: account.name } },
          scope,
        );
        out.cost_usd += search.costUsd;
        const slug = linkedinCompanySlug(account.linkedin_url);
        const match = (search.data?.companies ?? []).find(
          (o) =>
            (slug !== null && linkedinCompanySlug(o.linkedin_url) === slug) ||
            bare(o.domain ?? o.website) === account.domain,
        );
        if (match?.vendor_id) return this.found(out, p.meta.id, 'search', match);
      } catch (err) {
        if (mustStop(err, scope)) throw err;
        out.api_errors += 1;
      }
    }
    return out;
  }

  private found(
    out: ResolvedOrganization,
    provider: string,
    method: 'enrich' | 'search',
    org: CompanyProfile,
  ): ResolvedOrganization {
    return {
      ...out,
      organization_ids: [org.vendor_id!],
      provider,
      method,
      name: org.name ?? null,
      employee_count: org.employee_count ?? null,
      annual_revenue_usd: org.annual_revenue_usd ?? null,
    };
  }
}
