import { Client } from 'pg';
import Redis from 'ioredis';
import { AppConfig, maskUrl } from '../config/app.config';

export class DependencyError extends Error {
  constructor(service: string, url: string, cause: string, fix: string) {
    super(`Cannot reach ${service} at ${maskUrl(url)} (${cause}).\n  How to fix: ${fix}`);
    this.name = 'DependencyError';
  }
}

const PG_FIX =
  'start PostgreSQL (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, ' +
  'or `docker compose up -d postgres`), or point DATABASE_URL at a running server.';
const REDIS_FIX =
  'start Redis (`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`, ' +
  'or `docker compose up -d redis`), or point REDIS_URL at a running server.';

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string }> };
  return e.code ?? e.errors?.[0]?.code ?? e.message ?? String(err);
}

/**
 * Checks PostgreSQL before anything else starts, and creates the database when it is missing and
 * DATABASE_CREATE allows it. Fails within STARTUP_CONNECT_TIMEOUT_MS with a fix-it message.
 */
export async function ensureDatabase(config: AppConfig): Promise<void> {
  const timeout = config.STARTUP_CONNECT_TIMEOUT_MS;
  const client = new Client({
    connectionString: config.DATABASE_URL,
    connectionTimeoutMillis: timeout,
  });
  try {
    await client.connect();
    await client.end();
    return;
  } catch (err) {
    await client.end().catch(() => undefined);
    const code = (err as { code?: string }).code;
    if (code !== '3D000') {
      throw new DependencyError('PostgreSQL', config.DATABASE_URL, describe(err), PG_FIX);
    }
    if (!config.DATABASE_CREATE) {
      throw new DependencyError(
        'PostgreSQL',
        config.DATABASE_URL,
        'database does not exist',
        'create it, or set DATABASE_CREATE=true to let Assay create it',
      );
    }
  }
  const url = new URL(config.DATABASE_URL);
  const dbName = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString(), connectionTimeoutMillis: timeout });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') {
      throw new DependencyError(
        'PostgreSQL',
        config.DATABASE_URL,
        `database "${dbName}" does not exist and could not be created: ${describe(err)}`,
        'create the database yourself or grant the user CREATEDB',
      );
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Pings Redis once with a bounded wait; fails with a fix-it message. */
export async function ensureRedis(config: AppConfig): Promise<void> {
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    connectTimeout: config.STARTUP_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    const policy = (await redis.config('GET', 'maxmemory-policy').catch(() => null)) as
      string[] | null;
    if (policy && policy[1] && policy[1] !== 'noeviction') {
      process.emitWarning(
        `Redis maxmemory-policy is "${policy[1]}"; BullMQ needs "noeviction" to never lose jobs.`,
      );
    }
  } catch (err) {
    throw new DependencyError('Redis', config.REDIS_URL, describe(err), REDIS_FIX);
  } finally {
    redis.disconnect();
  }
}
