import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IntSetting } from './config-decorators';
import { EmailsConfig } from './emails.config';

/** AppConfig, section 10: AI custom columns (docs/columns.md). */
export class ColumnsConfig extends EmailsConfig {
  /** The model of a column whose ai_config names none (else the first LLM provider's own model). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  COLUMNS_DEFAULT_MODEL?: string = undefined;

  /**
   * How long a stored value answers a run of the same definition, entity context and model, in
   * hours (0: never reuse).
   */
  @IntSetting(0)
  COLUMNS_CACHE_TTL_HOURS = 720;
}
