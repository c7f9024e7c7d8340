import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';

const DEFAULT_TTL_HOURS = 720;

/**
 * The module's two settings. AppConfig's section classes belong to the platform; like the
 * providers' `<ID>_*` variables, these are read from its validated raw environment, checked once
 * when the module starts (a bad value stops the boot with the fix).
 *
 * - `COLUMNS_DEFAULT_MODEL`: the model of a column whose ai_config names none (else the first
 *   configured LLM provider's own model);
 * - `COLUMNS_CACHE_TTL_HOURS`: how long a stored value answers a run of the same definition,
 *   entity context and model (default 720 = 30 days; 0 = never reuse).
 */
@Injectable()
export class ColumnsSettings {
  readonly defaultModel: string | undefined;
  readonly cacheTtlHours: number;

  constructor(config: AppConfig) {
    const env = config.rawEnv;
    this.defaultModel = env.COLUMNS_DEFAULT_MODEL?.trim() || undefined;
    const ttl = env.COLUMNS_CACHE_TTL_HOURS?.trim();
    this.cacheTtlHours = ttl ? Number(ttl) : DEFAULT_TTL_HOURS;
    if (!Number.isFinite(this.cacheTtlHours) || this.cacheTtlHours < 0) {
      throw new Error(
        `COLUMNS_CACHE_TTL_HOURS must be a number of hours ≥ 0 (got ${JSON.stringify(ttl)}), e.g. 720`,
      );
    }
  }

  /** Stored values generated since this time may answer a run. */
  cacheSince(now = new Date()): Date {
    return new Date(now.getTime() - this.cacheTtlHours * 3600_000);
  }
}
