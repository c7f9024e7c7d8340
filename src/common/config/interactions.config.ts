import { IsString, MinLength } from 'class-validator';
import { IntSetting } from './config-decorators';
import { ColumnsConfig } from './columns.config';

/** AppConfig, section 11: recorded conversations (docs/interactions.md). */
export class InteractionsConfig extends ColumnsConfig {
  /** Where uploaded audio is kept until the retention sweep deletes it. */
  @IsString()
  @MinLength(1)
  INTERACTIONS_AUDIO_DIR = './data/interactions';

  /** Largest upload, in megabytes; larger ones get 413 and nothing is kept. */
  @IntSetting(1, 2048)
  INTERACTIONS_MAX_UPLOAD_MB = 100;

  /** Shortest and longest recording accepted, in seconds (read from the file's container). */
  @IntSetting(0)
  INTERACTIONS_MIN_SECONDS = 1;

  @IntSetting(1)
  INTERACTIONS_MAX_SECONDS = 7200;

  /** Raw audio is deleted this many hours after the upload (0: as soon as the sweep runs). */
  @IntSetting(0)
  INTERACTIONS_AUDIO_RETENTION_HOURS = 48;

  /** How often the sweep deletes audio past its retention. */
  @IntSetting(1000)
  SWEEP_INTERACTIONS_INTERVAL_MS = 600_000;
}
