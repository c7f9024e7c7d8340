import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';

/**
 * The module's two settings (AppConfig's ColumnsConfig section, validated at boot):
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
    this.defaultModel = config.COLUMNS_DEFAULT_MODEL?.trim() || undefined;
    this.cacheTtlHours = config.COLUMNS_CACHE_TTL_HOURS;
  }

  /** Stored values generated since this time may answer a run. */
  cacheSince(now = new Date()): Date {
    return new Date(now.getTime() - this.cacheTtlHours * 3600_000);
  }
}
