/**
 * Throughput, latency and memory figures for the task engine (`npm run bench:tasks`).
 * Not a test: it prints numbers and exits 0 unless something broke.
 *
 *   (a) bare BullMQ: N no-op jobs through one queue, one Worker        → jobs/s
 *   (b) full path: POST /api/v1/tasks/batch → queue → worker → Postgres → tasks/s, ratio b/a
 *   (c) POST /api/v1/tasks/create/diagnostic at a fixed rate (autocannon overallRate)
 *       → p50/p99, achieved rate, non-2xx (plus an evenly paced open-loop check)
 *   (d) worker RSS after a warm-up and after BENCH_RSS_TASKS more tasks
 *
 * The API and the worker run as child processes (`node dist/src/main.js` with ASSAY_ROLE=api /
 * ASSAY_ROLE=worker): the load generator and the polling then never share an event loop with the
 * code they measure, and the worker's RSS is its own. (c) runs without a worker by default, so it
 * measures the API rather than a 2-core box also draining the queue. After each phase it prints
 * where the CPU went (app processes, the bench database's Postgres backends, the rest of the
 * machine) and the Postgres transactions per task. Everything it creates (database
 * assay_bench_<random>, Redis keys under its own prefix, child processes) is removed at the end,
 * also on failure or Ctrl-C.
 *
 * The phases are in bench/tasks/: throughput.ts (a, b), latency.ts (c), memory.ts (d); the
 * measuring (counts, CPU, heap) in measure.ts, the load in load.ts, the table in report.ts.
 *
 * Environment: BENCH_N (20000), BENCH_RSS_TASKS (100000), BENCH_RSS_WARMUP (5000),
 * BENCH_SKIP (e.g. "c,d"), BENCH_RATE (500), BENCH_DURATION_S (15), BENCH_CONNECTIONS (10),
 * BENCH_WORKERS (1: worker processes draining (b), to see how the full path scales out),
 * BENCH_C_WORKER=1 (keep a worker running during (c)), BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL;
 * DATABASE_POOL_SIZE, WORKER_CONCURRENCY and NODE_OPTIONS pass through to the app;
 * BENCH_API_NODE_OPTIONS / BENCH_WORKER_NODE_OPTIONS set NODE_OPTIONS for one role only.
 */
import 'reflect-metadata';
import os from 'node:os';
import { deleteRedisKeys } from './support/bench-run';
import { fmt, loadAverage, log } from './support/common';
import { running } from './support/node-child';
import { AppProcess, started, startApp } from './tasks/app-process';
import { phaseC } from './tasks/latency';
import { phaseD } from './tasks/memory';
import { notes, printTable, rows } from './tasks/report';
import {
  benchConfig,
  C_WORKER,
  CONCURRENCY,
  database,
  DB_NAME,
  N,
  PREFIX,
  REDIS_URL,
  RSS_TASKS,
  SKIP,
  WORKERS,
} from './tasks/settings';
import { phaseA, phaseB } from './tasks/throughput';

// ---- cleanup ----------------------------------------------------------------------------------

let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...running].map((c) => c.stop().catch(() => undefined)));
    try {
      await database.drop();
    } catch (err) {
      console.error(`could not drop database ${DB_NAME}: ${(err as Error).message}`);
    }
    try {
      await deleteRedisKeys(REDIS_URL, PREFIX);
    } catch (err) {
      console.error(`could not delete Redis keys ${PREFIX}*: ${(err as Error).message}`);
    }
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  if (Number(process.versions.node.split('.')[0]) < 24) {
    throw new Error(
      `the app needs Node 24 and its children run on this node (${process.version}): use npm run bench:tasks`,
    );
  }
  const cpus = os.cpus();
  const machine =
    `${cpus.length} CPU(s) (${cpus[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}`;
  const loadStart = loadAverage();
  const phases = ['a', 'b', 'c', 'd'].filter((p) => !SKIP.has(p));
  log(`machine: ${machine}; load average ${loadAverage()}`);
  log(`phases: ${phases.join(', ') || '(none)'}; database ${DB_NAME}; Redis prefix ${PREFIX}`);

  await database.create(benchConfig);
  let api: AppProcess | undefined;
  let worker: AppProcess | undefined;
  const extraWorkers: AppProcess[] = [];
  let rateA: number | undefined;
  let rateB: number | undefined;
  try {
    const ratesA: number[] = [];
    if (phases.includes('a')) ratesA.push(await phaseA(phases.includes('b') ? ' before (b)' : ''));
    if (phases.some((p) => p !== 'a')) {
      api = await startApp('api');
      log(`API child pid ${api.pid} on ${api.url}`);
    }
    if (phases.includes('b') || (phases.includes('c') && C_WORKER)) {
      worker = await startApp('worker');
      log(`worker child pid ${worker.pid}`);
    }
    if (phases.includes('b')) {
      for (let i = 1; i < WORKERS; i++) extraWorkers.push(await startApp('worker'));
      if (extraWorkers.length)
        log(`more worker children: ${extraWorkers.map((w) => w.pid).join(', ')}`);
      rateB = await phaseB(api!, [worker!, ...extraWorkers]);
      await Promise.all(extraWorkers.map((w) => w.stop()));
    }
    if (!C_WORKER) {
      await worker?.stop();
      worker = undefined;
    }
    // A second baseline after (b): other work on the machine comes and goes, and the ratio
    // should not profit from a baseline that happened to run in a busy moment.
    if (phases.includes('a') && rateB) ratesA.push(await phaseA(' after (b)'));
    if (ratesA.length) {
      rateA = Math.max(...ratesA);
      rows.unshift({
        phase: '(a)',
        metric: `bare BullMQ no-op jobs/s${ratesA.length > 1 ? ' (before / after (b))' : ''}`,
        value: ratesA.map((r) => fmt(r)).join(' / '),
      });
    }
    if (rateA && rateB) {
      const ratio = rateB / rateA;
      rows.push({
        phase: '(b/a)',
        metric: `full path / bare BullMQ${ratesA.length > 1 ? ' (the higher baseline)' : ''}`,
        value: fmt(ratio, 3),
        goal: '≥ 0.30',
        verdict: ratio >= 0.3 ? 'ok' : 'MISSED',
      });
    }
    if (phases.includes('c')) await phaseC(api!, worker);
    await worker?.stop();
    if (phases.includes('d')) await phaseD(api!);

    console.log('');
    console.log(`Assay task bench: ${machine}`);
    console.log(
      `load average at start ${loadStart}, at end ${loadAverage()}` +
        ' (other work on the machine skews every figure; see "rest of machine" and "hypervisor steal" below)',
    );
    console.log(
      `N=${fmt(N)}, BENCH_RSS_TASKS=${fmt(RSS_TASKS)}; worker concurrency ${CONCURRENCY}` +
        `${benchConfig.WORKER_CONCURRENCY ? ' (WORKER_CONCURRENCY)' : ' (diagnostic task type)'}, ` +
        `DATABASE_POOL_SIZE ${benchConfig.DATABASE_POOL_SIZE}, LOG_LEVEL=warn, NODE_ENV=production`,
    );
    console.log(
      'processes: API = one child process (ASSAY_ROLE=api) for (b)-(d); worker = child process ' +
        '(ASSAY_ROLE=worker) for (b), a fresh one for (d)' +
        (C_WORKER ? ', kept running during (c)' : ', none during (c)') +
        '; both `node dist/src/main.js`. (a), the HTTP load and the polling run in the bench process',
    );
    console.log('');
    printTable();
    console.log('');
    for (const n of notes) console.log(`note: ${n}`);
    for (const p of started.filter((s) => s.warnings)) {
      console.log(
        `note: ${p.role} (pid ${p.pid}) logged ${p.warnings} warning/error line(s); the first: ${p.firstWarning}`,
      );
    }
  } catch (err) {
    for (const p of started) {
      if (p.tail.length)
        console.error(`--- ${p.role} (pid ${p.pid}) log tail ---\n${p.tail.join('\n')}`);
    }
    throw err;
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(1);
  },
);
