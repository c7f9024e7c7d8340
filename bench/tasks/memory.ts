/** (d) worker RSS after a warm-up and after BENCH_RSS_TASKS more tasks (a fresh worker). */
import { fmt, log, sleep } from '../support/common';
import { startApp, type AppProcess } from './app-process';
import { postTasks } from './load';
import { countTasks, cpuMeter, generationsOf, heapOf, now, waitSucceeded } from './measure';
import { rows } from './report';
import { RSS_TASKS, RSS_WARMUP } from './settings';

export async function phaseD(api: AppProcess): Promise<void> {
  log(`(d) worker RSS: fresh worker, warm-up ${fmt(RSS_WARMUP)} tasks, then ${fmt(RSS_TASKS)}`);
  const worker = await startApp('worker');
  try {
    const warmIds: string[] = [];
    await postTasks(api, RSS_WARMUP, warmIds);
    await waitSucceeded(warmIds, RSS_WARMUP, 200, worker);
    await sleep(1000);
    const before = worker.memory();
    const heapBefore = await heapOf(worker);
    const genBefore = await generationsOf(worker);
    log(`(d) after warm-up: VmRSS ${fmt(before.rss, 1)} MiB, V8 heap used/total ${heapBefore}`);
    const ids: string[] = [];
    const cpu = await cpuMeter([api, worker]);
    const t0 = now();
    let next = 0.25;
    const trail: string[] = [];
    const sampler = setInterval(() => {
      void countTasks(ids).then(
        (c) => {
          if (c.succeeded >= next * RSS_TASKS && next < 1) {
            const rss = worker.memory().rss;
            log(`(d) ${fmt(c.succeeded)} done, VmRSS ${fmt(rss, 1)} MiB`);
            trail.push(fmt(rss, 0));
            next += 0.25;
          }
        },
        () => undefined,
      );
    }, 2000);
    try {
      await postTasks(api, RSS_TASKS, ids);
      await waitSucceeded(ids, RSS_TASKS, 250, worker, undefined, () => RSS_TASKS);
    } finally {
      clearInterval(sampler);
    }
    const t1 = now();
    const after = worker.memory();
    const heapAfter = await heapOf(worker);
    const genAfter = await generationsOf(worker);
    await cpu('(d)', RSS_TASKS, 'task');
    const growth = (after.rss / before.rss - 1) * 100;
    log(
      `(d) after ${fmt(RSS_TASKS)} tasks: VmRSS ${fmt(after.rss, 1)} MiB (${growth >= 0 ? '+' : ''}${fmt(growth, 1)} %), ` +
        `VmHWM ${fmt(after.hwm, 1)} MiB, V8 heap used/total ${heapAfter}, ${fmt(RSS_TASKS / ((t1 - t0) / 1000))} tasks/s`,
    );
    rows.push({
      phase: '(d)',
      metric: `worker VmRSS after ${fmt(RSS_WARMUP)} warm-up`,
      value: `${fmt(before.rss, 1)} MiB`,
    });
    rows.push({
      phase: '(d)',
      metric: 'worker VmRSS at 25/50/75 % of the run',
      value: `${trail.join(' / ') || 'n/a'} MiB`,
    });
    rows.push({
      phase: '(d)',
      metric: `worker VmRSS after ${fmt(RSS_TASKS)} more`,
      value: `${fmt(after.rss, 1)} MiB (peak ${fmt(after.hwm, 1)})`,
    });
    rows.push({
      phase: '(d)',
      metric: 'RSS growth',
      value: `${growth >= 0 ? '+' : ''}${fmt(growth, 1)} %`,
      goal: '< 10 %',
      verdict: growth < 10 ? 'ok' : 'MISSED',
    });
    rows.push({
      phase: '(d)',
      metric: 'worker V8 heap used/total: warm / end',
      value: `${heapBefore} → ${heapAfter}`,
    });
    rows.push({
      phase: '(d)',
      metric: 'worker V8 generations (space totals): warm / end',
      value: `${genBefore} → ${genAfter}`,
    });
    rows.push({
      phase: '(d)',
      metric: 'worker RSS anonymous / file-backed: warm / end',
      value: `${fmt(before.anon, 0)} / ${fmt(before.file, 0)} → ${fmt(after.anon, 0)} / ${fmt(after.file, 0)} MiB`,
    });
    rows.push({
      phase: '(d)',
      metric: '  throughput during (d)',
      value: `${fmt(RSS_TASKS / ((t1 - t0) / 1000))} tasks/s`,
    });
  } finally {
    await worker.stop();
  }
}
