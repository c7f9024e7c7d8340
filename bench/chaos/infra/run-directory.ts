/**
 * The chaos run's directory: one temporary directory (`assay-chaos-*` under the OS temp dir)
 * for its PostgreSQL, Redis, app logs and pids, removed at the end.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asPostgres } from './postgres';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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
  // PostgreSQL may run as another user (see asPostgres in postgres.ts): it must be able to reach its folders.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'harness.pid'), String(process.pid));
  mkdirSync(join(dir, 'logs'));
  mkdirSync(join(dir, 'cwd'));
  return dir;
}
