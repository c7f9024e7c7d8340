/**
 * (c) POST /api/v1/tasks/create/diagnostic at a fixed rate (autocannon overallRate) → p50/p99,
 * achieved rate, non-2xx; plus the same rate evenly paced (open loop). Without a worker unless
 * BENCH_C_WORKER=1, so it measures the API rather than a 2-core box also draining the queue.
 */
import { Queue } from 'bullmq';
import { redisOptions } from '../../src/common/redis/redis.options';
import { fmt, log } from '../support/common';
import type { AppProcess } from './app-process';
import { pacedLoad } from './load';
import { countTasks, cpuMeter, eventLoopOf, now, waitSucceeded } from './measure';
import { notes, rows } from './report';
import {
  API_KEY,
  benchConfig,
  CONNECTIONS,
  database,
  diagnostic,
  DURATION_S,
  PREFIX,
  RATE,
} from './settings';

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: { average: number; total: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
// autocannon ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;

export async function phaseC(api: AppProcess, worker: AppProcess | undefined): Promise<void> {
  const url = `${api.url}/api/v1/tasks/create/diagnostic`;
  const common = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ sleep_ms: 0 }),
    connections: CONNECTIONS,
    overallRate: RATE,
    // autocannon's correction uses ceil(1 / per-connection rate) = 1 ms as the interval, which
    // invents samples between 1 ms and each response time; record the measured latencies only.
    ignoreCoordinatedOmission: true,
  };
  log(`(c) warm-up: 3 s at ${RATE} req/s`);
  await autocannon({ ...common, duration: 3 });
  const createdBefore = (await countTasks(null)).total;
  log(
    `(c) POST /api/v1/tasks/create/diagnostic at ${RATE} req/s for ${DURATION_S} s (autocannon, ${CONNECTIONS} connections)`,
  );
  const cpu = await cpuMeter(worker ? [api, worker] : [api]);
  const r = await autocannon({ ...common, duration: DURATION_S });
  await cpu('(c) autocannon run', r['2xx'] + r.non2xx, 'request');
  const createdByAutocannon = (await countTasks(null)).total - createdBefore;
  const achieved = (r['2xx'] + r.non2xx) / r.duration;
  log(
    `(c) p50 ${r.latency.p50} ms, p90 ${r.latency.p90} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ` +
      `${fmt(achieved, 1)} req/s, non-2xx ${r.non2xx}, errors ${r.errors}`,
  );
  rows.push({ phase: '(c)', metric: 'create p50 (autocannon)', value: `${r.latency.p50} ms` });
  rows.push({
    phase: '(c)',
    metric: 'create p99 (autocannon)',
    value: `${r.latency.p99} ms`,
    goal: '< 20 ms',
    verdict: r.latency.p99 < 20 ? 'ok' : 'MISSED',
  });
  rows.push({ phase: '(c)', metric: 'create max (autocannon)', value: `${r.latency.max} ms` });
  rows.push({
    phase: '(c)',
    metric: 'achieved rate',
    value: `${fmt(achieved, 1)} req/s of ${RATE}`,
  });
  rows.push({
    phase: '(c)',
    metric: 'non-2xx / connection errors',
    value: `${r.non2xx} / ${r.errors}`,
  });

  // autocannon's rate limit is per connection and per second: each connection sends its share
  // back to back at the start of every second, so the load comes in bursts. The same rate evenly
  // paced (one request every 1000/RATE ms, open loop) shows what a steady stream of clients sees.
  log(`(c) evenly paced check: ${RATE} req/s for ${DURATION_S} s, open loop`);
  await pacedLoad(url, RATE, 2); // warm-up (opens the sockets)
  await eventLoopOf(api); // restarts the API's event-loop delay monitor
  const even = await pacedLoad(url, RATE, DURATION_S);
  const loop = await eventLoopOf(api);
  rows.push({
    phase: '(c)',
    metric: 'create p50 / p99 (evenly paced)',
    value: `${fmt(even.p50, 1)} / ${fmt(even.p99, 1)} ms`,
    goal: 'p99 < 20 ms',
    verdict: even.p99 < 20 ? 'ok' : 'MISSED',
  });
  rows.push({ phase: '(c)', metric: '  evenly paced: API event-loop delay', value: loop });
  rows.push({
    phase: '(c)',
    metric: '  evenly paced: rate, non-2xx, p99 from send',
    value: `${fmt(even.rate, 1)} req/s, ${even.non2xx}, ${fmt(even.sendP99, 1)} ms`,
  });
  log(
    `(c) evenly paced: p50 ${fmt(even.p50, 1)} ms, p99 ${fmt(even.p99, 1)} ms, max ${fmt(even.max, 1)} ms, ` +
      `${fmt(even.rate, 1)} req/s, non-2xx ${even.non2xx}`,
  );

  if (worker) {
    // Let the worker finish what (c) created, so (d) starts from an empty queue.
    const created = (await countTasks(null)).total;
    const t0 = now();
    await waitSucceeded(null, created, 250, worker);
    const drain = (now() - t0) / 1000;
    notes.push(
      `(c) the measured autocannon run created ${fmt(createdByAutocannon)} tasks; the worker ran ` +
        `throughout and finished all of (c)'s tasks ${fmt(drain, 1)} s after the last request`,
    );
  } else {
    // No worker ran: drop (c)'s jobs and rows so (d) starts from an empty queue.
    const queue = new Queue(diagnostic.queue ?? diagnostic.name, {
      connection: redisOptions(benchConfig, 'producer'),
      prefix: PREFIX,
    });
    await queue.obliterate({ force: true });
    await queue.close();
    await database.db.query('DELETE FROM tasks WHERE batch_id IS NULL');
    notes.push(
      `(c) ran with the worker stopped (BENCH_C_WORKER=1 keeps it running); the measured ` +
        `autocannon run created ${fmt(createdByAutocannon)} tasks, removed afterwards`,
    );
  }
}
