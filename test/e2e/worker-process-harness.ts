import { Queue } from 'bullmq';
import request from 'supertest';
import { REDIS_URL } from '../support/env';
import { AssayProcess, assertBuilt, killAll, startAssay } from '../support/spawn';
import { authHeaders, testEnv, waitFor } from '../support/test-app';

/**
 * What the worker-process suites share (worker-process-*.e2e.spec.ts): the service as real OS
 * processes (`node dist/src/main.js`). Tasks are created and followed through the API of an
 * ASSAY_ROLE=api process sharing the workers' Redis prefix (it runs no jobs itself). Every process
 * a test starts is SIGKILLed after it, passed or failed.
 */

export type Task = Record<string, any>;
const FINAL = ['succeeded', 'failed', 'cancelled'];

/** A fresh Redis prefix of this run: one per test, so no worker ever sees another test's jobs. */
export const newPrefix = () => testEnv().REDIS_PREFIX;

/** A worker process with the default job lock and lease: a lost worker is noticed within seconds. */
export const workerEnv = (prefix: string, extra: Record<string, string> = {}) =>
  testEnv({
    ASSAY_ROLE: 'worker',
    REDIS_PREFIX: prefix,
    ...extra,
  });

/** The task API of an instance at `base`. */
export function tasksApi(base: string) {
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

export const STALLED = /stall/i;

/** The diagnostic queue of a prefix, to look at the job in Redis. */
export function diagnosticQueue(prefix: string): Queue {
  const u = new URL(REDIS_URL);
  return new Queue('diagnostic', {
    connection: { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: 1 },
    prefix,
  });
}

/** The BullMQ state of a task's job (its id is the task id). */
export async function jobState(prefix: string, id: string): Promise<string | undefined> {
  const queue = diagnosticQueue(prefix);
  try {
    return await (await queue.getJob(id))?.getState();
  } finally {
    await queue.close();
  }
}

/**
 * For the describe block it is called in: checks that dist/ is built, and SIGKILLs after each
 * test every process it started except those in `shared` (started in a beforeAll), and all of
 * them after the block.
 */
export function useProcesses() {
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

  return { shared, apiOn };
}
