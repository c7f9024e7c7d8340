import { parse } from 'csv-parse/sync';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openaiEnv } from '../leads/leads-env';
import { CAPTURED_AT, PERSON_URL } from '../research/activity-fixtures';
import { researchLlm } from '../research/research-llm';
import { startTestApp, TestApp } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { cliEnv, removeTempDirs, runCli, tempDir } from './cli-harness';

/**
 * `assay research linkedin` in-process against the booted app: a CSV naming leads and the files
 * of their captured activity → each lead's report summary and first email draft; a row whose
 * file is missing is rejected with the reason; a re-run resumes and sends nothing again.
 */
describe('assay research linkedin (CLI against a booted app)', () => {
  let t: TestApp;
  let openai: VendorStub;
  let env: Record<string, string>;
  let dir: string;
  const readOut = () =>
    parse(readFileSync(join(dir, 'reports.csv'), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;

  beforeAll(async () => {
    openai = await VendorStub.start(
      researchLlm({
        companyIds: ['posts-1'],
        colleague: () => 'Priya Patel',
        product: 'Acme Pipeline',
        oldId: 'none',
      }) as never,
    );
    t = await startTestApp(openaiEnv(openai));
    env = cliEnv(t.url);
    dir = tempDir();
    mkdirSync(join(dir, 'captures'));
    const fixtures = join(__dirname, '..', 'research', 'fixtures');
    copyFileSync(join(fixtures, 'posts-original.html'), join(dir, 'captures', 'jane-posts.html'));
    const lead = `cli-lead-${Date.now()}`;
    // Its own company name: the LLM's answers to other suites' prompts (same captures) are cached
    // in this run's database, and the prompts name the company.
    writeFileSync(
      join(dir, 'leads.csv'),
      [
        'Lead ID,Person Name,LinkedIn URL,Company,Posts File,Comments File,Reactions File,Captured At',
        `${lead},Jane Doe,${PERSON_URL},Acme Holdings,captures/jane-posts.html,,,${CAPTURED_AT.toISOString()}`,
        `${lead}-2,Jo Roe,https://www.linkedin.com/in/jo-roe,Acme Corp,captures/missing.html,,,`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await t?.close();
    await openai?.close();
    removeTempDirs();
  });

  it('writes a row per lead with its report; a missing capture file is rejected; a re-run resumes', async () => {
    const r = await runCli(
      ['research', 'linkedin', '--in', 'leads.csv', '--out', 'reports.csv', '--progress', 'plain'],
      env,
      { cwd: dir },
    );
    expect(r.stderr).toContain('done: 2 lead(s)');
    const [jane, jo] = readOut();
    expect(jane).toMatchObject({
      status: 'succeeded',
      activities: '3',
      analysed: '3',
      company_related: '1',
      interests: 'Revenue operations; Hiring',
      email_subject: 'Your Q3 numbers',
      error: '',
    });
    expect(jane.report_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(jo).toMatchObject({ status: 'rejected', error: 'no file captures/missing.html' });

    const calls = openai.requests.length;
    const again = await runCli(
      ['research', 'linkedin', '--in', 'leads.csv', '--out', 'reports.csv'],
      env,
      {
        cwd: dir,
      },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 skipped as already done');
    expect(openai.requests.length).toBe(calls);
    expect(readOut()).toHaveLength(2);
  });
});
