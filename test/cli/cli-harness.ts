import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliStream } from '../../src/cli/io';
import { run } from '../../src/cli/main';
import { API_KEY } from '../support/env';
import { useTestApp } from '../support/test-app';

/** A stream that keeps what is written (a terminal when `isTTY`). */
export class Capture implements CliStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The columns `accounts enrich` writes after the input's, in order; `linkedin` is the name of the
 * linkedin_url column (renamed when the input has one of that name).
 */
export const resultColumns = (linkedin = 'linkedin_url') => [
  'company_name',
  'industry',
  'location',
  'employee_count',
  'founded_year',
  linkedin,
  'technologies',
  'customers',
  'competitors',
  'analysis_summary',
  'assay_job_id',
  'assay_status',
  'assay_error',
];

/** The environment of a CLI run against `url` with the test key (fast polling). */
export function cliEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ASSAY_URL: url, ASSAY_API_KEY: API_KEY, ASSAY_POLL_INTERVAL_MS: '25', ...extra };
}

/**
 * For a describe block: the app booted in beforeAll (with `appEnv`), and `env`, the CLI's
 * environment against it (filled in then: pass the object itself around). The app is closed and
 * the temporary folders removed in afterAll.
 */
export function useCliApp(appEnv: Record<string, string> = {}) {
  const app = useTestApp(appEnv);
  const env: Record<string, string> = {};
  beforeAll(() => {
    Object.assign(env, cliEnv(app.t.url));
  });
  afterAll(() => {
    removeTempDirs();
  });
  return { app, env };
}

/** Runs `assay <argv>` in-process with captured stdout/stderr. */
export async function runCli(
  argv: string[],
  env: Record<string, string>,
  opts: {
    cwd?: string;
    tty?: boolean;
    signal?: AbortSignal;
    /** Called after each write to stderr with everything written so far. */
    onStderr?: (text: string) => void;
  } = {},
): Promise<CliResult> {
  const stdout = new Capture(false);
  const stderr = new Capture(!!opts.tty);
  if (opts.onStderr) {
    const write = stderr.write.bind(stderr);
    stderr.write = (chunk: string) => {
      write(chunk);
      opts.onStderr!(stderr.text);
      return true;
    };
  }
  const code = await run(argv, env, { stdout, stderr, cwd: opts.cwd, signal: opts.signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const dirs: string[] = [];

/** A fresh temporary folder for CSV files (removed by removeTempDirs). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-cli-'));
  dirs.push(dir);
  return dir;
}

/** Removes every folder tempDir() made (for afterAll). */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
