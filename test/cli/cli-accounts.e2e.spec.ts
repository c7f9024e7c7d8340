import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { cliEnv, removeTempDirs, resultColumns, runCli, tempDir } from './cli-harness';

/**
 * `assay accounts enrich` in-process against the booted app, reading two local fixture company
 * sites (WEB_FETCH_ALLOWED_HOSTS=127.0.0.1): a 3-row CSV with one bad website → an output CSV with
 * statuses and the seed's result columns; dry run; --limit; Ctrl-C and resume; a re-run skips
 * the rows done and creates no task; the idempotency keys give back the same tasks.
 */
describe('assay accounts enrich (CLI against a booted app)', () => {
  let t: TestApp;
  let siteA: CompanySite;
  let siteB: CompanySite;
  let env: Record<string, string>;
  let dir: string;
  const tag = randomUUID().slice(0, 8);
  const formula = '=HYPERLINK("http://evil.example","click")';

  const out = () => join(dir, 'out.csv');
  const readOut = () =>
    parse(readFileSync(out(), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const enrich = (extra: string[] = [], opts: Parameters<typeof runCli>[2] = {}) =>
    runCli(['accounts', 'enrich', '--in', 'accounts.csv', '--out', 'out.csv', ...extra], env, {
      cwd: dir,
      ...opts,
    });
  /**
   * account_enhancement tasks of this suite's rows (by their account ids: other suites of the run
   * share the database), counted through the API.
   */
  const taskCount = async () => {
    let count = 0;
    for (const row of ['a', 'b', 'c']) {
      const res = await fetch(
        `${t.url}/api/v1/tasks?task_name=account_enhancement&account_id=acct-${row}-${tag}&limit=500`,
        { headers: authHeaders },
      );
      expect(res.status).toBe(200);
      count += ((await res.json()) as { items: unknown[] }).items.length;
    }
    return count;
  };

  beforeAll(async () => {
    siteA = await startCompanySite('brightforge-plain');
    siteB = await startCompanySite('brightforge-plain');
    t = await startTestApp({ WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1' });
    env = cliEnv(t.url);
    dir = tempDir();
    writeFileSync(
      join(dir, 'accounts.csv'),
      [
        'Account ID,Company,Website,Owner',
        `acct-a-${tag},Brightforge,${siteA.origin}/,ann`,
        `acct-b-${tag},Nowhere,not a website,bob`,
        `acct-c-${tag},"${formula.replace(/"/g, '""')}",${siteB.origin},cy`,
      ].join('\n') + '\n',
    );
  });
  afterAll(async () => {
    await t?.close();
    await siteA?.close();
    await siteB?.close();
    removeTempDirs();
  });

  it('--dry-run prints the estimate, names the row that would fail, and creates nothing', async () => {
    const text = await enrich(['--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'Dry run, nothing created: 3 row(s) of accounts.csv would be submitted',
    );
    expect(text.stdout).toMatch(/valid rows: +2/);
    expect(text.stdout).toMatch(/provider calls: +\d+ at most/);
    expect(text.stdout).toMatch(/estimated cost: +\$0 – \$0/);
    expect(text.stdout).toMatch(/would fail: +1 row\(s\)\n +row 2 not a website: .*website/);

    const json = await enrich(['--dry-run', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dry_run: true,
      rows: 3,
      skipped: 0,
      valid: 2,
      calls: 2 * t.config.WEB_SITE_MAX_PAGES,
      cost_min_usd: 0,
      cost_max_usd: 0,
      invalid: [{ row: 2, website: 'not a website' }],
    });
    expect(await taskCount()).toBe(0);
  });

  it('--limit 1 enriches the first row only', async () => {
    const res = await enrich(['--limit', '1']);
    expect(res.code).toBe(0);
    const rows = readOut();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      'Account ID': `acct-a-${tag}`,
      company_name: 'Brightforge',
      founded_year: '2016',
      linkedin_url: 'https://www.linkedin.com/company/brightforge-robotics',
      assay_status: 'succeeded',
      assay_error: '',
    });
    expect(await taskCount()).toBe(1);
  });

  it('Ctrl-C stops after the row in flight, saves it and exits 130; a re-run resumes', async () => {
    const abort = new AbortController();
    const stopped = await enrich(['--concurrency', '1'], {
      signal: abort.signal,
      // "Ctrl-C" as soon as the first row of this run is reported.
      onStderr: (text) => {
        if (/\[2\/3\]/.test(text)) abort.abort();
      },
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('run the same command again to resume');
    expect(readOut().map((r) => r.assay_status)).toEqual(['succeeded', 'failed']);
    expect(await taskCount()).toBe(2);

    const res = await enrich();
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(
      'enriching 1 of 3 row(s) of accounts.csv into out.csv (2 already done, skipped)',
    );
    expect(await taskCount()).toBe(3);
  });

  it('the output CSV: input columns, result columns and statuses, in input order, formula-safe', async () => {
    const text = readFileSync(out(), 'utf8');
    const [header, ...cells] = parse(text) as string[][];
    expect(header).toEqual(['Account ID', 'Company', 'Website', 'Owner', ...resultColumns()]);
    expect(cells).toHaveLength(3);
    const rows = readOut();
    expect(rows.map((r) => r['Account ID'])).toEqual([
      `acct-a-${tag}`,
      `acct-b-${tag}`,
      `acct-c-${tag}`,
    ]);
    for (const r of rows) expect(r.assay_job_id).toMatch(/^[0-9a-f-]{36}$/);

    expect(rows[0].technologies.split('; ')).toEqual(expect.arrayContaining(['Nginx', 'jQuery']));
    expect(rows[0].customers.split('; ')).toEqual(expect.arrayContaining(['Globex', 'Initech']));
    expect(rows[1]).toMatchObject({ company_name: '', assay_status: 'failed' });
    expect(rows[1].assay_error).toMatch(/^INVALID_WEBSITE: /);
    expect(rows[2]).toMatchObject({ company_name: 'Brightforge', assay_status: 'succeeded' });
    // The input's formula cell comes out as text.
    expect(rows[2].Company).toBe(`'${formula}`);
    for (const row of cells) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('a re-run skips every done row and creates no task; without the output file, the idempotency keys give back the same tasks', async () => {
    const before = readFileSync(out(), 'utf8');
    const again = await enrich();
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('enriching 0 of 3 row(s)');
    expect(again.stderr).toContain('3 skipped as already done');
    expect(readFileSync(out(), 'utf8')).toBe(before);
    expect(await taskCount()).toBe(3);

    const dry = await enrich(['--dry-run']);
    expect(dry.stdout).toContain(
      '0 row(s) of accounts.csv would be submitted (3 already done in out.csv, skipped)',
    );

    // A lost output: every row is sent again, with the same Idempotency-Key → the same task, no new one.
    const jobIds = readOut().map((r) => r.assay_job_id);
    rmSync(out());
    const rerun = await enrich();
    expect(rerun.code).toBe(0);
    expect(readOut().map((r) => r.assay_job_id)).toEqual(jobIds);
    expect(await taskCount()).toBe(3);
  });

  it('progress: plain lines when stderr is not a terminal, a bar with rate and ETA when it is', async () => {
    rmSync(out());
    const plain = await enrich();
    const lines = plain.stderr.split('\n').filter((l) => l.startsWith('['));
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      expect(l).toMatch(
        /^\[[123]\/3\] row [123] .+?: (succeeded|failed)( – .*)? \(\d+\.\d\d\/s, ETA \S+\)$/,
      );
    }
    expect(plain.stderr).not.toContain('\x1b');
    expect(plain.stderr).toMatch(
      /done: 3 row\(s\) → .*out\.csv \(2 succeeded, 1 failed; 0 skipped/,
    );

    rmSync(out());
    const bar = await enrich([], { tty: true });
    expect(bar.code).toBe(0);
    expect(bar.stderr).toContain('\x1b');
    expect(bar.stderr).toMatch(/3\/3 rows \| \d+\.\d\d\/s \| ETA 0s \| succeeded 2, failed 1/);
    // On a terminal the failed rows are listed once the bar is done.
    expect(bar.stderr).toMatch(/row 2 not a website: failed INVALID_WEBSITE/);
  });

  it('a wrong key stops the run at the first row with a clear message and never prints the key', async () => {
    const wrongKey = 'wrong-key-for-enrich-0123456789';
    rmSync(out(), { force: true });
    const res = await runCli(
      ['accounts', 'enrich', '--in', 'accounts.csv', '--out', 'out.csv'],
      { ...env, ASSAY_API_KEY: wrongKey },
      { cwd: dir },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/\(HTTP 401\)/);
    expect(res.stdout + res.stderr).not.toContain(wrongKey);
    expect(readOut()).toEqual([]);
  });
});
