/**
 * The chaos run's own servers and processes: a throwaway PostgreSQL cluster and Redis on free
 * loopback ports (never the shared 5432 / 6379), and the app's OS processes. Everything lives in
 * one temporary directory (`assay-chaos-*` under the OS temp dir) that the run removes at the end.
 */
import Redis from 'ioredis';
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  WriteStream,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LISTENING } from './shared';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port that was free a moment ago (bind to 0, read, release). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// ---- the run's directory ----------------------------------------------------------------------

const DIR_PREFIX = 'assay-chaos-';

/**
 * A fresh directory for this run, with `harness.pid`. Leftovers of runs whose harness died
 * without cleaning up (SIGKILL) are removed first: their PostgreSQL is stopped through its own
 * data directory and their Redis by the pid it wrote there; nothing else is touched.
 */
export function runDirectory(pgBin: string | null, log: (m: string) => void): string {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const pidFile = join(dir, 'harness.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (pid && alive(pid)) continue;
    log(`removing the leftovers of an interrupted run: ${dir}`);
    if (pgBin && existsSync(join(dir, 'pg', 'postmaster.pid'))) {
      asPostgres(join(pgBin, 'pg_ctl'), ['-D', join(dir, 'pg'), '-m', 'immediate', '-w', 'stop']);
    }
    // The app processes and the redis-server it started: each pid is checked against its
    // command line, so a pid reused by another program since is left alone.
    const pids = join(dir, 'pids');
    if (existsSync(pids)) {
      for (const line of readFileSync(pids, 'utf8').split('\n')) {
        const pid = Number(line.split(' ')[0]);
        if (!pid || !alive(pid)) continue;
        let cmd: string;
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (cmd.includes('chaos-app.main.js') || cmd.includes('redis-server')) {
          process.kill(pid, 'SIGKILL');
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  // PostgreSQL may run as another user (see asPostgres): it must be able to reach its folders.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'harness.pid'), String(process.pid));
  mkdirSync(join(dir, 'logs'));
  mkdirSync(join(dir, 'cwd'));
  return dir;
}

// ---- PostgreSQL -------------------------------------------------------------------------------

/** The newest PostgreSQL server binaries: --pg-bin, /usr/lib/postgresql/<n>/bin, or PATH. */
export function findPgBin(explicit?: string): string {
  const ok = (d: string) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'));
  if (explicit) {
    if (!ok(explicit)) throw new Error(`--pg-bin ${explicit}: no initdb / pg_ctl there`);
    return explicit;
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => ok(join(root, v, 'bin')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(root, versions[0], 'bin');
  }
  for (const d of (process.env.PATH ?? '').split(':')) if (d && ok(d)) return d;
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL or pass --pg-bin <dir>',
  );
}

const isRoot = () => process.getuid?.() === 0;

/** uid/gid of the `postgres` user (root runs the cluster as that user: initdb refuses root). */
function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root, and there is no `postgres` user to run the chaos cluster as (initdb refuses root): create one, or run as an ordinary user',
    );
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The command that runs a PostgreSQL binary: directly, or as `postgres` when we are root. */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [bin, args];
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) {
    return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
  }
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map(shellQuote).join(' ')]];
}

/** Synchronous, for the clean-up of an earlier run before anything starts. */
function asPostgres(bin: string, args: string[]): void {
  const [cmd, argv] = pgCommand(bin, args);
  spawnSync(cmd, argv, { stdio: 'ignore' });
}

/** Asynchronous: the harness's servers (vendor stub, receiver, load) keep running meanwhile. */
function asPostgresAsync(
  bin: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const [cmd, argv] = pgCommand(bin, args);
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.once('error', (e) => (output += String(e)));
    p.once('close', (code) => resolve({ code, output }));
  });
}

/** A PostgreSQL cluster of its own: initdb in the run directory, served on 127.0.0.1:<port>. */
export class PgCluster {
  readonly data: string;
  readonly socketDir: string;
  readonly logFile: string;
  port = 0;

  constructor(
    private readonly bin: string,
    dir: string,
  ) {
    this.data = join(dir, 'pg');
    this.socketDir = join(dir, 'pgsock');
    this.logFile = join(dir, 'pglog', 'postgres.log');
    for (const d of [this.data, this.socketDir, join(dir, 'pglog')]) mkdirSync(d);
    if (isRoot()) {
      const { uid, gid } = postgresUser();
      for (const d of [this.data, this.socketDir, join(dir, 'pglog')]) chownSync(d, uid, gid);
    }
  }

  url(db: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  private async run(tool: string, args: string[]): Promise<void> {
    const r = await asPostgresAsync(join(this.bin, tool), args);
    if (r.code !== 0) {
      const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${tool} ${args.join(' ')} failed (${r.code}):\n${r.output}\n${tail}`);
    }
  }

  private opts(): string {
    // fsync off: a throwaway cluster, and every stop here is a clean (fast) shutdown.
    return [
      `-p ${this.port}`,
      `-k ${this.socketDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
  }

  async init(): Promise<void> {
    this.port = await freePort();
    await this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8']);
    await this.start();
  }

  start(): Promise<void> {
    return this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      this.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      this.opts(),
      'start',
    ]);
  }

  /** Fast shutdown: sessions are disconnected, open transactions roll back. */
  stop(): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  restart(): Promise<void> {
    return this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      this.logFile,
      '-m',
      'fast',
      '-w',
      '-t',
      '60',
      '-o',
      this.opts(),
      'restart',
    ]);
  }

  /** Stops it whatever its state (cleanup). */
  destroy(): void {
    if (existsSync(join(this.data, 'postmaster.pid'))) {
      asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    }
  }

  /** Resolves once a connection succeeds (pg_ctl -w already waits; this is the client's view). */
  async ready(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const c = new Client({
        connectionString: this.url('postgres'),
        connectionTimeoutMillis: 1000,
      });
      try {
        await c.connect();
        await c.query('SELECT 1');
        await c.end();
        return;
      } catch (err) {
        await c.end().catch(() => undefined);
        if (Date.now() > until) throw err;
        await sleep(50);
      }
    }
  }
}

// ---- Redis ------------------------------------------------------------------------------------

/** redis-server of its own on 127.0.0.1:<port>, no persistence configured, data in the run dir. */
export class RedisServer {
  private proc?: ChildProcess;
  private exited?: Promise<void>;
  private readonly dir: string;
  private readonly log: WriteStream;
  port = 0;

  constructor(private readonly runDir: string) {
    this.dir = join(runDir, 'redis');
    mkdirSync(this.dir);
    this.log = createWriteStream(join(runDir, 'logs', 'redis.log'), { flags: 'a' });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout!.pipe(this.log, { end: false });
    proc.stderr!.pipe(this.log, { end: false });
    this.proc = proc;
    this.exited = new Promise((r) => proc.once('close', () => r()));
    proc.once('error', (e) => this.log.write(`[spawn error] ${e.message}\n`));
    appendFileSync(join(this.runDir, 'pids'), `${proc.pid} redis\n`);
    await this.ready();
  }

  async ready(timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        connectTimeout: 1000,
      });
      r.on('error', () => undefined);
      try {
        await r.connect();
        // LOADING while it reads its dump: not ready yet.
        if ((await r.ping()) === 'PONG') {
          r.disconnect();
          return;
        }
      } catch (err) {
        if (Date.now() > until) throw err;
      } finally {
        r.disconnect();
      }
      await sleep(25);
    }
  }

  /**
   * Stops the server. `save`: SHUTDOWN SAVE writes a snapshot that the next start loads (a
   * restart of a Redis with persistence, as production runs it); otherwise SHUTDOWN NOSAVE
   * (every queue, job and lock is gone).
   */
  async stop(save: boolean): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    const r = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.call('SHUTDOWN', save ? 'SAVE' : 'NOSAVE').catch(() => undefined);
    r.disconnect();
    const late = await Promise.race([
      this.exited!.then(() => false),
      sleep(15_000).then(() => true),
    ]);
    if (late) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  async destroy(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
    this.log.end();
  }
}

// ---- app processes ----------------------------------------------------------------------------

/** One Assay process (dist/bench/chaos/chaos-app.main.js), its output appended to logs/<name>.log. */
export class AppProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  readonly startedAt = Date.now();
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** We killed or stopped it (an exit we did not ask for is reported). */
  expectedExit = false;
  port = 0;
  readyAt = 0;
  private tail: string[] = [];
  private listening?: (port: number) => void;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    runDir: string,
  ) {
    this.log = createWriteStream(join(runDir, 'logs', `${name}.log`), { flags: 'a' });
    this.proc = spawn(process.execPath, [script], {
      cwd: join(runDir, 'cwd'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    appendFileSync(join(runDir, 'pids'), `${this.proc.pid} ${name}\n`);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        this.tail.push(line.slice(0, 500));
        if (this.tail.length > 40) this.tail.shift();
        if (line.startsWith(LISTENING)) {
          try {
            this.listening?.((JSON.parse(line) as { port: number }).port);
          } catch {
            /* not our line after all */
          }
        }
      }
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((r) =>
      this.proc.once('close', (code, signal) => {
        this.exit = { code, signal };
        this.log.end();
        r();
      }),
    );
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.tail.join('\n');
  }

  /** Resolves once the process says it listens (it has booted: checks, migrations, workers). */
  ready(timeoutMs = 120_000): Promise<this> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.output()}`)),
        timeoutMs,
      );
      this.listening = (port) => {
        clearTimeout(timer);
        this.port = port;
        this.readyAt = Date.now();
        resolve(this);
      };
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(
          new Error(
            `${this.name} exited during start-up (${JSON.stringify(this.exit)}):\n${this.output()}`,
          ),
        );
      });
    });
  }

  /** SIGKILL: the process dies at once, like a crash or an OOM kill. */
  async kill(): Promise<void> {
    this.expectedExit = true;
    if (this.running) this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.expectedExit = true;
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const late = await Promise.race([
      this.exited.then(() => false),
      sleep(graceMs).then(() => true),
    ]);
    if (late) await this.kill();
  }
}
