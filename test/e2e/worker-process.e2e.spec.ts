import { Queue } from 'bullmq';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import request from 'supertest';
import { API_KEY, REDIS_URL } from '../support/env';
import { AssayProcess, assertBuilt, killAll, spawnAssay, startAssay } from '../support/spawn';
import { authHeaders, testEnv, waitFor } from '../support/test-app';

/**
 * The service as real OS processes (`node dist/src/main.js`): workers killed or stopped while a
 * task runs, start-up failures, roles and logs. Tasks are created and followed through the API of
 * an ASSAY_ROLE=api process sharing the workers' Redis prefix (it runs no jobs itself). Every
 * process a test starts is SIGKILLed after it, passed or failed.
 */

type Task = Record<string, any>;
const FINAL = ['succeeded', 'failed', 'cancelled'];

/** A fresh Redis prefix of this run: one per test, so no worker ever sees another test's jobs. */
const newPrefix = () => testEnv().REDIS_PREFIX;

/** A worker process with the default job lock and lease: a lost worker is noticed within seconds. */
const workerEnv = (prefix: string, extra: Record<string, string> = {}) =>
  testEnv({
    ASSAY_ROLE: 'worker',
    REDIS_PREFIX: prefix,
    ...extra,
  });

/** The task API of an instance at `base`. */
function tasksApi(base: string) {
  const get = async (path: string): Promise<Task> =>
    (await request(base).get(path).set(authHeaders).expect(200)).body;
  const api = {
    async create(payload: object): Promise<string> {
      const res = await request(base)
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send(payload)
        .expect(200);
      return res.body.job_id as string;
    },
    detail: (id: string) => get(`/api/v1/tasks/${id}`),
    async cancel(id: string): Promise<void> {
      await request(base).post(`/api/v1/tasks/${id}/cancel`).set(authHeaders).expect(202);
    },
    until: (id: string, what: string, ok: (t: Task) => boolean, timeoutMs = 60000) =>
      waitFor(
        async () => {
          const t = await api.detail(id);
          return ok(t) ? t : null;
        },
        `task ${id}: ${what}`,
        timeoutMs,
        100,
      ),
    final: (id: string, timeoutMs = 60000) =>
      api.until(id, 'a final status', (t) => FINAL.includes(t.status), timeoutMs),
  };
  return api;
}

/** Output of the given processes, for failure messages. */
const outputs = (...procs: Array<AssayProcess | undefined>) =>
  procs
    .filter(Boolean)
    .map((p) => p!.describe())
    .join('\n');

/** Runs `expectations`; if they fail, the processes' output is added to the error. */
async function withOutput(procs: Array<AssayProcess | undefined>, expectations: () => unknown) {
  try {
    await expectations();
  } catch (err) {
    (err as Error).message += `\n${outputs(...procs)}`;
    throw err;
  }
}

const STALLED = /stall/i;

/** The diagnostic queue of a prefix, to look at the job in Redis. */
function diagnosticQueue(prefix: string): Queue {
  const u = new URL(REDIS_URL);
  return new Queue('diagnostic', {
    connection: { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: 1 },
    prefix,
  });
}

/** The BullMQ state of a task's job (its id is the task id). */
async function jobState(prefix: string, id: string): Promise<string | undefined> {
  const queue = diagnosticQueue(prefix);
  try {
    return await (await queue.getJob(id))?.getState();
  } finally {
    await queue.close();
  }
}

describe('Assay as OS processes (dist/src/main.js)', () => {
  beforeAll(() => assertBuilt());

  /** Processes that outlive one test (started in a beforeAll). */
  const shared: AssayProcess[] = [];

  afterEach(async () => {
    await killAll(shared);
  });

  afterAll(async () => {
    await killAll();
  });

  /**
   * An ASSAY_ROLE=api process on `prefix`. Started (and migrating the database) before any worker
   * of the test, so that no two processes apply migrations at the same time.
   */
  async function apiOn(prefix: string) {
    const proc = await startAssay(testEnv({ ASSAY_ROLE: 'api', REDIS_PREFIX: prefix }));
    return tasksApi(proc.url);
  }

  describe('workers', () => {
    it('a SIGKILLed worker: another worker process recovers the task, which resumes after its last checkpoint', async () => {
      const prefix = newPrefix();
      const tasks = await apiOn(prefix);
      const env = workerEnv(prefix);
      const first = await startAssay(env);
      const id = await tasks.create({ sleep_ms: 6000, stages: ['a', 'b'] });

      // Kill it in the middle of stage "b", once stage "a" is checkpointed.
      const mid = await tasks.until(
        id,
        'stage a checkpointed, b running',
        (t) => t.status === 'running' && t.stage === 'b' && t.completed_stages.includes('a'),
      );
      expect(mid.attempt_number).toBe(1);
      first.signal('SIGKILL');
      expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
      // Nobody finished it: Postgres still says running, the job is still active in Redis.
      expect((await tasks.detail(id)).status).toBe('running');
      expect(await jobState(prefix, id)).toBe('active');

      const second = await startAssay(env);
      const done = await tasks.final(id);
      const state = await jobState(prefix, id);
      await withOutput([first, second], () => {
        expect(done).toMatchObject({ status: 'succeeded', attempt_number: 2, error: null });
        // The lost attempt counts: "a" ran on attempt 1 and was reused, "b" ran again on 2.
        expect(done.result.stages).toEqual([
          { name: 'a', ran_on_attempt: 1 },
          { name: 'b', ran_on_attempt: 2 },
        ]);
        expect(done.result.resumed_stages).toEqual(['a']);
        expect(done.result.attempt).toBe(2);
        // BullMQ's stalled-job check in the second worker is what brought the job back.
        expect(second.output).toContain(`job ${id} stalled`);
        expect(state).toBe('completed');
      });
    });

    it('a worker whose event loop is busy past its job lock keeps its task: the other worker waits for its lease, the task runs once', async () => {
      const prefix = newPrefix();
      const tasks = await apiOn(prefix);
      // A job lock far shorter than the busy spell: BullMQ takes the job back from the busy
      // worker and hands it to the other one, as it would on a loaded machine.
      const env = workerEnv(prefix, {
        QUEUE_LOCK_DURATION_MS: '1000',
        QUEUE_STALLED_INTERVAL_MS: '500',
        WORKER_CONCURRENCY: '1',
      });
      const a = await startAssay(env);
      const id = await tasks.create({ busy_ms: 5000, stages: ['after'] });
      await tasks.until(id, 'running', (t) => t.status === 'running');
      const b = await startAssay(env);
      const done = await tasks.final(id);
      await withOutput([a, b], () => {
        expect(done).toMatchObject({ status: 'succeeded', attempt_number: 1, error: null });
        expect(done.result.attempt).toBe(1);
        expect(done.result.stages).toEqual([{ name: 'after', ran_on_attempt: 1 }]);
        // The job was re-delivered (the scenario happened) …
        expect(`${a.output}${b.output}`).toContain(`job ${id} stalled`);
      });
    });

    it('SIGTERM lets the in-flight task finish, then exits 0 without a stall', async () => {
      const prefix = newPrefix();
      const tasks = await apiOn(prefix);
      const worker = await startAssay(workerEnv(prefix, { SHUTDOWN_GRACE_MS: '20000' }));
      const id = await tasks.create({ sleep_ms: 1500 });
      await tasks.until(id, 'running', (t) => t.status === 'running');

      const termAt = Date.now();
      worker.signal('SIGTERM');
      const exit = await worker.waitForExit(30000);
      const task = await tasks.detail(id);
      const state = await jobState(prefix, id);
      await withOutput([worker], () => {
        expect(exit).toEqual({ code: 0, signal: null });
        expect(task).toMatchObject({ status: 'succeeded', attempt_number: 1, error: null });
        // It was still running when the signal came: it finished after it.
        expect(Date.parse(task.finished_at)).toBeGreaterThanOrEqual(termAt - 5);
        expect(worker.output).not.toMatch(STALLED);
        // BullMQ agrees: the job completed (it was not left active for another worker to find).
        expect(state).toBe('completed');
      });
    });

    it('SIGTERM past a short grace hands the task back unconsumed; a new worker picks it up', async () => {
      const prefix = newPrefix();
      const tasks = await apiOn(prefix);
      const first = await startAssay(workerEnv(prefix, { SHUTDOWN_GRACE_MS: '500' }));
      const id = await tasks.create({ sleep_ms: 30000, stages: ['long'] });
      await tasks.until(id, 'running', (t) => t.status === 'running' && t.stage === 'long');

      const termAt = Date.now();
      first.signal('SIGTERM');
      const exit = await first.waitForExit(30000);
      const tookMs = Date.now() - termAt;
      const back = await tasks.detail(id);
      const state = await jobState(prefix, id);
      await withOutput([first], () => {
        expect(exit).toEqual({ code: 0, signal: null });
        // Grace 0.5 s, then hand back: far sooner than the 30 s the task would have taken.
        expect(tookMs).toBeLessThan(15000);
        expect(first.output).toContain('handing 1 running task(s) back to the queue');
        // Back to queued with its attempt given back (0 used so far), and its job still in Redis.
        expect(back).toMatchObject({ status: 'queued', attempt_number: 0, error: null });
        expect(['delayed', 'waiting', 'prioritized']).toContain(state);
      });

      const second = await startAssay(workerEnv(prefix));
      const again = await tasks.until(id, 'running again', (t) => t.status === 'running');
      expect(again.attempt_number).toBe(1);
      await tasks.cancel(id);
      const done = await tasks.final(id);
      await withOutput([first, second], () => {
        expect(done).toMatchObject({ status: 'cancelled', attempt_number: 1 });
        expect(first.output).not.toMatch(STALLED);
        expect(second.output).not.toMatch(STALLED);
      });
    });
  });

  describe('start-up failures', () => {
    /** Spawns, waits for the exit, and says how long it took. */
    async function runToExit(env: Record<string, string>, node?: string) {
      const started = Date.now();
      const proc = await spawnAssay(env, { node });
      const exit = await proc.waitForExit(30000);
      return { proc, exit, ms: Date.now() - started };
    }

    it('an unreachable PostgreSQL or Redis, or an invalid config: a clear message and a non-zero exit', async () => {
      // One after the other, so that each one's time is its own (booting Node + Nest takes ~2 s).
      const pg = await runToExit(
        testEnv({ DATABASE_URL: 'postgres://postgres:secretpw@127.0.0.1:1/x' }),
      );
      const redis = await runToExit(testEnv({ REDIS_URL: 'redis://:secretpw@127.0.0.1:1' }));
      const config = await runToExit(
        testEnv({
          PORT: 'abc',
          ASSAY_ROLE: 'bogus',
          // Provider settings are checked with the rest, not silently replaced by defaults.
          APOLLO_TIMEOUT_MS: '30s',
          APOLLO_ENABLED: 'flase',
        }),
      );
      await withOutput([pg.proc, redis.proc, config.proc], () => {
        for (const r of [pg, redis, config]) {
          expect(r.exit.signal).toBeNull();
          expect(r.exit.code).not.toBe(0);
          // No hanging on a dead dependency (generous for a loaded machine).
          expect(r.ms).toBeLessThan(15000);
          expect(r.proc.output).not.toContain('secretpw');
        }
        expect(pg.proc.stderr).toContain(
          'Cannot reach PostgreSQL at postgres://postgres:****@127.0.0.1:1/x',
        );
        expect(pg.proc.stderr).toMatch(/How to fix: start PostgreSQL/);

        expect(redis.proc.stderr).toContain('Cannot reach Redis at redis://:****@127.0.0.1:1');
        expect(redis.proc.stderr).toMatch(/How to fix: start Redis/);

        // One error naming both variables.
        expect(config.proc.stderr.match(/Invalid configuration/g)).toHaveLength(1);
        expect(config.proc.stderr).toMatch(/PORT.*"abc"/);
        expect(config.proc.stderr).toMatch(/ASSAY_ROLE.*"bogus"/);
        expect(config.proc.stderr).toMatch(/Invalid configuration \(4 problems\)/);
        expect(config.proc.stderr).toMatch(
          /APOLLO_TIMEOUT_MS must be a whole number of milliseconds.*"30s"/,
        );
        expect(config.proc.stderr).toMatch(/APOLLO_ENABLED must be true or false.*"flase"/);
      });
    });

    const SYSTEM_NODE = '/usr/bin/node';
    const systemMajor = existsSync(SYSTEM_NODE)
      ? Number(
          execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split(
            '.',
          )[0],
        )
      : undefined;
    const itOldNode = systemMajor !== undefined && systemMajor < 24 ? it : it.skip;

    itOldNode(
      `${SYSTEM_NODE} (older than Node 24) gets the "needs Node.js 24" message`,
      async () => {
        const r = await runToExit(testEnv(), SYSTEM_NODE);
        await withOutput([r.proc], () => {
          expect(r.exit).toEqual({ code: 1, signal: null });
          expect(r.proc.stderr).toContain('Assay needs Node.js 24 or newer');
          expect(r.proc.stderr).toContain(`this is v${systemMajor}.`);
        });
      },
    );
  });

  describe('roles and logs', () => {
    let prefix: string;
    let apiProc: AssayProcess;

    beforeAll(async () => {
      prefix = newPrefix();
      // PORT=0: the process binds any free port and says which in its "listening on" log line.
      apiProc = await spawnAssay(
        testEnv({ ASSAY_ROLE: 'api', REDIS_PREFIX: prefix, LOG_LEVEL: 'info', PORT: '0' }),
      );
      shared.push(apiProc);
      await apiProc.ready();
    });

    it('an api process runs no jobs; a worker process (health only, no API) runs them', async () => {
      const tasks = tasksApi(apiProc.url);
      const id = await tasks.create({ sleep_ms: 1 });
      const queue = diagnosticQueue(prefix);
      try {
        // Nothing consumes the queue: the job waits, no worker is connected, the task is queued.
        expect(await (await queue.getJob(id))?.getState()).toBe('waiting');
        expect(await queue.getWorkers()).toHaveLength(0);
        expect((await tasks.detail(id)).status).toBe('queued');

        const worker = await startAssay(workerEnv(prefix, { LOG_LEVEL: 'info' }));
        await request(worker.url).get('/health').expect(200);
        await request(worker.url).get('/api/v1/tasks').set(authHeaders).expect(404);
        await request(worker.url)
          .post('/api/v1/tasks/create/diagnostic')
          .set(authHeaders)
          .expect(404);
        expect((await queue.getWorkers()).length).toBeGreaterThan(0);

        const done = await tasks.final(id);
        expect(done).toMatchObject({ status: 'succeeded', attempt_number: 1 });

        // An idle worker stops cleanly too.
        worker.signal('SIGTERM');
        expect(await worker.waitForExit(30000)).toEqual({ code: 0, signal: null });

        await withOutput([worker, apiProc], () => {
          // Logs: JSON lines only (stdout is not a terminal), Nest's own lines included, without
          // the module/route boot noise at info; one line per task start and end; shutdown said.
          for (const p of [worker, apiProc]) {
            const lines = p.output.split('\n').filter((l) => l.trim().startsWith('{'));
            expect(lines.length).toBeGreaterThan(0);
            expect(p.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('{'))).toEqual([]);
            expect(p.output).not.toMatch(/Mapped \{|dependencies initialized/);
          }
          const logs = worker.jsonLines();
          const started = logs.find((l) => l.msg === 'task started' && l.task_id === id);
          expect(started).toMatchObject({ attempt: 1, task_type: 'diagnostic' });
          const ended = logs.find((l) => l.msg === 'task ended' && l.task_id === id);
          expect(ended).toMatchObject({ status: 'succeeded', attempts: 1, cost_usd: 0 });
          expect(ended!.duration_ms).toEqual(expect.any(Number));
          expect(logs.some((l) => l.msg === 'shutting down on SIGTERM')).toBe(true);
          expect(logs.some((l) => l.msg === 'stopped')).toBe(true);
        });
      } finally {
        await queue.close();
      }
    });

    it('request logs carry a trace_id and never the API key', async () => {
      const wrongKey = 'wrong-key-but-still-a-secret-42';
      await request(apiProc.url)
        .get('/api/v1/tasks')
        .set('authorization', `Bearer ${API_KEY}`)
        .set('x-request-id', 'trace-bearer-1')
        .expect(200);
      await request(apiProc.url)
        .post('/api/v1/tasks/create/diagnostic')
        .set('x-api-key', API_KEY)
        .set('x-request-id', 'trace-apikey-1')
        .send({ sleep_ms: 1 })
        .expect(200);
      await request(apiProc.url)
        .get('/api/v1/tasks')
        .set('authorization', `Bearer ${wrongKey}`)
        .set('x-request-id', 'trace-wrong-1')
        .expect(401);

      // pino writes asynchronously: wait until the three request lines are out.
      const traced = () => apiProc.jsonLines().filter((l) => typeof l.trace_id === 'string');
      await waitFor(
        async () =>
          ['trace-bearer-1', 'trace-apikey-1', 'trace-wrong-1'].every((t) =>
            traced().some((l) => l.trace_id === t),
          ),
        'request log lines',
        30000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${apiProc.describe()}`);
      });

      await withOutput([apiProc], () => {
        const line = (id: string) => traced().find((l) => l.trace_id === id) as Task;
        expect(line('trace-bearer-1')).toMatchObject({
          req: { method: 'GET', url: '/api/v1/tasks' },
          res: { statusCode: 200 },
        });
        expect(line('trace-apikey-1').res).toEqual({ statusCode: 200 });
        expect(line('trace-wrong-1').res).toEqual({ statusCode: 401 });
        // Every request line has one (a generated id when the client sent none).
        const requestLines = apiProc.jsonLines().filter((l) => l.msg === 'request completed');
        expect(requestLines.length).toBeGreaterThanOrEqual(3);
        for (const l of requestLines) expect(l.trace_id).toEqual(expect.any(String));
        for (const secret of [API_KEY, wrongKey]) {
          expect(apiProc.output).not.toContain(secret);
        }
      });
    });

    it('LOG_FORMAT=pretty: human-readable lines (level word, message), still without secrets', async () => {
      // Piped stdout is not a terminal, so the processes above wrote JSON (LOG_FORMAT=auto).
      const pretty = await startAssay(
        testEnv({ ASSAY_ROLE: 'api', LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', PORT: '0' }),
      );
      await request(pretty.url)
        .get('/api/v1/tasks')
        .set('authorization', `Bearer ${API_KEY}`)
        .set('x-request-id', 'trace-pretty-1')
        .expect(200);
      pretty.signal('SIGTERM');
      expect(await pretty.waitForExit(30000)).toEqual({ code: 0, signal: null });
      await withOutput([pretty], () => {
        const lines = pretty.stdout.split('\n').filter((l) => l.trim());
        expect(pretty.jsonLines()).toEqual([]);
        expect(lines.some((l) => /INFO.*listening on http:\/\//.test(l))).toBe(true);
        expect(lines.some((l) => /INFO.*request completed/.test(l))).toBe(true);
        expect(pretty.stdout).toContain('trace-pretty-1');
        expect(pretty.output).not.toContain(API_KEY);
      });
    });
  });
});
