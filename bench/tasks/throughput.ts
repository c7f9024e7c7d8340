/**
 * (a) bare BullMQ: N no-op jobs through one queue, one Worker → jobs/s (the baseline);
 * (b) full path: POST /api/v1/tasks/batch → queue → worker → Postgres → tasks/s.
 */
import { Job, Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { redisOptions } from '../../src/common/redis/redis.options';
import { fmt, log } from '../support/common';
import type { AppProcess } from './app-process';
import { postTasks } from './load';
import { cpuMeter, now, waitSucceeded } from './measure';
import { rows } from './report';
import { BATCH, benchConfig, CONCURRENCY, N, PREFIX } from './settings';

export async function phaseA(label: string): Promise<number> {
  log(`(a) bare BullMQ${label}: ${fmt(N)} no-op jobs, concurrency ${CONCURRENCY}`);
  const name = 'bench-baseline';
  const queue = new Queue(name, {
    connection: redisOptions(benchConfig, 'producer'),
    prefix: PREFIX,
  });
  let completed = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const worker = new Worker(name, async (_job: Job) => undefined, {
    connection: redisOptions(benchConfig, 'worker'),
    prefix: PREFIX,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => {
    if (++completed === N) allDone();
  });
  worker.on('error', (err) => log(`baseline worker: ${err.message}`));
  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();
    const cpu = await cpuMeter([]);
    const t0 = now();
    for (let i = 0; i < N; i += BATCH) {
      // Same job options as the app's (TaskQueues.jobOptions).
      await queue.addBulk(
        Array.from({ length: Math.min(BATCH, N - i) }, () => {
          const id = randomUUID();
          return {
            name: 'noop',
            data: { taskId: id },
            opts: {
              jobId: id,
              attempts: 1,
              removeOnComplete: { age: 3600, count: 1000 },
              removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
            },
          };
        }),
      );
    }
    const tAdded = now();
    await finished;
    const t1 = now();
    await cpu(`(a)${label}`, N, 'job');
    const rate = N / ((t1 - t0) / 1000);
    log(
      `(a) ${fmt(rate)} jobs/s (adds took ${fmt((tAdded - t0) / 1000, 2)} s, total ${fmt((t1 - t0) / 1000, 2)} s)`,
    );
    return rate;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

export async function phaseB(api: AppProcess, workers: AppProcess[]): Promise<number> {
  log(
    `(b) full path: ${fmt(N)} diagnostic tasks {"sleep_ms":0} via POST /api/v1/tasks/batch, ` +
      `${workers.length} worker process(es)`,
  );
  const batchIds: string[] = [];
  const cpu = await cpuMeter([api, ...workers]);
  const t0 = now();
  let postError: unknown;
  const posting = postTasks(api, N, batchIds).then(now, (err: unknown) => {
    postError = err;
    return 0;
  });
  // Poll while posting goes on; the end is when every task of the N is succeeded.
  const t1 = await waitSucceeded(
    () => batchIds,
    N,
    100,
    workers[0],
    () => {
      if (postError) throw postError;
      const dead = workers.find((w) => w.exitCode !== undefined);
      if (dead)
        throw new Error(`worker ${dead.pid} exited (${dead.exitCode}):\n${dead.tail.join('\n')}`);
    },
    // Every batch but the last holds BATCH tasks; a batch id is listed once it is stored.
    () => Math.min(N, batchIds.length * BATCH),
  );
  const tPosted = await posting;
  await cpu('(b)', N, 'task');
  const rate = N / ((t1 - t0) / 1000);
  log(
    `(b) ${fmt(rate)} tasks/s (posting took ${fmt((tPosted - t0) / 1000, 2)} s, total ${fmt((t1 - t0) / 1000, 2)} s)`,
  );
  rows.push({
    phase: '(b)',
    metric: `full path tasks/s (${workers.length} worker process${workers.length > 1 ? 'es' : ''})`,
    value: fmt(rate),
  });
  rows.push({
    phase: '(b)',
    metric: '  of which: POST time for all batches',
    value: `${fmt((tPosted - t0) / 1000, 2)} s`,
  });
  return rate;
}
