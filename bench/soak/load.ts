/**
 * The soak's mixed load, each stream an open loop at its own fixed rate (request i due at
 * t0 + i/rate, latency counted from when it was due): diagnostic creates, diagnostic creates with
 * a callback_url, bench_lookup creates (one vendor-stub call each), and status polls of tasks
 * created earlier. Figures are collected per window (one minute), then handed over and reset.
 */
import http from 'node:http';
import { sleep } from '../support/common';
import { openLoop } from '../support/paced';
import {
  API_KEY,
  CALLBACK_RATE,
  CREATE_RATE,
  MINUTES,
  POLL_RATE,
  PROVIDER_RATE,
  SLEEP_MS,
} from './settings';

export interface Window {
  createsSent: number;
  createsOk: number;
  /** Answers outside 2xx, and requests that failed (connection errors). */
  createsNon2xx: number;
  /** Milliseconds from when each create was due to its answer (2xx and not). */
  createMs: number[];
  /** The same from when each create was sent: without the load generator's own lag. */
  createSendMs: number[];
  polls: number;
  pollsNon2xx: number;
  pollMs: number[];
  /** The non-2xx answers by status code (0: the request failed), creates and polls. */
  codes: Record<number, number>;
}

const emptyWindow = (): Window => ({
  createsSent: 0,
  createsOk: 0,
  createsNon2xx: 0,
  createMs: [],
  createSendMs: [],
  polls: 0,
  pollsNon2xx: 0,
  pollMs: [],
  codes: {},
});

/** How many recent task ids the polls pick from. */
const RECENT = 2000;

export class SoakLoad {
  private win = emptyWindow();
  private stopped = false;
  private inflight = 0;
  private readonly recent: string[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private running: Promise<unknown> = Promise.resolve();
  /** Tasks created with a callback_url (answered 2xx): the final callbacks expected. */
  callbackTasks = 0;
  lookups = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly callbackUrl: string,
  ) {}

  /** Starts every stream for BENCH_SOAK_MINUTES; finished() resolves when all have answered. */
  start(): void {
    const secs = MINUTES * 60;
    const stop = () => this.stopped;
    const diag = (extra: object) => ({ sleep_ms: SLEEP_MS, stages: ['read', 'write'], ...extra });
    this.running = Promise.all([
      openLoop(
        CREATE_RATE,
        CREATE_RATE * secs,
        (d) => this.create(d, 'diagnostic', diag({})),
        stop,
      ),
      openLoop(
        CALLBACK_RATE,
        CALLBACK_RATE * secs,
        (d) => this.create(d, 'diagnostic', diag({ callback_url: this.callbackUrl })),
        stop,
      ),
      openLoop(
        PROVIDER_RATE,
        PROVIDER_RATE * secs,
        (d) => this.create(d, 'bench_lookup', { domain: `soak-${this.lookups++}.bench.example` }),
        stop,
      ),
      openLoop(POLL_RATE, POLL_RATE * secs, (d) => this.poll(d), stop),
    ]);
  }

  /**
   * Resolves once every stream has sent its last request and every answer has arrived; throws
   * if answers are still missing `timeoutMs` after the last request.
   */
  async finished(timeoutMs = 60_000): Promise<void> {
    await this.running;
    const until = Date.now() + timeoutMs;
    while (this.inflight > 0) {
      if (Date.now() > until) throw new Error(`${this.inflight} request(s) still unanswered`);
      await sleep(20);
    }
  }

  /** This window's figures; a fresh window starts. */
  take(): Window {
    const w = this.win;
    this.win = emptyWindow();
    return w;
  }

  /** No more requests (on failure or Ctrl-C); closes the sockets. */
  stop(): void {
    this.stopped = true;
    this.agent.destroy();
  }

  private create(due: number, task: string, payload: object): void {
    this.win.createsSent++;
    const callback = 'callback_url' in payload;
    void this.request('POST', `/api/v1/tasks/create/${task}`, JSON.stringify(payload)).then(
      ({ status, body, sentMs }) => {
        this.win.createMs.push(performance.now() - due);
        this.win.createSendMs.push(sentMs);
        if (status < 200 || status >= 300) {
          this.win.createsNon2xx++;
          this.win.codes[status] = (this.win.codes[status] ?? 0) + 1;
          return;
        }
        this.win.createsOk++;
        if (callback) this.callbackTasks++;
        let id: string | undefined;
        try {
          id = (JSON.parse(body) as { task_id?: string }).task_id;
        } catch {
          /* not JSON: nothing to poll later */
        }
        if (!id) return;
        if (this.recent.length < RECENT) this.recent.push(id);
        else this.recent[Math.floor(Math.random() * RECENT)] = id;
      },
    );
  }

  private poll(due: number): void {
    if (!this.recent.length) return;
    const id = this.recent[Math.floor(Math.random() * this.recent.length)];
    this.win.polls++;
    void this.request('GET', `/api/v1/tasks/${id}/status`).then(({ status }) => {
      this.win.pollMs.push(performance.now() - due);
      if (status >= 200 && status < 300) return;
      this.win.pollsNon2xx++;
      this.win.codes[status] = (this.win.codes[status] ?? 0) + 1;
    });
  }

  /** One request; never rejects (a failed request answers status 0); sentMs: from send to end. */
  private request(method: string, path: string, body?: string) {
    this.inflight++;
    const start = performance.now();
    return new Promise<{ status: number; body: string; sentMs: number }>((done) => {
      const resolve = (r: { status: number; body: string }) =>
        done({ ...r, sentMs: performance.now() - start });
      const headers: Record<string, string | number> = { 'x-api-key': API_KEY };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(
        this.apiUrl + path,
        { method, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', () => resolve({ status: 0, body: '' }));
        },
      );
      req.on('error', () => resolve({ status: 0, body: '' }));
      req.end(body);
    }).finally(() => this.inflight--);
  }
}
