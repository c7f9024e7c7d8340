import { IsIn, Matches } from 'class-validator';
import { BoolSetting, IntSetting } from './config-decorators';
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

  /**
   * Body limit of the routes that take captured pages (LinkedIn activity HTML:
   * `/api/v1/tasks/create/lead_linkedin_research`, `/api/v1/research/linkedin`).
   */
  @Matches(/^\d+(b|kb|mb)$/i, {
    message: 'HTTP_CAPTURE_BODY_LIMIT must look like 20mb, 512kb or 1000b',
  })
  HTTP_CAPTURE_BODY_LIMIT = '25mb';

  @BoolSetting()
  DOCS_ENABLED = true;

  @BoolSetting()
  METRICS_ENABLED = true;

  @BoolSetting()
  QUEUE_DASHBOARD_ENABLED = true;

  /** Require the API key on /health, /health/ready and /metrics too. */
  @BoolSetting()
  OPS_REQUIRE_API_KEY = false;

  @IntSetting(0)
  SHUTDOWN_GRACE_MS = 25000;

  /**
   * Worker processes (ASSAY_ROLE=worker) only: how far V8 lets the JavaScript heap grow past what
   * survived the last full collection, in percent (V8's `--heap-growing-percent`, set when the
   * process starts). 0 = V8's own heuristic, which on a machine with a lot of memory lets a busy
   * worker's heap double over its first 100,000 tasks before it levels off; 20 keeps it flat, at
   * no cost in throughput (`npm run bench:tasks`, phase d). Not a cap. API and `all` processes
   * keep V8's heuristic: the tighter heap costs an API process CPU on every request, and near its
   * capacity that showed as a create p99 of 1.1–1.7 s instead of 90 ms (phase c, 500 req/s).
   */
  @IntSetting(0, 1000)
  WORKER_HEAP_GROWING_PERCENT = 20;
}
