import { Transform } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { toInt, toNumber } from './config-transforms';
import { LeadsConfig } from './leads.config';

/**
 * AppConfig, section 9: email finding (SEED-CONTRACTS part C's thresholds; a request's own
 * `max_emails` / `min_score` override the first two).
 */
export class EmailsConfig extends LeadsConfig {
  /** Useful addresses wanted per find before more are searched (the seed: 3). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  EMAILS_MAX_EMAILS = 3;

  /** Least verification score an address is kept with (the seed: 65). */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  EMAILS_MIN_SCORE = 65;

  /** A deliverable address with at least this score is `primary` (the seed: 90). */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  EMAILS_PRIMARY_SCORE = 90;

  /** A personal address from a domain search is verified above this confidence (the seed: 70). */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  EMAILS_MIN_FIND_CONFIDENCE = 70;

  /** Generic inboxes (info@, sales@) kept at most, and only as a fallback (the seed: 3). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  EMAILS_MAX_GENERIC = 3;

  /** People whose address permutations a domain find tries when too few addresses were found. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  EMAILS_MAX_PEOPLE = 10;

  /**
   * Email jobs sweep: running jobs unchanged for 10 minutes are reset to pending and started
   * again; jobs whose tasks have all ended get their outcome and release their leads.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SWEEP_EMAIL_JOBS_INTERVAL_MS = 30000;
}
