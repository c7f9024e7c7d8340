import request from 'supertest';
import { API_KEY } from '../support/env';
import { AssayProcess, spawnAssay, startAssay, withOutput } from '../support/spawn';
import { authHeaders, testEnv, waitFor } from '../support/test-app';
import {
  diagnosticQueue,
  newPrefix,
  Task,
  tasksApi,
  useProcesses,
  workerEnv,
} from './worker-process-harness';

/**
 * Roles and logs: an api process runs no jobs and a worker process serves no API; JSON request
 * logs with a trace_id and never a key; LOG_FORMAT=pretty.
 */
describe('Assay as OS processes (dist/src/main.js)', () => {
  const { shared } = useProcesses();

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
