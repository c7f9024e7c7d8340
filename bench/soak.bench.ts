/**
 * Soak figures (`npm run bench:soak`): BENCH_SOAK_MINUTES (30) minutes of mixed load at fixed
 * rates, one line a minute. Not a test: it prints numbers — flat lines are what to look for —
 * and exits 0 unless something broke (a failed task, a crashed process, a backlog that does not
 * drain, callbacks missing or unsigned: exit 1).
 *
 * The load, each stream an evenly paced open loop (request i due at t0 + i/rate, latency counted
 * from when it was due), per second:
 *   - BENCH_SOAK_CREATE_RATE (40) POST /api/v1/tasks/create/diagnostic (two stages, sleep_ms
 *     BENCH_SOAK_SLEEP_MS, 20);
 *   - BENCH_SOAK_CALLBACK_RATE (5) of the same with a callback_url at a receiver in this process,
 *     which verifies each delivery's signature;
 *   - BENCH_SOAK_PROVIDER_RATE (5) POST /api/v1/tasks/create/bench_lookup: one call each at a
 *     local vendor stub (BENCH_SOAK_VENDOR_LATENCY_MS, 50 ms; no quota), a new domain every time;
 *   - BENCH_SOAK_POLL_RATE (50) GET /api/v1/tasks/{id}/status of tasks created earlier.
 * Each minute: creates sent/ok/non-2xx, create p50/p99, poll p99, tasks finished, callbacks
 * received, vendor calls, backlog (tasks not final), and the VmRSS of every process (API, each
 * worker, the bench). After the load it waits up to BENCH_SOAK_DRAIN_S (120) s for the backlog and
 * the callbacks, then prints per process the RSS of the first and last minute and the growth,
 * the spread of the per-minute create p99, the task totals, callbacks expected vs received.
 *
 * The app runs as child processes of dist/bench/providers/bench-app.main.js (createApp with the
 * providers bench's BenchProviderModule: the `benchstub` provider, the `bench_lookup` task type):
 * one API and BENCH_WORKERS (2) workers, sweeps on. Everything it creates (database
 * assay_bench_<random>, Redis keys under its own prefix, child processes, servers) is removed at
 * the end, also on failure or Ctrl-C.
 *
 * Environment: BENCH_SOAK_MINUTES, the rates above, BENCH_SOAK_SLEEP_MS,
 * BENCH_SOAK_VENDOR_LATENCY_MS, BENCH_SOAK_DRAIN_S, BENCH_WORKERS, BENCH_ADMIN_DATABASE_URL,
 * BENCH_REDIS_URL; NODE_OPTIONS, WORKER_CONCURRENCY and DATABASE_POOL_SIZE pass through to the app.
 *
 * Its parts are in bench/soak/: the load (load.ts), the app's processes, stub and receiver
 * (fleet.ts, receiver.ts), the minute lines (minutes.ts), the summary (report.ts).
 */
import 'reflect-metadata';
import { loadConfig } from '../src/common/config/app.config';
import { servers } from './providers/vendor-stub';
import { checkAlive, Fleet, receiver, startFleet } from './soak/fleet';
import { SoakLoad } from './soak/load';
import { Monitor, taskCounts } from './soak/minutes';
import { printSummary } from './soak/report';
import {
  appEnv,
  CALLBACK_RATE,
  CREATE_RATE,
  database,
  DRAIN_S,
  MINUTES,
  POLL_RATE,
  PREFIX,
  PROVIDER_RATE,
  REDIS_URL,
  WORKERS,
} from './soak/settings';
import { deleteRedisKeys } from './support/bench-run';
import { benchMain } from './support/bench-main';
import { log, sleep } from './support/common';
import { running } from './support/node-child';

let load: SoakLoad | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    load?.stop();
    await Promise.all([...running].map((c) => c.stop().catch(() => undefined)));
    await Promise.all([...servers].map((s) => s.close().catch(() => undefined)));
    await receiver?.close().catch(() => undefined);
    await database.drop();
    await deleteRedisKeys(REDIS_URL, PREFIX);
  })();
  return cleaning;
}

/**
 * Throws if a process of the fleet has exited; once the clean-up has begun (Ctrl-C), never
 * returns, so the run stops quietly while benchMain cleans up and exits.
 */
async function alive(fleet: Fleet): Promise<void> {
  if (cleaning) await new Promise<never>(() => undefined);
  checkAlive(fleet);
}

benchMain(
  async () => {
    await database.create(loadConfig({ ...appEnv({ ASSAY_ROLE: 'api' }), PORT: '1' }));
    const fleet = await startFleet();
    load = new SoakLoad(`http://127.0.0.1:${fleet.api.port}`, fleet.receiver.url);
    const monitor = new Monitor(fleet, load);
    log(
      `${MINUTES} min of load per second: ${CREATE_RATE} creates, ${CALLBACK_RATE} creates with a ` +
        `callback, ${PROVIDER_RATE} provider tasks, ${POLL_RATE} status polls`,
    );
    const t0 = Date.now();
    load.start();
    for (let n = 1; n <= MINUTES; n++) {
      while (Date.now() < t0 + n * 60_000) {
        await alive(fleet);
        await sleep(Math.min(1000, t0 + n * 60_000 - Date.now()));
      }
      if (n === MINUTES) await load.finished();
      await alive(fleet);
      const m = await monitor.sample(n);
      if (m.counts.failed)
        throw new Error(`${m.counts.failed} task(s) failed: ${await failures()}`);
    }
    log(`load done; waiting up to ${DRAIN_S} s for the backlog and the callbacks`);
    const until = Date.now() + DRAIN_S * 1000;
    let end = await taskCounts();
    while ((end.backlog > 0 || fleet.receiver.finals < load.callbackTasks) && Date.now() < until) {
      await alive(fleet);
      await sleep(500);
      end = await taskCounts();
    }
    // Late duplicates, if any, would show as more received than expected.
    await sleep(1000);
    await alive(fleet);
    const problems = printSummary(monitor, fleet, load, await taskCounts());
    if (problems.length) {
      const detail = (await taskCounts()).failed ? `\nfirst errors: ${await failures()}` : '';
      throw new Error(`the soak broke: ${problems.join('; ')}${detail}`);
    }
  },
  cleanup,
  `, soak ${MINUTES} min, ${WORKERS} worker process(es)`,
);

/** The errors of the first failed tasks. */
async function failures(): Promise<string> {
  const { rows } = await database.db.query(
    `SELECT type, error FROM tasks WHERE status IN ('failed','cancelled') LIMIT 3`,
  );
  return JSON.stringify(rows);
}
