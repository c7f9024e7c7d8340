import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsNumber, IsString } from 'class-validator';
import { BoolSetting, IntSetting, ListSetting } from './config-decorators';
import { toNumberList } from './config-transforms';
import { ProvidersConfig } from './providers.config';

/** AppConfig, section 6: callbacks (docs/callbacks.md). */
export class CallbacksConfig extends ProvidersConfig {
  /** Callback target of tasks that give no callback_url of their own (empty = none). */
  @IsString()
  CALLBACK_URL = '';

  /**
   * Standard Webhooks signing secret, `whsec_<base64 of 24–64 random bytes>`. Without it tasks
   * with a callback_url are refused (400) and CALLBACK_URL may not be set. Never logged.
   */
  @IsString()
  CALLBACK_SIGNING_SECRET = '';

  /**
   * Callback hosts allowed although not public: host names (`hooks.internal`,
   * `*.svc.cluster.local`), IP addresses and CIDR blocks (`127.0.0.1`, `10.0.0.0/8`).
   */
  @ListSetting()
  CALLBACK_ALLOWED_HOSTS: string[] = [];

  /**
   * Seconds to wait before each attempt of a delivery, the first included (decimals allowed);
   * its length is the number of attempts. Default: Svix's schedule, 8 attempts over ~27.6 h.
   */
  @Transform(toNumberList)
  // toNumberList turns only non-negative decimals into numbers: anything else fails here.
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    {
      each: true,
      message: 'CALLBACK_RETRY_SCHEDULE must be comma-separated seconds >= 0, e.g. 0,5,300,1800',
    },
  )
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  CALLBACK_RETRY_SCHEDULE: number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

  /** A POST without a complete answer within this time is a failed attempt. */
  @IntSetting(100)
  CALLBACK_TIMEOUT_MS = 15000;

  /** Items per page when a result's lists are split into several callbacks (seed: 20). */
  @IntSetting(1, 10000)
  CALLBACK_PAGE_SIZE = 20;

  /** Callback deliveries one worker process sends at once. */
  @IntSetting(1, 500)
  CALLBACK_CONCURRENCY = 10;

  /**
   * Progress callbacks of task types that had them in the seed (account_enhancement, …): on by
   * default, at the seed's stages and percentages; a task's `callback_progress: false` turns them
   * off for that task, this for every task.
   */
  @BoolSetting()
  CALLBACK_PROGRESS = true;

  /** Send `raw_data` (what each source returned) in completed callbacks; a task's `callback_raw_data: false` overrides. */
  @BoolSetting()
  CALLBACK_RAW_DATA = true;

  /**
   * Credentials on every callback besides the Standard Webhooks signature: none; bearer (the
   * static CALLBACK_BEARER_TOKEN); google_id_token (a Google-signed ID token for the receiver's
   * audience, minted from CALLBACK_ID_TOKEN_KEY_FILE or, without one, Application Default
   * Credentials: GOOGLE_APPLICATION_CREDENTIALS or the metadata server).
   */
  @IsIn(['none', 'bearer', 'google_id_token'])
  CALLBACK_AUTH: 'none' | 'bearer' | 'google_id_token' = 'none';

  /** The static token sent as `Authorization: Bearer …` with CALLBACK_AUTH=bearer. Never logged. */
  @IsString()
  CALLBACK_BEARER_TOKEN = '';

  /** Audience of minted ID tokens (default: the callback URL's origin, as the seed used DJANGO_BASE_URL). */
  @IsString()
  CALLBACK_ID_TOKEN_AUDIENCE = '';

  /** Service-account key file (JSON) that mints the ID tokens (default: Application Default Credentials). */
  @IsString()
  CALLBACK_ID_TOKEN_KEY_FILE = '';

  /** A cached ID token is replaced this many seconds before it expires. */
  @IntSetting(0, 3000)
  CALLBACK_ID_TOKEN_REFRESH_SECONDS = 300;

  /** Callbacks sweep: pending deliveries that are due and have no job (e.g. after a crash) are queued. */
  @IntSetting(1000)
  SWEEP_CALLBACKS_INTERVAL_MS = 2000;
}
