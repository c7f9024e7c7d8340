import { Injectable } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { AppConfig } from '../../common/config/app.config';
import { AllowList } from '../../common/net/ssrf-guard';

/** The CALLBACK_* configuration, parsed once (AppConfig validated it at boot). */
@Injectable()
export class CallbackSettings {
  readonly allowList: AllowList;
  /** Null when CALLBACK_SIGNING_SECRET is not set: callbacks are then refused at creation. */
  readonly signer: Webhook | null;
  readonly defaultUrl: string | null;
  /** Seconds before each attempt, the first included. */
  readonly schedule: readonly number[];
  readonly timeoutMs: number;
  readonly pageSize: number;
  readonly concurrency: number;
  /** Progress callbacks of types that send them by default (CALLBACK_PROGRESS). */
  readonly progressDefault: boolean;
  /** raw_data in completed callbacks unless a task says otherwise (CALLBACK_RAW_DATA). */
  readonly rawData: boolean;

  constructor(config: AppConfig) {
    this.allowList = AllowList.parse(config.CALLBACK_ALLOWED_HOSTS);
    this.signer = config.CALLBACK_SIGNING_SECRET
      ? new Webhook(config.CALLBACK_SIGNING_SECRET)
      : null;
    this.defaultUrl = config.CALLBACK_URL || null;
    this.schedule = config.CALLBACK_RETRY_SCHEDULE;
    this.timeoutMs = config.CALLBACK_TIMEOUT_MS;
    this.pageSize = config.CALLBACK_PAGE_SIZE;
    this.concurrency = config.CALLBACK_CONCURRENCY;
    this.progressDefault = config.CALLBACK_PROGRESS;
    this.rawData = config.CALLBACK_RAW_DATA;
  }
}
