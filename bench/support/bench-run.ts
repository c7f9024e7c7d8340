/**
 * What one run of a bench owns on the shared PostgreSQL and Redis: a database
 * `assay_bench_<random>`, Redis keys under `assay-bench-<random>`, an API key. All of it is
 * removed at the end (BenchDatabase.drop, deleteRedisKeys).
 */
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig } from '../../src/common/config/app.config';
import { runMigrations } from '../../src/database/migrate';

export interface BenchRun {
  dbName: string;
  /** The bench database on the server of `adminUrl`. */
  dbUrl: string;
  prefix: string;
  apiKey: string;
}

export function benchRun(adminUrl: string): BenchRun {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dbName = `assay_bench_${run}`;
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return {
    dbName,
    dbUrl: u.toString(),
    prefix: `assay-bench-${run}`,
    apiKey: `bench-${randomBytes(16).toString('hex')}`,
  };
}

/** The app's settings in each child process of a run: its database and prefix, quiet logs. */
export function runEnv(run: BenchRun, redisUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: run.dbUrl,
    DATABASE_CREATE: 'false',
    DATABASE_MIGRATIONS_RUN: 'false',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: run.prefix,
    ASSAY_API_KEYS: run.apiKey,
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '3000',
  };
}

/** The run's database: created and migrated by create(), dropped by drop(). */
export class BenchDatabase {
  /** The bench's own connection (polling, counts), open between create() and drop(). */
  client: Client | undefined;
  private created = false;

  constructor(
    private readonly adminUrl: string,
    readonly name: string,
    private readonly url: string,
  ) {}

  /** The open connection; only after create(). */
  get db(): Client {
    if (!this.client) throw new Error('the bench database is not open');
    return this.client;
  }

  async create(config: AppConfig): Promise<Client> {
    const admin = new Client({ connectionString: this.adminUrl, connectionTimeoutMillis: 5000 });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${this.name}"`);
      this.created = true;
    } finally {
      await admin.end();
    }
    // A silent logger: the applied migrations are of no interest here.
    await runMigrations(config, { log: () => undefined } as unknown as Logger);
    this.client = new Client({ connectionString: this.url });
    await this.client.connect();
    return this.client;
  }

  /** Closes the connection and drops the database if create() made it; throws if the drop fails. */
  async drop(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    if (!this.created) return;
    const admin = new Client({ connectionString: this.adminUrl });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

export { deleteRedisKeys } from '../../test/support/net';
