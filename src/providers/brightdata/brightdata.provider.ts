import { setTimeout as delay } from 'node:timers/promises';
import type { CompanyLookupInput, CompanyProfile } from '../company/company.types';
import { lookupLinkedinCompanyUrl } from '../company/company-input';
import {
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import type { ProviderSettings } from '../core/provider-settings';
import { challengePage, parseVendorJson, vendorFetch, VendorResponse } from '../http/vendor-fetch';
import { lookupLinkedinProfileUrl } from '../person/person-input';
import type { PersonLookupInput, PersonProfile } from '../person/person.types';
import { mapPersonSnapshot } from './brightdata-person.mapper';
import {
  failedSnapshot,
  mapBrightDataError,
  mapSnapshot,
  ProgressResponse,
  progressState,
  TriggerResponse,
} from './brightdata.mapper';

/** LinkedIn "Company information" dataset (VENDORS.md §6); BRIGHTDATA_DATASET_ID overrides it. */
export const LINKEDIN_COMPANY_DATASET_ID = 'gd_l1vikfnt1wgvvqz95w';
/** LinkedIn "People profiles" dataset (VENDORS.md §6); BRIGHTDATA_PEOPLE_DATASET_ID overrides it. */
export const LINKEDIN_PEOPLE_DATASET_ID = 'gd_l1viktl72bvl7bjuj0';
/** Pay-as-you-go price of the LinkedIn scrapers: $1.50 per 1,000 records. */
export const BRIGHTDATA_USD_PER_RECORD = 0.0015;
const DEFAULT_POLL_MS = 5_000;
const DEFAULT_MAX_POLLS = 120;
/**
 * A trigger 429 without Retry-After blocks the provider for BRIGHTDATA_BLOCK_PAUSE_SECONDS (seed
 * 004); with that set to 0 it waits this long (25 429s in 5 min block the IP).
 */
const DEFAULT_429_WAIT_MS = 15_000;

export const BRIGHTDATA_METADATA: ProviderMetadata = {
  id: 'brightdata',
  capabilities: ['company.linkedin', 'person.linkedin'],
  description:
    'Bright Data datasets v3, LinkedIn company information and people profiles (trigger → progress → snapshot download)',
  baseUrl: 'https://api.brightdata.com',
  // No published request rate; ≤ 5,000 running snapshots per dataset, and 25 HTTP 429s from one IP
  // within 5 minutes block it, so triggers are spaced conservatively.
  rateLimits: { perMinute: 60 },
  // Vendor data: 30 days (the seed's TTL).
  cacheTtlSeconds: 30 * 24 * 3600,
  // Billed per successful record; failed inputs and dead pages are free.
  cost: { perResultUsd: BRIGHTDATA_USD_PER_RECORD, maxResultsPerCall: 1 },
  // One call covers the whole collection: trigger, polling and download.
  timeoutMs: 600_000,
  // LinkedIn data: a CAPTCHA page or a 429 without Retry-After pauses it (seed 004).
  pauseWhenBlocked: true,
};

export interface PollOptions {
  intervalMs: number;
  maxPolls: number;
}

/** BRIGHTDATA_POLL_MS (≥ 0) and BRIGHTDATA_MAX_POLLS (≥ 1); validated at boot by configure(). */
export function pollOptions(settings: ProviderSettings): PollOptions {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = settings.extra[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`BRIGHTDATA_${name} must be an integer ≥ ${min} (got "${raw}")`);
    }
    return n;
  };
  return {
    intervalMs: read('POLL_MS', DEFAULT_POLL_MS, 0),
    maxPolls: read('MAX_POLLS', DEFAULT_MAX_POLLS, 1),
  };
}

/** What one capability collects: the page, its dataset, and the mapping of the snapshot. */
interface Collection<T> {
  url: string;
  datasetId: string;
  map: (snapshot: unknown) => ProviderResult<T>;
}

/**
 * Bright Data `company.linkedin` and `person.linkedin`: triggers a collection of one LinkedIn
 * company page or profile (each in its own dataset), polls its progress at once and then every
 * BRIGHTDATA_POLL_MS (at most BRIGHTDATA_MAX_POLLS requests, and within the call's timeout), then
 * downloads the snapshot. Waiting here is the vendor's protocol, not a retry: a snapshot already
 * triggered is paid work, so a 202 (not ready) or 429 while polling is waited out instead of
 * failing the call and triggering a second collection. When the call is aborted (timeout, task
 * cancel, shutdown) or the poll bound is reached, the snapshot is cancelled. An anti-bot page
 * instead of JSON, at any step, is BLOCKED.
 */
@Provider(BRIGHTDATA_METADATA)
export class BrightDataProvider extends EnrichmentProvider {
  override configure(settings: ProviderSettings): void {
    pollOptions(settings);
  }

  override async call(
    request: ProviderRequest,
    ctx: ProviderCallContext,
  ): Promise<ProviderResult<CompanyProfile | PersonProfile>> {
    const c = this.collection(request, ctx.settings);
    const poll = pollOptions(ctx.settings);
    const snapshotId = await this.trigger(c.url, c.datasetId, ctx);
    try {
      return await this.collect(snapshotId, poll, ctx, c.map);
    } catch (err) {
      if (ctx.signal.aborted) this.cancel(snapshotId, ctx.settings);
      throw err;
    }
  }

  private collection(
    request: ProviderRequest,
    settings: ProviderSettings,
  ): Collection<CompanyProfile | PersonProfile> {
    const dataset = (name: string, fallback: string) => settings.extra[name]?.trim() || fallback;
    if (request.capability === 'company.linkedin') {
      const url = lookupLinkedinCompanyUrl(request.input as CompanyLookupInput, 'brightdata');
      const datasetId = dataset('DATASET_ID', LINKEDIN_COMPANY_DATASET_ID);
      return { url, datasetId, map: (body) => mapSnapshot(body, url) };
    }
    if (request.capability === 'person.linkedin') {
      const url = lookupLinkedinProfileUrl(request.input as PersonLookupInput, 'brightdata');
      const datasetId = dataset('PEOPLE_DATASET_ID', LINKEDIN_PEOPLE_DATASET_ID);
      return { url, datasetId, map: (body) => mapPersonSnapshot(body, url) };
    }
    throw new ProviderError('BAD_INPUT', `brightdata does not serve ${request.capability}`, {
      retryable: false,
    });
  }

  private async trigger(url: string, datasetId: string, ctx: ProviderCallContext): Promise<string> {
    const res = await vendorFetch(
      'Bright Data',
      `${ctx.settings.baseUrl}/datasets/v3/trigger?dataset_id=${encodeURIComponent(datasetId)}` +
        '&format=json&include_errors=true',
      {
        method: 'POST',
        headers: { ...this.auth(ctx.settings), 'content-type': 'application/json' },
        body: JSON.stringify([{ url }]),
        signal: ctx.signal,
      },
    );
    const wall = challengePage('Bright Data', res);
    if (wall) throw wall;
    if (res.status === 429) throw this.rateLimited(res, ctx.settings);
    if (res.status < 200 || res.status >= 300) {
      throw mapBrightDataError(res.status, res.headers, res.text, 'trigger');
    }
    const body = parseVendorJson<TriggerResponse>('Bright Data', res.text);
    if (typeof body?.snapshot_id !== 'string' || !body.snapshot_id) {
      throw new ProviderError('TEMPORARY', 'Bright Data trigger answered without a snapshot_id');
    }
    return body.snapshot_id;
  }

  /** progress (until ready) → download (until it is not 202), within the poll bound. */
  private async collect<T>(
    id: string,
    poll: PollOptions,
    ctx: ProviderCallContext,
    map: (snapshot: unknown) => ProviderResult<T>,
  ): Promise<ProviderResult<T>> {
    const base = `${ctx.settings.baseUrl}/datasets/v3`;
    const snapshot = encodeURIComponent(id);
    let ready = false;
    // The first progress check goes out at once; later ones BRIGHTDATA_POLL_MS apart.
    let wait = 0;
    for (let polls = 0; polls < poll.maxPolls; polls++) {
      if (wait > 0) await this.pause(wait, ctx.signal);
      wait = poll.intervalMs;
      if (!ready) {
        const res = await this.get(`${base}/progress/${snapshot}`, ctx);
        if (res.status === 429) {
          wait = this.waitAfter429(res, poll);
          continue;
        }
        if (res.status < 200 || res.status >= 300) {
          throw mapBrightDataError(res.status, res.headers, res.text, 'progress');
        }
        const progress = parseVendorJson<ProgressResponse>('Bright Data', res.text);
        const state = progressState(progress);
        if (state === 'failed') return failedSnapshot(progress, id);
        if (state === 'running') continue;
        ready = true;
      }
      const res = await this.get(`${base}/snapshot/${snapshot}?format=json`, ctx);
      if (res.status === 202) {
        // Not ready after all (still building): its body may say it failed meanwhile.
        const body = safeJson<ProgressResponse>(res.text);
        if (body && progressState(body) === 'failed') return failedSnapshot(body, id);
        continue;
      }
      if (res.status === 429) {
        wait = this.waitAfter429(res, poll);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        throw mapBrightDataError(res.status, res.headers, res.text, 'download');
      }
      return map(parseVendorJson<unknown>('Bright Data', res.text));
    }
    this.cancel(id, ctx.settings);
    throw new ProviderError(
      'TEMPORARY',
      `Bright Data snapshot ${id} was not ready after ${poll.maxPolls} polls ` +
        `${poll.intervalMs} ms apart; it was cancelled (raise BRIGHTDATA_MAX_POLLS or BRIGHTDATA_POLL_MS)`,
    );
  }

  /** A progress or download request; an anti-bot page instead of JSON is BLOCKED. */
  private async get(url: string, ctx: ProviderCallContext): Promise<VendorResponse> {
    const res = await vendorFetch('Bright Data', url, {
      method: 'GET',
      headers: { ...this.auth(ctx.settings), accept: 'application/json' },
      signal: ctx.signal,
    });
    const wall = challengePage('Bright Data', res);
    if (wall) throw wall;
    return res;
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await delay(ms, undefined, { signal });
    } catch (err) {
      throw new ProviderError('TEMPORARY', 'Bright Data call was aborted while polling', {
        cause: err,
      });
    }
  }

  /** A trigger 429: its Retry-After, or none (the platform's block pause), or 15 s without one. */
  private rateLimited(res: VendorResponse, settings: ProviderSettings): ProviderError {
    const e = mapBrightDataError(res.status, res.headers, res.text, 'trigger');
    return new ProviderError('RATE_LIMITED', e.message, {
      status: res.status,
      retryAfterMs:
        e.retryAfterMs ?? (settings.blockPauseSeconds > 0 ? undefined : DEFAULT_429_WAIT_MS),
    });
  }

  private waitAfter429(res: VendorResponse, poll: PollOptions): number {
    return parseRetryAfter(res.headers.get('retry-after')) ?? poll.intervalMs * 2;
  }

  /** Best effort, not awaited: the call has already failed; the vendor stops working (and billing). */
  private cancel(id: string, settings: ProviderSettings): void {
    fetch(`${settings.baseUrl}/datasets/v3/snapshot/${encodeURIComponent(id)}/cancel`, {
      method: 'POST',
      headers: this.auth(settings),
      signal: AbortSignal.timeout(10_000),
    })
      .then((r) => r.text())
      .catch(() => undefined);
  }

  private auth(settings: ProviderSettings): Record<string, string> {
    return { authorization: `Bearer ${settings.apiKey ?? ''}` };
  }

  override selfTestRequest(): ProviderRequest {
    return {
      capability: 'company.linkedin',
      input: { linkedin_url: 'https://www.linkedin.com/company/bright-data' },
    };
  }
}

function safeJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
