import { setTimeout as delay } from 'node:timers/promises';
import { pricesFor } from '../core/cost';
import {
  CostModel,
  EnrichmentProvider,
  ProviderCallContext,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import type {
  EmailDomainSearchInput,
  EmailFindInput,
  EmailVerification,
  EmailVerifyInput,
  EmailVerifyResult,
} from '../email/email.types';
import { parseVendorJson, vendorFetch, VendorResponse } from '../http/vendor-fetch';
import { HunterEndpoint, mapHunterError } from './hunter-errors';
import {
  HUNTER_METADATA,
  HUNTER_OPERATIONS,
  HUNTER_VERIFY_PRICE_KEY,
  HunterPollOptions,
  hunterPollOptions,
} from './hunter.metadata';
import {
  domainSearchLimit,
  domainSearchQuery,
  finderQuery,
  HUNTER_MAX_VERIFY_EMAILS,
  verifyEmails,
} from './hunter-requests';
import {
  HUNTER_EMAILS_PER_SEARCH_CREDIT,
  HunterAccountResponse,
  HunterDomainSearchResponse,
  HunterFinderResponse,
  mapAccount,
  mapDomainSearch,
  mapFinder,
} from './hunter.mapper';
import {
  HunterVerifierResponse,
  isChargedStatus,
  mapVerification,
  normalizeEmail,
  unverified,
} from './hunter-verify.mapper';

const bad = (message: string) => new ProviderError('BAD_INPUT', message, { retryable: false });
const round = (usd: number) => Math.round(usd * 1e8) / 1e8;
const searchPrice = (cost: CostModel) => pricesFor(cost).perResultUsd ?? 0;
const verifyPrice = (cost: CostModel) => pricesFor(cost, HUNTER_VERIFY_PRICE_KEY).perResultUsd ?? 0;

const FINDER: HunterEndpoint = { path: 'email-finder', limitVars: 'HUNTER_' };
const DOMAIN_SEARCH: HunterEndpoint = {
  path: 'domain-search',
  limitVars: 'HUNTER_DOMAIN_SEARCH_',
};
const VERIFIER: HunterEndpoint = { path: 'email-verifier', limitVars: 'HUNTER_EMAIL_VERIFY_' };
const ACCOUNT: HunterEndpoint = { path: 'account', limitVars: 'HUNTER_' };

/**
 * Hunter.io: `email.find` (email-finder by name at a domain or company; operation `domain-search`:
 * a domain's emails with confidence, type, sources and the domain's pattern), `email.verify`
 * (email-verifier per address, positional, Hunter's statuses mapped to ours) and operation
 * `account` (quota). The key travels in the `X-API-KEY` header, never in a URL.
 *
 * Verifier codes (VENDORS.md §2): 202 "in progress" is asked again every HUNTER_VERIFY_POLL_MS,
 * at most HUNTER_VERIFY_MAX_POLLS times (counted once by Hunter); still 202 after that, the call
 * fails TEMPORARY and the platform asks again later. 222 (the remote SMTP server failed) and 451
 * (restricted for legal reasons) are that address's verdict: `unknown` with reason `smtp_error` /
 * `restricted`, not charged; the other addresses keep theirs.
 */
@Provider(HUNTER_METADATA)
export class HunterProvider extends EnrichmentProvider {
  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    const op = request.operation ?? request.capability;
    const O = HUNTER_OPERATIONS;
    const cost = ctx.settings.cost;
    switch (`${request.capability} ${op}`) {
      case `email.find ${O.EMAIL_FINDER}`: {
        const query = finderQuery(request.input as EmailFindInput);
        const body = await this.get<HunterFinderResponse>(ctx, FINDER, query);
        return priced(mapFinder(body), cost);
      }
      case `email.find ${O.DOMAIN_SEARCH}`: {
        const query = domainSearchQuery(request.input as EmailDomainSearchInput);
        const body = await this.get<HunterDomainSearchResponse>(ctx, DOMAIN_SEARCH, query);
        const asked = new URLSearchParams(query).get('domain') ?? undefined;
        return priced(mapDomainSearch(body, asked), cost);
      }
      case `email.verify ${O.EMAIL_VERIFIER}`:
        return this.verify(verifyEmails(request.input as EmailVerifyInput), ctx);
      case `email.verify ${O.ACCOUNT}`:
      case `email.find ${O.ACCOUNT}`:
        // Free, whatever the prices.
        return {
          ...mapAccount(await this.get<HunterAccountResponse>(ctx, ACCOUNT, '')),
          costUsd: 0,
        };
      default:
        throw bad(
          HUNTER_METADATA.capabilities.includes(request.capability)
            ? `hunter ${request.capability} has no operation "${op}"`
            : `hunter does not serve ${request.capability}`,
        );
    }
  }

  /**
   * Worst case of one call: one search credit for the email-finder; a credit per 10 emails of the
   * page asked (limit) for a domain search; one verification per address; nothing for `account`.
   */
  override estimateMaxCostUsd(request: ProviderRequest, cost: CostModel): number {
    const op = request.operation ?? request.capability;
    const perCall = cost.perCallUsd ?? 0;
    if (op === HUNTER_OPERATIONS.ACCOUNT) return 0;
    if (request.capability === 'email.verify') {
      const emails = (request.input as EmailVerifyInput | undefined)?.emails;
      const n = Array.isArray(emails) ? emails.length : HUNTER_MAX_VERIFY_EMAILS;
      return round(perCall + Math.min(n, HUNTER_MAX_VERIFY_EMAILS) * verifyPrice(cost));
    }
    if (op === HUNTER_OPERATIONS.DOMAIN_SEARCH) {
      let limit: number;
      try {
        limit = domainSearchLimit(request.input as EmailFindInput);
      } catch {
        limit = HUNTER_EMAILS_PER_SEARCH_CREDIT;
      }
      return round(
        perCall + Math.ceil(limit / HUNTER_EMAILS_PER_SEARCH_CREDIT) * searchPrice(cost),
      );
    }
    return round(perCall + searchPrice(cost));
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'email.verify', operation: HUNTER_OPERATIONS.ACCOUNT, input: {} };
  }

  /** Every address in turn (positional); one that does not parse is answered without a request. */
  private async verify(
    emails: string[],
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<EmailVerifyResult>> {
    const poll = hunterPollOptions(ctx.settings.extra);
    const results: EmailVerification[] = [];
    let charged = 0;
    for (const email of emails) {
      if (normalizeEmail(email) === null) {
        results.push({ ...unverified(email, ['invalid_syntax']), status: 'undeliverable' });
        continue;
      }
      const { verdict, charged: paid } = await this.verifyOne(email, poll, ctx);
      results.push(verdict);
      if (paid) charged++;
    }
    return {
      found: results.some((r) => r.status !== 'unknown'),
      data: { results },
      usage: { results: charged },
      costUsd: round(
        (ctx.settings.cost.perCallUsd ?? 0) + charged * verifyPrice(ctx.settings.cost),
      ),
    };
  }

  private async verifyOne(
    email: string,
    poll: HunterPollOptions,
    ctx: ProviderCallContext,
  ): Promise<{ verdict: EmailVerification; charged: boolean }> {
    const query = new URLSearchParams({ email: email.trim() }).toString();
    for (let asked = 1; ; asked++) {
      const res = await this.fetch(ctx, VERIFIER, query);
      if (res.status === 200) {
        const body = parseVendorJson<HunterVerifierResponse>('Hunter', res.text);
        return {
          verdict: mapVerification(email, body),
          charged: isChargedStatus(body?.data?.status),
        };
      }
      if (res.status === 222) return { verdict: unverified(email, ['smtp_error']), charged: false };
      if (res.status === 451) return { verdict: unverified(email, ['restricted']), charged: false };
      if (res.status !== 202) throw mapHunterError(res.status, res.headers, res.text, VERIFIER);
      if (asked >= poll.maxPolls) {
        throw new ProviderError(
          'TEMPORARY',
          `Hunter was still verifying an address after ${poll.maxPolls} requests ` +
            `${poll.intervalMs} ms apart (202); asked again later (HUNTER_VERIFY_MAX_POLLS, HUNTER_VERIFY_POLL_MS)`,
          { status: 202 },
        );
      }
      await this.pause(poll.intervalMs, ctx.signal);
    }
  }

  /** One GET with the key in `X-API-KEY`; any status other than 200 leaves as a ProviderError. */
  private async get<T>(ctx: ProviderCallContext, endpoint: HunterEndpoint, query: string) {
    const res = await this.fetch(ctx, endpoint, query);
    if (res.status !== 200) throw mapHunterError(res.status, res.headers, res.text, endpoint);
    return parseVendorJson<T>('Hunter', res.text);
  }

  private fetch(
    ctx: ProviderCallContext,
    endpoint: HunterEndpoint,
    query: string,
  ): Promise<VendorResponse> {
    const url = `${ctx.settings.baseUrl}/${endpoint.path}${query ? `?${query}` : ''}`;
    return vendorFetch('Hunter', url, {
      method: 'GET',
      headers: { 'x-api-key': ctx.settings.apiKey ?? '', accept: 'application/json' },
      signal: ctx.signal,
    });
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await delay(ms, undefined, { signal });
    } catch (err) {
      throw new ProviderError('TEMPORARY', 'Hunter call was aborted while polling', {
        cause: err,
      });
    }
  }
}

/** A search answer priced by the search credits it used (`usage.results`). */
function priced<T>(result: ProviderResult<T>, cost: CostModel): ProviderResult<T> {
  const credits = result.usage?.results ?? 0;
  return { ...result, costUsd: round((cost.perCallUsd ?? 0) + credits * searchPrice(cost)) };
}
