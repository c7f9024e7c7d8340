import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './net';
import { waitFor } from './test-app';

/** The compiled entry point (`npm test` builds it in pretest; `npm run build` while developing). */
export const MAIN_JS = resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: run \`npm run build\` (npm test does it in pretest)`);
  }
}

/** An empty working directory, so a developer's .env never leaks into a child's configuration. */
let emptyDir: string | undefined;
function cwd(): string {
  emptyDir ??= mkdtempSync(join(tmpdir(), 'assay-proc-'));
  return emptyDir;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** An Assay process started by a test, with its output captured. */
export class AssayProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<Exit>;
  exit?: Exit;
  private out = '';
  private err = '';

  constructor(
    readonly env: Record<string, string>,
    /** 0 until known: with PORT=0 it is read from the "listening on" log line (LOG_LEVEL=info). */
    public port: number,
    nodeBinary = process.execPath,
  ) {
    this.proc = spawn(nodeBinary, [MAIN_JS], {
      cwd: cwd(),
      // Only what the test chose (plus PATH): the jest process's environment stays out.
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    // 'close' (not 'exit') so that every byte of stdout and stderr has been read.
    this.exited = new Promise((res) => {
      this.proc.once('close', (code, signal) => {
        this.exit = { code, signal };
        res(this.exit);
      });
      this.proc.once('error', (e) => {
        this.err += `\n[spawn error] ${e.message}`;
        this.exit = { code: -1, signal: null };
        res(this.exit);
      });
    });
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  get pid(): number {
    return this.proc.pid!;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get stdout(): string {
    return this.out;
  }
  get stderr(): string {
    return this.err;
  }
  get output(): string {
    return this.out + this.err;
  }
  get running(): boolean {
    return this.exit === undefined;
  }

  /** stdout parsed as pino JSON lines (other lines skipped). */
  jsonLines(): Array<Record<string, unknown>> {
    return this.out.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.proc.kill(sig);
  }

  /** Waits for the exit (an event, not a sleep); fails after `timeoutMs` with the output so far. */
  async waitForExit(timeoutMs = 30000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(
        () =>
          rej(new Error(`pid ${this.pid} did not exit within ${timeoutMs} ms\n${this.describe()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL (if still running) and wait for it to be gone. */
  async kill(): Promise<Exit> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Resolves once GET /health answers 200; fails at once if the process exits first. */
  async ready(timeoutMs = 60000): Promise<this> {
    await waitFor(
      async () => {
        if (!this.running) {
          throw new Error(`exited early (${JSON.stringify(this.exit)})\n${this.describe()}`);
        }
        if (!this.port) {
          const m = /listening on http:\/\/[^\s"]+:(\d+)/.exec(this.out);
          if (!m || m[1] === '0') return false;
          this.port = Number(m[1]);
        }
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200;
      },
      `pid ${this.pid} (${this.env.ASSAY_ROLE ?? 'all'}) to answer /health`,
      timeoutMs,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.describe()}`);
    });
    return this;
  }

  describe(): string {
    const tail = (s: string) => (s.length > 4000 ? `…${s.slice(-4000)}` : s);
    return `--- stdout of pid ${this.pid} ---\n${tail(this.out)}\n--- stderr ---\n${tail(this.err)}`;
  }
}

/** Runs `expectations`; if they fail, the output of `procs` is added to the error's message. */
export async function withOutput(
  procs: Array<AssayProcess | undefined>,
  expectations: () => unknown,
): Promise<void> {
  try {
    await expectations();
  } catch (err) {
    (err as Error).message += `\n${procs
      .filter(Boolean)
      .map((p) => p!.describe())
      .join('\n')}`;
    throw err;
  }
}

const live = new Set<AssayProcess>();

/** SIGKILLs every Assay process a test started that is still running, but `except` (for afterEach/afterAll). */
export async function killAll(except: AssayProcess[] = []): Promise<void> {
  await Promise.all([...live].filter((p) => !except.includes(p)).map((p) => p.kill()));
}

/**
 * Spawns `node dist/src/main.js` with exactly `env` (HOST=127.0.0.1 and a free PORT unless given).
 * Use `.ready()` to wait for it to serve /health.
 */
export async function spawnAssay(
  env: Record<string, string>,
  opts: { node?: string } = {},
): Promise<AssayProcess> {
  assertBuilt();
  const port = env.PORT !== undefined ? env.PORT : String(await freePort());
  return new AssayProcess(
    { HOST: '127.0.0.1', ...env, PORT: port },
    /^\d+$/.test(port) ? Number(port) : 0,
    opts.node,
  );
}

/** spawnAssay + ready(). */
export async function startAssay(env: Record<string, string>): Promise<AssayProcess> {
  return (await spawnAssay(env)).ready();
}
