import { DynamicModule } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { AppConfig, loadConfig } from '../../src/common/config/app.config';
import { ensureDatabase } from '../../src/common/startup/dependencies';
import { createApp } from '../../src/bootstrap';
import { runMigrations } from '../../src/database/migrate';
import { API_KEY, REDIS_URL } from './env';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  close(): Promise<void>;
}

/** Environment for an Assay instance of this test run (own Redis prefix unless given). */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const dbUrl = process.env.ASSAY_TEST_DATABASE_URL;
  const prefix = process.env.ASSAY_TEST_REDIS_PREFIX;
  if (!dbUrl || !prefix)
    throw new Error('run the tests through jest (global-setup creates the database)');
  return {
    NODE_ENV: 'test',
    DATABASE_URL: dbUrl,
    REDIS_URL,
    REDIS_PREFIX: `${prefix}-${randomBytes(3).toString('hex')}`,
    ASSAY_API_KEYS: API_KEY,
    LOG_LEVEL: 'warn',
    SWEEPS_ENABLED: 'false',
    TASK_BACKOFF_BASE_MS: '100',
    SHUTDOWN_GRACE_MS: '5000',
    QUEUE_DASHBOARD_ENABLED: 'true',
    ...(process.env.ASSAY_TEST_AUDIO_DIR
      ? { INTERACTIONS_AUDIO_DIR: process.env.ASSAY_TEST_AUDIO_DIR }
      : {}),
    ...overrides,
  };
}

/** Boots the real application (real Postgres and Redis) on a free port. */
export async function startTestApp(
  overrides: Record<string, string> = {},
  extraModules: DynamicModule['imports'] = [],
): Promise<TestApp> {
  const config = loadConfig(testEnv(overrides));
  await ensureDatabase(config);
  await runMigrations(config);
  const app = await createApp(config, extraModules);
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as { port: number };
  return {
    app,
    config,
    url: `http://127.0.0.1:${addr.port}`,
    close: () => app.close(),
  };
}

/** The app of a describe block (see useTestApp); `t` is there from its beforeAll on. */
export interface AppOfSuite {
  readonly t: TestApp;
  /** supertest on the app's HTTP server. */
  http(): request.Agent;
}

/**
 * For a describe block: boots the app in beforeAll (with `env`, or what `env()` returns then, once
 * the block's other beforeAll hooks registered before this call have run) and closes it in
 * afterAll.
 */
export function useTestApp(
  env: Record<string, string> | (() => Record<string, string>) = {},
  extraModules: DynamicModule['imports'] = [],
): AppOfSuite {
  let booted: TestApp | undefined;
  beforeAll(async () => {
    booted = await startTestApp(typeof env === 'function' ? env() : env, extraModules);
  });
  afterAll(async () => {
    await booted?.close();
  });
  const suite: AppOfSuite = {
    get t() {
      if (!booted) throw new Error('the test app is not started (use it in a test or a hook)');
      return booted;
    },
    http: () => request(suite.t.app.getHttpServer()),
  };
  return suite;
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). Not a sleep: it re-checks state. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 60000,
  everyMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const authHeaders = { 'x-api-key': API_KEY };
