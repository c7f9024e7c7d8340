import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ProviderMetadata } from '../../../src/providers/core/enrichment-provider';
import { authHeaders, startTestApp, TestApp, testEnv, waitFor } from '../../support/test-app';
import { ProbeInput, ProbeTaskModule } from './probe.task';
import { stubProvider, StubProvidersModule } from './stub.provider';

export type Json = Record<string, any>;
export const FINAL = ['succeeded', 'failed', 'cancelled'];

/** A value unique to this run (cache keys and ledger rows never collide across test files). */
export const uniq = (name: string) => `${name}-${randomBytes(4).toString('hex')}.example`;

/**
 * The real application (real Postgres and Redis) with test providers and the provider_probe task
 * type; `metas` become @Provider classes of the stub vendor adapter.
 */
export async function startProviderApp(
  env: Record<string, string>,
  metas: Array<Partial<ProviderMetadata> & { id: string }>,
): Promise<TestApp> {
  return startTestApp(env, [
    StubProvidersModule.with(...metas.map((m) => stubProvider(m))),
    ProbeTaskModule,
  ]);
}

/** Task API and ledger helpers for one app. */
export function api(t: TestApp | string, ds?: DataSource) {
  const target = typeof t === 'string' ? t : t.app.getHttpServer();
  const db = ds ?? (typeof t === 'string' ? undefined : t.app.get(DataSource));
  const a = {
    async create(input: ProbeInput & Json, query = ''): Promise<Json> {
      const res = await request(target)
        .post(`/api/v1/tasks/create/provider_probe${query}`)
        .set(authHeaders)
        .send(input);
      if (res.status !== 202 && res.status !== 200) {
        throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
      return res.body as Json;
    },
    async batch(payloads: Json[]): Promise<string[]> {
      const res = await request(target)
        .post('/api/v1/tasks/batch')
        .set(authHeaders)
        .send({ task_name: 'provider_probe', payloads })
        .expect(202);
      return res.body.job_ids as string[];
    },
    async detail(id: string): Promise<Json> {
      return (await request(target).get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200)).body;
    },
    until: (id: string, timeoutMs = 60000) =>
      waitFor(
        async () => {
          const d = await a.detail(id);
          return FINAL.includes(d.status) ? d : null;
        },
        `task ${id} to finish`,
        timeoutMs,
        50,
      ),
    async run(input: ProbeInput & Json): Promise<Json> {
      return a.until((await a.create(input)).job_id);
    },
    async providers(): Promise<Json[]> {
      return (await request(target).get('/api/v1/providers').set(authHeaders).expect(200)).body;
    },
    async metrics(): Promise<string> {
      return (await request(target).get('/metrics').expect(200)).text;
    },
    /** The ledger rows of a task (or of a provider), oldest first. */
    async ledger(where: { taskId?: string; provider?: string }): Promise<Json[]> {
      if (!db) throw new Error('ledger needs a DataSource');
      return db.query(
        `SELECT task_id, stage, provider, operation, outcome, cached, attempts, cost_usd::float AS cost_usd,
                error_message FROM provider_calls
          WHERE ($1::uuid IS NULL OR task_id = $1::uuid) AND ($2::text IS NULL OR provider = $2)
          ORDER BY id`,
        [where.taskId ?? null, where.provider ?? null],
      );
    },
  };
  return a;
}

const RUN_TS = resolve(__dirname, '..', '..', 'support', 'run-ts.cjs');
const CHILD_MAIN = resolve(__dirname, 'provider-app.main.ts');
const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * The application in a child process (provider-app.main.ts): a real OS process with its own
 * event loop, Redis connections and rate limiter, running the test providers and task type.
 */
export class ChildApp {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  private out = '';
  private done = false;
  port = 0;

  constructor(
    env: Record<string, string>,
    metas: Array<Partial<ProviderMetadata> & { id: string }>,
  ) {
    this.proc = spawn(process.execPath, [RUN_TS, CHILD_MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, STUB_PROVIDERS: JSON.stringify(metas) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (d: Buffer) => {
      this.out += d.toString();
      if (this.out.length > 200_000) this.out = this.out.slice(-100_000);
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((res) =>
      this.proc.once('close', (code) => {
        this.done = true;
        res(code);
      }),
    );
  }

  /** Starts a child with the test environment (`env` over testEnv()) and waits for /health. */
  static async start(
    env: Record<string, string>,
    metas: Array<Partial<ProviderMetadata> & { id: string }>,
  ): Promise<ChildApp> {
    const c = new ChildApp(
      testEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env }),
      metas,
    );
    try {
      await waitFor(
        async () => {
          if (c.done) throw new Error(`child exited at start:\n${c.output}`);
          const m = /"child listening","port":(\d+)/.exec(c.out);
          if (!m) return false;
          c.port = Number(m[1]);
          return (await fetch(`http://127.0.0.1:${c.port}/health`)).ok;
        },
        'a child app to serve /health',
        90_000,
        100,
      );
    } catch (err) {
      await c.kill();
      throw new Error(`${(err as Error).message}\n${c.output}`, { cause: err });
    }
    return c;
  }

  get output(): string {
    return this.out.slice(-4000);
  }

  /** Everything the child printed (its last 100–200 KB when it printed more). */
  get fullOutput(): string {
    return this.out;
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGKILL: the process dies at once, like a crashed or OOM-killed worker. */
  async kill(): Promise<void> {
    if (!this.done) this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15000): Promise<void> {
    if (this.done) return;
    this.proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs)));
    if ((await Promise.race([this.exited, late])) === 'late') await this.kill();
    clearTimeout(timer);
  }
}
