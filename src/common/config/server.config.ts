import { IsIn, IsString, Matches } from 'class-validator';
import { BoolSetting, IntSetting } from './config-decorators';

export const ROLES = ['all', 'api', 'worker'] as const;
export type AssayRole = (typeof ROLES)[number];

/** AppConfig, section 1: environment, process role, HTTP listener, PostgreSQL and Redis. */
export class ServerConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** all = API + worker in one process; api = HTTP only; worker = queue workers (+ /health, /metrics). */
  @IsIn(ROLES as unknown as string[])
  ASSAY_ROLE: AssayRole = 'all';

  @IntSetting(0, 65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/assay';

  /** Create the database at boot when it does not exist (needs CREATEDB). */
  @BoolSetting()
  DATABASE_CREATE = true;

  @BoolSetting()
  DATABASE_MIGRATIONS_RUN = true;

  @IntSetting(1, 200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Hot statements (the provider call path's cache read, budget reservation and ledger write) as
   * named prepared statements. false behind PgBouncer in transaction mode before 1.21.
   */
  @BoolSetting()
  DATABASE_PREPARED_STATEMENTS = true;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Key prefix for every BullMQ key, so several deployments (or test runs) share one Redis. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'REDIS_PREFIX may hold letters, digits, _ and - only' })
  REDIS_PREFIX = 'assay';

  /** How long start-up waits for Postgres and Redis before it gives up with a fix-it message. */
  @IntSetting(100)
  STARTUP_CONNECT_TIMEOUT_MS = 5000;
}
