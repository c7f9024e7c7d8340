import { TaskQueues } from '../../src/modules/tasks/engine/task-queues';
import { TaskRunner } from '../../src/modules/tasks/engine/task-runner';
import { useTestApp } from '../support/test-app';

/**
 * The backstop for delayed jobs BullMQ leaves past their time: a worker promotes the delayed jobs
 * of its queues that are more than 5 s late (clock injected), and only those.
 */
describe('overdue delayed jobs', () => {
  const app = useTestApp({});

  it('promotes a delayed job only once it is more than 5 s past its time', async () => {
    const runner = app.t.app.get(TaskRunner);
    const queue = app.t.app.get(TaskQueues).queue('diagnostic');
    // A job of no task: once it runs, its claim finds nothing and it ends.
    const job = await queue.add(
      'task',
      { taskId: '00000000-0000-4000-8000-00000000d1a7' },
      { jobId: `overdue-${Date.now()}`, delay: 60_000 },
    );
    expect(await job.getState()).toBe('delayed');
    expect(await runner.promoteOverdue(Date.now())).toBe(0);
    expect(await runner.promoteOverdue(Date.now() + 63_000)).toBe(0);
    expect(await job.getState()).toBe('delayed');
    expect(await runner.promoteOverdue(Date.now() + 66_000)).toBe(1);
    expect(await job.getState()).not.toBe('delayed');
  });
});
