import { startAssay, withOutput } from '../support/spawn';
import { jobState, newPrefix, STALLED, useProcesses, workerEnv } from './worker-process-harness';

/**
 * Workers killed or stopped while a task runs: SIGKILL (another worker recovers the task), a busy
 * event loop past the job lock, SIGTERM within and past the shutdown grace.
 */
describe('Assay as OS processes (dist/src/main.js)', () => {
  const { apiOn } = useProcesses();

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
});
