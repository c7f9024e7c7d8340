import { Transform } from 'class-transformer';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { toInt, toNumber } from './config-transforms';
import { OutboundConfig } from './outbound.config';

/** AppConfig, section 8: lead generation (a payload's own values override these). */
export class LeadsConfig extends OutboundConfig {
  /** Most people one lead generation run considers (the seed: 3,000). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  LEADS_MAX_PEOPLE = 3000;

  /** A lead is qualified (`qualified_leads`) from this final fit score (0–100) on. */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  LEADS_QUALIFIED_MIN_SCORE = 60;

  /** Most leads of one run enriched by person.enrich / person.linkedin (the seed: 20). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  LEADS_MAX_ENRICH = 20;
}
