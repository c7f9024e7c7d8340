/**
 * `npm run test:chaos` — a fault-injection run anyone can repeat (issue 8 §6). Not part of
 * `npm test`: the full run takes about 6½ minutes. `--help` lists the options; `--quick` is a
 * ~2 minute version for development.
 *
 * It starts everything it uses, on free loopback ports, in one temporary directory:
 *   - its own PostgreSQL cluster (initdb; as the `postgres` user when run as root) and its own
 *     redis-server — never the shared 5432 / 6379;
 *   - the app as OS processes from the compiled build (dist/bench/chaos/chaos-app.main.js: the
 *     application as `node dist/src/main.js` runs it, plus the tests' paid-provider task type
 *     `provider_probe`): 1 API and N workers, sweeps on, every other setting at the app's default;
 *   - a vendor stub that charges per call and records the task and stage of each (the domain it
 *     is asked about names both), and a callback receiver that checks every signature.
 * A load of diagnostic tasks (stages a, b, c) and provider_probe tasks (a paid lookup through
 * the shared-cache provider, then one through the no-cache provider), every one with a
 * callback_url, is created through the API at a steady rate while these faults run one after the
 * other: worker SIGKILLs (each worker restarted), Redis stopped then started, PostgreSQL
 * restarted, then stopped and started, the receiver answering 503, and a worker SIGKILLed right
 * as a burst of tasks finishes (the window between a task's commit and its callback's enqueue).
 * Then it waits (up to --drain) for every task to end and every final callback to arrive, and
 * prints the table. Every write to `tasks` is recorded by a trigger the harness adds to its own
 * database (which process wrote what and when), which is what the recovery times and the
 * "stage run twice" count are computed from; the app's code is not changed.
 *
 * Exit code: 0 when every count is 0 and every recovery is within the goal; 1 otherwise; 2 when
 * the run itself failed. Everything is stopped and removed at the end, also on failure or Ctrl-C
 * (--keep keeps the directory: app logs, PostgreSQL data and log).
 *
 * The parts, in bench/chaos/: run.ts (the run from start to verdict), infra/ (PostgreSQL, Redis,
 * the app's processes, the run directory), fleet.ts (the app's processes by slot), load.ts (the
 * client), receiver.ts (the callback receiver), faults.ts (the fault schedule), drain.ts, and
 * analysis/ (a check per property, the recovery times, the report).
 */
import 'reflect-metadata';
import os from 'node:os';
import { fmt, loadAverage } from '../support/common';
import { log, t0 } from './harness';
import { ChaosOptions, parseOptions, USAGE } from './options';
import { ChaosRun } from './run';

async function main(): Promise<number> {
  let opts: ChaosOptions | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  const cpus = os.cpus();
  console.log(
    `chaos run: seed ${opts.seed}; machine ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ` +
      `${fmt(os.totalmem() / 2 ** 30, 1)} GiB, node ${process.version}, load average ${loadAverage()}`,
  );
  const run = new ChaosRun(opts);
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= run.cleanup());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping and removing everything`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    return await run.run();
  } catch (err) {
    console.error(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    return 2;
  } finally {
    await cleanup();
  }
}

void main().then((code) => {
  console.log(
    `chaos run ${code === 0 ? 'PASSED' : code === 1 ? 'FAILED' : 'ERROR'} in ${fmt((Date.now() - t0) / 1000)} s`,
  );
  process.exit(code);
});
