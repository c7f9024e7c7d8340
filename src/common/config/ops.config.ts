import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, Matches, Min } from 'class-validator';
import { toBool, toInt } from './config-transforms';
import { AuthConfig } from './auth.config';

/** AppConfig, section 3: logging, HTTP body limit, docs/metrics/dashboard switches, shutdown. */
export class OpsConfig extends AuthConfig {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * `json`: one JSON object per line (for collectors). `pretty`: coloured, human-readable lines.
   * `auto` (default): pretty when standard output is a terminal, JSON otherwise.
   */
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT = 'auto';

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'HTTP_BODY_LIMIT must look like 1mb, 512kb or 1000b' })
  HTTP_BODY_LIMIT = '1mb';

  @Transform(toBool)
  @IsBoolean()
  DOCS_ENABLED = true;

  @Transform(toBool)
  @IsBoolean()
  METRICS_ENABLED = true;

  @Transform(toBool)
  @IsBoolean()
  QUEUE_DASHBOARD_ENABLED = true;

  /** Require the API key on /health, /health/ready and /metrics too. */
  @Transform(toBool)
  @IsBoolean()
  OPS_REQUIRE_API_KEY = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 25000;
}
