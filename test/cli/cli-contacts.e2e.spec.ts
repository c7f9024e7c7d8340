import { parse } from 'csv-parse/sync';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apolloEnv } from '../contacts/apollo-bulk';
import { apolloBulkMatch, BULK_MATCH_PATH } from '../support/apollo-bulk-match';
import { API_KEY } from '../support/env';
import { startTestApp, TestApp } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { cliEnv, removeTempDirs, runCli, tempDir } from './cli-harness';

const RESULT_COLUMNS = [
  'assay_email',
  'name',
  'job_title',
  'assay_company',
  'industry',
  'company_website',
  'phone_numbers',
  'linkedin_url',
  'twitter_url',
  'city',
  'state',
  'country',
  'confidence',
  'source',
  'enriched_at',
  'assay_job_id',
  'assay_status',
  'assay_error',
];

/**
 * `assay contacts enrich` in-process against the booted app, Apollo's bulk_match at a local stub:
 * a CSV of 12 contacts (one names no one, one repeats another, one holds a formula) in chunks of 5
 * → an output CSV with the enriched columns; the dry run; a re-run that sends nothing; the same
 * input into another file (same tasks back); the rows reordered in one chunk (no vendor call).
 */
describe('assay contacts enrich (CLI against a booted app)', () => {
  let t: TestApp;
  let stub: VendorStub;
  let env: Record<string, string>;
  let dir: string;
  const tag = randomBytes(4).toString('hex');
  const formula = '=HYPERLINK("http://evil.example","x")';
  const email = (i: number) => `${i % 3 ? 'known' : 'unknown'}-${tag}-${i}@acme.com`;
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => [`id-${i}`, `First${i}`, email(i), 'Acme']),
    ['id-10', 'Nobody', '', 'Acme'],
    ['id-11', formula, email(1), 'Acme'],
  ];
  const csv = (list: string[][]) =>
    [
      'id,first_name,email,company',
      ...list.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')),
    ].join('\n') + '\n';
  const enrich = (args: string[]) =>
    runCli(['contacts', 'enrich', '--in', 'contacts.csv', ...args], env, { cwd: dir });
  const read = (file: string) =>
    parse(readFileSync(join(dir, file), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
  const bulkCalls = () => stub.requests.filter((r) => r.path === BULK_MATCH_PATH).length;
  // A key of this suite's own tenant: it sees this suite's tasks only (other suites share the DB).
  const key = `cli-contacts-key-${randomBytes(8).toString('hex')}`;
  const taskCount = async () => {
    const res = await fetch(`${t.url}/api/v1/tasks?task_name=contact_enrichment&limit=500`, {
      headers: { 'x-api-key': key },
    });
    return ((await res.json()) as { items: unknown[] }).items.length;
  };

  beforeAll(async () => {
    stub = await VendorStub.start(apolloBulkMatch);
    t = await startTestApp({
      ...apolloEnv(stub.url),
      ASSAY_API_KEYS: `${API_KEY},${key}:cli-contacts-${tag}`,
    });
    env = cliEnv(t.url, { ASSAY_API_KEY: key });
    dir = tempDir();
    writeFileSync(join(dir, 'contacts.csv'), csv(rows));
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
    removeTempDirs();
  });

  it('--dry-run prints the estimate, names the row that would be rejected, and creates nothing', async () => {
    const r = await enrich(['--dry-run', '--chunk', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Dry run, nothing created: 12 contact(s) of contacts.csv would be sent in 3 task(s)',
    );
    expect(r.stdout).toMatch(/valid contacts: +11/);
    // Chunks of 5, 5 and 1 valid contact(s): a vendor call each, $0.10 a contact at worst.
    expect(r.stdout).toMatch(/vendor calls: +3 at most/);
    expect(r.stdout).toMatch(/estimated cost: +\$0 – \$1\.1\n/);
    expect(r.stdout).toContain('would be rejected: 1 row(s)');
    expect(r.stdout).toContain(
      'row 11: email: needs an email, a linkedin_url, or a name with a company or domain',
    );
    expect(bulkCalls()).toBe(0);
    expect(await taskCount()).toBe(0);
  });

  it('writes the input columns, the enriched columns and a status per row, formula-safe', async () => {
    const r = await enrich(['--out', 'out.csv', '--chunk', '5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('enriching 12 of 12 contact(s) of contacts.csv into out.csv');
    // Two chunks at once: their lines come in any order, the count is the run's so far.
    expect(r.stderr).toMatch(/^\[\d+\/12\] rows 1–5: 3 enriched, 2 unenriched \(/m);
    expect(r.stderr).toMatch(
      /done: 12 contact\(s\) → .*out\.csv \(7 enriched, 4 unenriched, 1 rejected/,
    );
    const out = read('out.csv');
    expect(Object.keys(out[0])).toEqual([
      'id',
      'first_name',
      'email',
      'company',
      ...RESULT_COLUMNS,
    ]);
    expect(out.map((o) => o.id)).toEqual(rows.map((row) => row[0]));
    expect(out.map((o) => o.assay_status)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => (i % 3 ? 'enriched' : 'unenriched')),
      'rejected',
      'enriched',
    ]);
    expect(out[1]).toMatchObject({
      assay_email: email(1),
      name: `Person known-${tag}-1`,
      job_title: 'Founder & CEO',
      city: 'San Francisco',
      source: 'apollo',
      confidence: '0.9',
      assay_error: '',
    });
    expect(out[1].enriched_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(out[0]).toMatchObject({ assay_status: 'unenriched', assay_error: 'no_match' });
    expect(out[10].assay_error).toContain('needs an email');
    // The formula cell is written as text, as every cell that starts with = + - @.
    expect(out[11].first_name).toBe(`'${formula}`);
    expect(bulkCalls()).toBe(3);
    expect(await taskCount()).toBe(3);
  });

  it('a re-run sends nothing: every row is done in the output', async () => {
    const before = readFileSync(join(dir, 'out.csv'), 'utf8');
    const r = await enrich(['--out', 'out.csv', '--chunk', '5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('enriching 0 of 12 contact(s)');
    expect(r.stderr).toContain('12 skipped as already done');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(before);
    expect(bulkCalls()).toBe(3);
    expect(await taskCount()).toBe(3);
  });

  it('the same input into another file gets its tasks back (Idempotency-Key of each chunk)', async () => {
    const r = await enrich(['--out', 'again.csv', '--chunk', '5', '--progress', 'none']);
    expect(r.code).toBe(0);
    expect(read('again.csv').map((o) => o.assay_job_id)).toEqual(
      read('out.csv').map((o) => o.assay_job_id),
    );
    expect(bulkCalls()).toBe(3);
    expect(await taskCount()).toBe(3);
  });

  it('the contacts reordered, in one task: a new task, answered from the cache', async () => {
    writeFileSync(join(dir, 'contacts.csv'), csv([...rows.slice(0, 10)].reverse()));
    const a = await enrich(['--out', 'one.csv', '--chunk', '100']);
    expect(a.code).toBe(0);
    const calls = bulkCalls();
    writeFileSync(join(dir, 'contacts.csv'), csv(rows.slice(0, 10)));
    const b = await enrich(['--out', 'two.csv', '--chunk', '100', '--json']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ total: 10, chunks: 1, unfinished: 0 });
    expect(bulkCalls()).toBe(calls);
    expect(read('two.csv').map((o) => o.assay_status)).toEqual(
      [...read('one.csv')].reverse().map((o) => o.assay_status),
    );
  });

  it('refuses an input without an email, LinkedIn or name column', async () => {
    writeFileSync(join(dir, 'contacts.csv'), 'id,company\n1,Acme\n');
    const r = await enrich(['--out', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no email, LinkedIn or name column found');
  });
});
