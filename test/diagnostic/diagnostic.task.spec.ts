import { DiagnosticTask } from '../../src/modules/diagnostic/diagnostic.task';
import { TaskAbortedError, TaskError } from '../../src/modules/tasks/engine/task-errors';
import { runTask } from '../support/fakes/task-run';

/**
 * Service tier: the diagnostic handler run as a worker runs it (TaskContext, checkpoints,
 * progress, cancel), with the task store and callback delivery in memory. No PostgreSQL, no Redis.
 */
describe('DiagnosticTask (service tier, in-memory store and callbacks)', () => {
  const handler = new DiagnosticTask();

  it('runs each stage once as a checkpoint and reports progress per stage', async () => {
    const run = await runTask(handler, { stages: ['read', 'extract', 'store'] });
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      ok: true,
      attempt: 1,
      slept_ms: 0,
      stages: [
        { name: 'read', ran_on_attempt: 1 },
        { name: 'extract', ran_on_attempt: 1 },
        { name: 'store', ran_on_attempt: 1 },
      ],
      resumed_stages: [],
    });
    expect(Object.keys(run.store.checkpoints)).toEqual(['read', 'extract', 'store']);
    expect(run.store.progress.map((p) => [p.stage, p.progress.percent])).toEqual([
      ['read', 0],
      ['extract', 33],
      ['store', 67],
    ]);
    // Each report is also handed to callback delivery (which decides whether to send it).
    expect(run.callbacks.progressReports.map((r) => r.stage)).toEqual(['read', 'extract', 'store']);
    expect(run.callbacks.progressReports[1].counters).toEqual({ done: 1, total: 3 });
  });

  it('a failing first attempt keeps its finished stage; the retry resumes after it', async () => {
    const first = await runTask(handler, { stages: ['a', 'b'], fail_attempts: 1 });
    expect(first.error).toBeInstanceOf(TaskError);
    expect(first.error).toMatchObject({ code: 'TEMPORARY' });
    expect(first.store.checkpoints).toEqual({ a: { name: 'a', ran_on_attempt: 1 } });

    const retry = await runTask(
      handler,
      { stages: ['a', 'b'], fail_attempts: 1 },
      { task: { attempts: 2 }, checkpoints: first.store.checkpoints },
    );
    expect(retry.result).toMatchObject({
      attempt: 2,
      stages: [
        { name: 'a', ran_on_attempt: 1 },
        { name: 'b', ran_on_attempt: 2 },
      ],
      resumed_stages: ['a'],
    });
    // Stage a was not run (nor reported) again.
    expect(retry.store.progress.map((p) => p.stage)).toEqual(['b']);
    expect(retry.logs).toContain(
      'log stage "a" already completed on an earlier attempt; reusing its output',
    );
  });

  it('a cancel seen at a progress report stops the attempt before the next stage', async () => {
    const run = await runTask(
      handler,
      { stages: ['one', 'two', 'three'] },
      { cancelAfterProgress: 2 },
    );
    expect(run.error).toBeInstanceOf(TaskAbortedError);
    expect(run.error).toMatchObject({ reason: 'cancelled' });
    expect(Object.keys(run.store.checkpoints)).toEqual(['one']);
    expect(run.callbacks.progressReports.map((r) => r.stage)).toEqual(['one']);
  });

  it('an abort from outside (timeout, shutdown) ends a sleeping stage at once', async () => {
    const outside = new AbortController();
    const running = runTask(
      handler,
      { stages: ['wait'], sleep_ms: 600_000 },
      {
        signal: outside.signal,
      },
    );
    outside.abort(new TaskAbortedError('timeout'));
    const run = await running;
    expect(run.error).toMatchObject({ reason: 'timeout' });
    expect(run.store.checkpoints).toEqual({});
  });
});
