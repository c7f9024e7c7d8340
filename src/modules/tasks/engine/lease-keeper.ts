import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { AppConfig } from '../../../common/config/app.config';
import { TurnBatch } from '../../../common/turn-batch';

/**
 * The code of the lease thread. It holds its own PostgreSQL connection and, every `renewMs`,
 * extends the lease of every task this process is running — from its own event loop, so a main
 * thread busy with CPU work (which also stops BullMQ's lock renewal) still keeps its tasks, while
 * a dead process stops renewing at once. Plain JavaScript: it runs as an `eval` worker, with the
 * `pg` module resolved by the parent.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Client } = require(workerData.pgPath);
const ids = new Set();
let client = null;
let connecting = null;
let stopped = false;

async function connection() {
  if (client) return client;
  if (!connecting) {
    const c = new Client({ connectionString: workerData.url, connectionTimeoutMillis: workerData.renewMs * 2 });
    c.on('error', () => { if (client === c) client = null; });
    connecting = c.connect().then(() => { client = c; return c; }).finally(() => { connecting = null; });
  }
  return connecting;
}

async function renew() {
  if (stopped || ids.size === 0) return;
  try {
    const c = await connection();
    // Rows another transaction holds are skipped this round: that is a claim (which sets the
    // lease itself), the final UPDATE (no lease needed after it) or a short progress or cost
    // update, and a lease outlives one missed renewal. Waiting for them instead made this
    // statement one side of deadlocks with the worker's batched claims and final UPDATEs, which
    // lock their rows in another order (seen under load: 'deadlock detected', a second's stall).
    await c.query(
      "UPDATE tasks SET lease_until = now() + make_interval(secs => $2) WHERE id IN (SELECT id FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'running' FOR UPDATE SKIP LOCKED)",
      [[...ids], workerData.leaseMs / 1000],
    );
  } catch (err) {
    // PostgreSQL is away: the leases lapse, and the tasks are taken over (or resumed) when it is back.
    if (client) { client.end().catch(() => {}); client = null; }
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}

const timer = setInterval(renew, workerData.renewMs);
parentPort.on('message', (m) => {
  // [[1, id] = hold, [0, id] = release], in the order they happened.
  if (m.ops) for (const [hold, id] of m.ops) hold ? ids.add(id) : ids.delete(id);
  if (m.stop) {
    stopped = true;
    clearInterval(timer);
    const c = client;
    client = null;
    (c ? c.end().catch(() => {}) : Promise.resolve()).then(() => parentPort.postMessage({ stopped: true }));
  }
});
`;

/**
 * Renews the PostgreSQL leases of the tasks this worker process runs (see TASK_LEASE_MS). The
 * claim of a task sets its first lease; `hold`/`release` tell the lease thread which tasks to keep.
 */
@Injectable()
export class LeaseKeeper implements OnApplicationShutdown {
  private readonly logger = new Logger(LeaseKeeper.name);
  private thread?: Worker;
  private lastWarning = 0;
  /**
   * Holds and releases reach the thread in one message per turn of the event loop (a message per
   * task was a noticeable share of a busy worker's CPU). The lease the claim set lasts
   * TASK_LEASE_MS, far longer than one turn of the loop.
   */
  private readonly ops = new TurnBatch<[0 | 1, string]>((ops) => this.thread?.postMessage({ ops }));

  constructor(private readonly config: AppConfig) {}

  private start(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        pgPath: require.resolve('pg'),
        url: this.config.DATABASE_URL,
        leaseMs: this.config.TASK_LEASE_MS,
        renewMs: this.config.TASK_LEASE_RENEW_MS,
      },
    });
    // The thread never keeps the process alive on its own.
    thread.unref();
    thread.on('message', (m: { error?: string }) => {
      if (m.error && Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`task leases not renewed: ${m.error}`);
      }
    });
    thread.on('error', (err) => this.logger.error(`lease thread failed: ${err.message}`));
    thread.on('exit', () => {
      if (this.thread === thread) this.thread = undefined;
    });
    this.thread = thread;
    return thread;
  }

  /**
   * Keeps renewing the lease of `taskId`. Resolves once the lease thread has been told: a handler
   * that starts with synchronous CPU work blocks this thread's event loop, and the message must be
   * on its way before that.
   */
  hold(taskId: string): Promise<void> {
    this.start();
    this.ops.add([1, taskId]);
    return this.ops.sent();
  }

  release(taskId: string): void {
    if (this.thread) this.ops.add([0, taskId]);
  }

  async onApplicationShutdown(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.thread = undefined;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      const timer = setTimeout(() => void thread.terminate().then(done, done), 2000);
      const onMessage = (m: { stopped?: boolean }) => {
        if (!m.stopped) return;
        thread.off('message', onMessage);
        clearTimeout(timer);
        void thread.terminate().then(done, done);
      };
      thread.on('message', onMessage);
      thread.postMessage({ stop: true });
    });
  }
}
