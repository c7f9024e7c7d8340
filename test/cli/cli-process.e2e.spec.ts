import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir, useCliApp } from './cli-harness';

const ROOT = resolve(__dirname, '..', '..');
const RUN_TS = join(ROOT, 'test', 'support', 'run-ts.cjs');
const ENTRY = join(ROOT, 'test', 'cli', 'assay-entry.ts');
const BIN = join(ROOT, 'bin', 'assay.js');
const BUILT = join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` with only `env` (plus PATH), stdout and stderr piped (not terminals). */
function node(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Exit> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', rej);
    child.once('close', (code) => res({ code, stdout, stderr }));
  });
}

/** `assay` as a separate process: exit codes, piped (non-TTY) output, the bin's own checks. */
describe('assay as a child process', () => {
  const { env } = useCliApp();

  it('tasks create --wait: the job id and status on stdout, exit 0', async () => {
    const res = await node(
      [RUN_TS, ENTRY, 'tasks', 'create', 'diagnostic', '--data', '{"sleep_ms":0}', '--wait'],
      env,
    );
    expect(res.stderr).not.toMatch(/assay:/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^[0-9a-f-]{36} succeeded\n$/);
  });

  it('accounts enrich with stderr piped: plain progress lines, no escape codes; exit codes of failures', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.csv'), 'website,account_id\nnot a website,acct-proc-1\n');
    const res = await node(
      [RUN_TS, ENTRY, 'accounts', 'enrich', '--in', 'in.csv', '--out', 'out.csv'],
      env,
      dir,
    );
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^\[1\/1\] row 1 not a website: failed – INVALID_WEBSITE: .* \(\d+\.\d\d\/s, ETA 0s\)$/m,
    );
    expect(res.stderr).not.toContain('\x1b');
    expect(existsSync(join(dir, 'out.csv'))).toBe(true);

    const bad = await node([RUN_TS, ENTRY, 'tasks', 'wait'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/missing required argument 'job_id'/);
  });

  it('bin/assay.js without a build says how to build', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    copyFileSync(BIN, join(dir, 'bin', 'assay.js'));
    const res = await node([join(dir, 'bin', 'assay.js'), '--help'], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the CLI is not built');
    expect(res.stderr).toContain('npm run build');
  });

  (existsSync(BUILT) ? it : it.skip)('bin/assay.js runs the build (npm run build)', async () => {
    const version = await node([BIN, '--version'], env);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const list = await node([BIN, 'tasks', 'list', '--limit', '1', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveProperty('items');
  });
});
