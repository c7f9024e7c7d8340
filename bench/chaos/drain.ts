/** The end of a chaos run: the wait for every task and callback to settle; progress lines. */
import { fmt, sleep } from '../support/common';
import { log } from './harness';
import type { RunState } from './state';

/** Waits until every task is final and every final task's callback arrived (or the deadline). */
export async function drain(state: RunState): Promise<void> {
  const deadline = Date.now() + state.opts.drain * 1000;
  let lastLog = 0;
  for (;;) {
    const status = await progress(state).catch(() => null);
    if (status && status.open === 0 && status.callbacksOutstanding === 0) {
      state.settled = true;
      log(`settled: every task is final and every final callback was delivered`);
      break;
    }
    if (Date.now() > deadline) {
      log(`drain deadline (${state.opts.drain} s) reached without settling`);
      break;
    }
    if (status && Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(
        `draining: ${status.open} task(s) not final (${status.queued} queued, ${status.running} running), ` +
          `${status.callbacksOutstanding} final callback(s) not delivered yet`,
      );
    }
    await sleep(1000);
  }
  state.drainEndedAt = Date.now();
}

export async function progress(state: RunState): Promise<{
  total: number;
  open: number;
  queued: number;
  running: number;
  final: number;
  callbacksOutstanding: number;
}> {
  const { rows } = await state.db.query<{ id: string; status: string }>(
    'SELECT id, status FROM tasks',
  );
  const delivered = new Set(
    state.callbacks
      .filter((c) => c.status >= 200 && c.status < 300)
      .map((c) => `${c.taskId}|${c.event}`),
  );
  let queued = 0;
  let running = 0;
  let outstanding = 0;
  for (const r of rows) {
    if (r.status === 'queued') queued++;
    else if (r.status === 'running') running++;
    else if (!delivered.has(`${r.id}|task.${r.status}`)) outstanding++;
  }
  return {
    total: rows.length,
    open: queued + running,
    queued,
    running,
    final: rows.length - queued - running,
    callbacksOutstanding: outstanding,
  };
}

/** A progress line every 15 s until `stopped()`. */
export async function reportProgress(state: RunState, stopped: () => boolean): Promise<void> {
  let last = Date.now();
  while (!stopped()) {
    await sleep(500);
    if (Date.now() - last < 15_000 || stopped()) continue;
    last = Date.now();
    const p = await progress(state).catch(() => null);
    if (!p) continue;
    const delivered = state.callbacks.filter((c) => c.status === 200).length;
    log(
      `progress: ${fmt(state.accepted.size)} accepted, ${fmt(p.final)} final, ${p.running} running, ` +
        `${p.queued} queued; ${fmt(delivered)} callbacks delivered; ${fmt(state.stub.requests.length)} vendor calls; ` +
        `${state.http.fiveXX.length} client 5xx`,
    );
  }
}
