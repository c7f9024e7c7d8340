import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';
import { outboundResolver } from '../../common/net/dns-resolver';
import {
  AddressResolver,
  OutboundRequestError,
  safePost,
  SafeResponse,
} from '../../common/net/safe-http.client';
import { MetricsService } from '../../common/metrics/metrics.service';
import { CallbackCredentials, CallbackCredentialsError } from './callback-credentials';
import { CallbackDeliveryEntity, DeliveryStatus } from './callback-delivery.entity';
import { CallbackQueue } from './callback-queue';
import { CallbackSettings } from './callback-settings';
import { CallbacksRepository } from './callbacks.repository';

export const CALLBACK_USER_AGENT = 'Assay-Callbacks/1.0 (Standard Webhooks; +docs/callbacks.md)';

const OPEN: DeliveryStatus[] = ['pending', 'failed'];
/** A Retry-After longer than this is not believed. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;
/** Up to this much is added to each scheduled delay, so that retries of many deliveries spread. */
const JITTER = 0.1;

type Outcome = 'delivered' | 'failed' | 'dead' | 'disabled';

/**
 * Delay before attempt `n + 1` after `n` attempts of a round failed, or null when the schedule
 * is used up. `retryAfterMs` (a 429/503's Retry-After) is a floor.
 */
export function nextDelayMs(
  attemptsDone: number,
  scheduleSeconds: readonly number[],
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number | null {
  if (attemptsDone >= scheduleSeconds.length) return null;
  const base = scheduleSeconds[attemptsDone] * 1000;
  const delay = Math.round(base * (1 + JITTER * random()));
  return Math.max(delay, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(
  value: string | string[] | undefined,
  now = Date.now(),
): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Sends one delivery: signs the stored body per Standard Webhooks (the same webhook-id on every
 * attempt, a fresh timestamp), POSTs it through the SSRF-guarded client and records the outcome.
 * Only a 2xx is a success; a 3xx is a failure (never followed); 410 disables the URL; anything
 * else is retried on the schedule, and after the last attempt the delivery is dead.
 */
@Injectable()
export class CallbackDeliveryService {
  private readonly logger = new Logger(CallbackDeliveryService.name);
  /** OUTBOUND_DNS_SERVERS, or the system's resolver; safePost checks every address it returns. */
  private readonly resolve: AddressResolver;

  constructor(
    private readonly settings: CallbackSettings,
    private readonly repo: CallbacksRepository,
    private readonly queue: CallbackQueue,
    private readonly metrics: MetricsService,
    private readonly credentials: CallbackCredentials,
    config: AppConfig,
  ) {
    this.resolve = outboundResolver(config.OUTBOUND_DNS_SERVERS);
  }

  /** Returns when the job should run again (a retry, or early), or null when it is done. */
  async deliver(id: string): Promise<Date | null> {
    const d = await this.repo.findById(id);
    if (!d || !OPEN.includes(d.status)) return null;
    // Pages go in order: a later page is queued when the one before it is delivered. Likewise
    // every callback of one task stream waits for the ones written before it.
    if (!(await this.repo.previousPageDelivered(d))) return null;
    if (await this.repo.earlierOpenInStream(d)) return null;
    // Early (a job that outlived a redelivery, clocks of two hosts): wait. A second of slack
    // keeps a small clock skew between hosts from delaying the first attempt.
    if (d.nextAttemptAt.getTime() > Date.now() + 1000) return d.nextAttemptAt;
    if (await this.repo.isEndpointDisabled(d.url)) {
      await this.repo.markDisabled(d.id, 'not sent: the URL answered 410 Gone earlier');
      this.metrics.callbacks.inc({ outcome: 'disabled' });
      await this.queueNextInStream(d);
      return null;
    }
    return this.attempt(d);
  }

  private async attempt(d: CallbackDeliveryEntity): Promise<Date | null> {
    const started = process.hrtime.bigint();
    const finish = (outcome: Outcome) => {
      this.metrics.callbacks.inc({ outcome });
      this.metrics.callbackDuration.observe(
        { outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    };
    if (!this.settings.signer) {
      await this.repo.markFailed(d.id, {
        statusCode: null,
        error:
          'NO_SECRET: CALLBACK_SIGNING_SECRET is not set on this worker; set it, then redeliver',
        nextAttemptAt: null,
      });
      finish('dead');
      return null;
    }
    let authorization: string | null;
    try {
      authorization = await this.credentials.authorization(d.url);
    } catch (err) {
      // No token is no request: retried like a network error (the token source may recover).
      const known = err instanceof CallbackCredentialsError;
      if (!known) this.logger.error(`callback credentials failed unexpectedly: ${String(err)}`);
      const why = known ? err.message : 'unexpected error (see the worker log)';
      return this.failed(d, null, `CREDENTIALS: ${why}`, null, false, finish);
    }
    // A receiver may echo the request (a debug endpoint's 401): the token is cut from error texts.
    const secret = authorization?.slice('Bearer '.length);
    const scrub = (text: string) => (secret ? text.split(secret).join('[credentials]') : text);
    // The stored body, serialised the same way on every attempt.
    const body = JSON.stringify(d.payload);
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': CALLBACK_USER_AGENT,
      'webhook-id': d.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': this.settings.signer.sign(d.id, now, body),
      ...(authorization ? { authorization } : {}),
    };

    let res: SafeResponse;
    try {
      res = await safePost(d.url, body, headers, {
        timeoutMs: this.settings.timeoutMs,
        allowHosts: this.settings.allowList,
        resolve: this.resolve,
      });
    } catch (err) {
      const e =
        err instanceof OutboundRequestError
          ? err
          : new OutboundRequestError('NETWORK', String(err));
      // A blocked or unusable URL will not get better by waiting.
      const permanent = e.code === 'BLOCKED' || e.code === 'BAD_URL';
      return this.failed(d, null, `${e.code}: ${e.message}`, null, permanent, finish);
    }

    if (res.status >= 200 && res.status < 300) {
      await this.repo.markDelivered(d.id, res.status);
      finish('delivered');
      await this.queueNextPage(d);
      await this.queueNextInStream(d);
      return null;
    }
    if (res.status === 410) {
      await this.repo.disableEndpoint(
        d.url,
        d.id,
        'the receiver answered 410 Gone: no more callbacks go to this URL',
      );
      finish('disabled');
      this.logger.warn(`callback URL answered 410 Gone and is now disabled (delivery ${d.id})`);
      return null;
    }
    const error =
      res.status >= 300 && res.status < 400
        ? `HTTP ${res.status}: redirect${res.headers.location ? ` to ${scrub(String(res.headers.location)).slice(0, 200)}` : ''} not followed (only 2xx counts)`
        : `HTTP ${res.status}${res.body ? `: ${scrub(res.body).slice(0, 300)}` : ''}`;
    const floor =
      res.status === 429 || res.status === 503 ? retryAfterMs(res.headers['retry-after']) : null;
    return this.failed(d, res.status, error, floor, false, finish);
  }

  private async failed(
    d: CallbackDeliveryEntity,
    statusCode: number | null,
    error: string,
    retryAfter: number | null,
    permanent: boolean,
    finish: (o: Outcome) => void,
  ): Promise<Date | null> {
    // A progress callback that failed once a later callback of its stream exists is not worth
    // retrying (the later one says more) and must not hold that one back.
    const superseded = d.event === 'task.progress' && (await this.repo.laterInStream(d));
    if (superseded) error = `${error} (not retried: superseded by a later callback of the task)`;
    const delay =
      permanent || superseded
        ? null
        : nextDelayMs(d.roundAttempts + 1, this.settings.schedule, retryAfter);
    const nextAttemptAt = delay === null ? null : new Date(Date.now() + delay);
    await this.repo.markFailed(d.id, { statusCode, error, nextAttemptAt });
    if (nextAttemptAt) {
      finish('failed');
      return nextAttemptAt;
    }
    finish('dead');
    this.logger.warn(
      `callback ${d.id} (task ${d.taskId}) is dead after ${d.roundAttempts + 1} attempt(s): ${error}`,
    );
    await this.queueNextInStream(d);
    return null;
  }

  /** This delivery has settled: the next one of its task stream may go. */
  private async queueNextInStream(d: CallbackDeliveryEntity): Promise<void> {
    const next = await this.repo.nextOpenInStream(d);
    if (!next) return;
    await this.queue.addOrDefer([next]);
  }

  private async queueNextPage(d: CallbackDeliveryEntity): Promise<void> {
    const next = await this.repo.nextPage(d);
    if (!next || !OPEN.includes(next.status)) return;
    await this.queue.addOrDefer([next.id]);
  }
}
