/** The chaos run's own PostgreSQL cluster: never the shared 5432. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, sleep } from '../../support/common';

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
export function asPostgres(bin: string, args: string[]): void {
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

  /** pg_ctl on this cluster, waiting (up to 60 s) for the action to complete. */
  private ctl(action: 'start' | 'stop' | 'restart', ...args: string[]): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, ...args, '-w', '-t', '60', action]);
  }

  /** The server's log file and options, for the actions that start it. */
  private serverArgs(): string[] {
    return ['-l', this.logFile, '-o', this.opts()];
  }

  start(): Promise<void> {
    return this.ctl('start', ...this.serverArgs());
  }

  /** Fast shutdown: sessions are disconnected, open transactions roll back. */
  stop(): Promise<void> {
    return this.ctl('stop', '-m', 'fast');
  }

  restart(): Promise<void> {
    return this.ctl('restart', ...this.serverArgs(), '-m', 'fast');
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
