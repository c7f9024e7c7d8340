import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { apolloBehaviour, scoreOfTitle } from '../leads/apollo-people';
import { apolloEnv, openaiEnv } from '../leads/leads-env';
import { leadLlm } from '../leads/llm-reply';
import { cliEnv, removeTempDirs, runCli, tempDir } from './cli-harness';

/**
 * `assay leads generate` in-process against the booted app with Apollo and an LLM stubbed: a CSV
 * of accounts (one with an unusable website) → a CSV with a row per lead, highest fit first,
 * formula-safe; a re-run skips the accounts done and asks the vendor nothing.
 */
describe('assay leads generate (CLI against a booted app)', () => {
  let t: TestApp;
  let apollo: VendorStub;
  let openai: VendorStub;
  let env: Record<string, string>;
  let dir: string;
  const tag = randomUUID().slice(0, 8);
  const out = () => join(dir, 'leads.csv');
  const readOut = () =>
    parse(readFileSync(out(), 'utf8'), { columns: true }) as Array<Record<string, string>>;
  const generate = (extra: string[] = []) =>
    runCli(
      [
        'leads',
        'generate',
        '--in',
        'accounts.csv',
        '--out',
        'leads.csv',
        '--product',
        'product.json',
        ...extra,
      ],
      env,
      { cwd: dir },
    );

  beforeAll(async () => {
    apollo = await VendorStub.start(apolloBehaviour(() => 6) as never);
    openai = await VendorStub.start(leadLlm({ score: (l) => scoreOfTitle(l.title) }) as never);
    t = await startTestApp({ ...apolloEnv(apollo), ...openaiEnv(openai) });
    env = cliEnv(t.url);
    dir = tempDir();
    writeFileSync(
      join(dir, 'accounts.csv'),
      [
        'Account ID,Company,Website',
        `acct-a-${tag},=cmd(),https://alpha-${tag}.example/`,
        `acct-b-${tag},Nowhere,not a website`,
        `acct-c-${tag},Gamma,gamma-${tag}.com`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'product.json'),
      JSON.stringify({
        name: `Copilot ${tag}`,
        description: 'AI follow-ups for sales teams',
        persona_role_titles: {
          buyers: ['VP of Sales', 'Chief Revenue Officer'],
          influencers: ['Sales Operations Manager'],
          end_users: ['Account Executive'],
        },
      }),
    );
  });
  afterAll(async () => {
    await t?.close();
    await apollo?.close();
    await openai?.close();
    removeTempDirs();
  });

  it('--dry-run prints the estimate and names the account that would fail', async () => {
    const r = await generate(['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/provider calls:\s+\d+ at most/);
    expect(r.stdout).toMatch(/would fail:\s+1 row\(s\)\n\s+row 2: .*website/);
  });

  it('writes a row per lead, highest fit first, with the accounts and statuses; a re-run skips them', async () => {
    const r = await generate(['--progress', 'plain']);
    expect(r.code).toBe(0);
    const rows = readOut();
    const a = rows.filter((x) => x['Account ID'] === `acct-a-${tag}`);
    expect(a).toHaveLength(6);
    expect(a.map((x) => Number(x.fit_score))).toEqual([91, 91, 84, 72, 66, 15]);
    expect(a[0]).toMatchObject({
      lead_title: 'VP of Sales',
      persona_match: 'buyer',
      qualified: 'yes',
      assay_status: 'succeeded',
    });
    expect(a[5]).toMatchObject({ lead_title: 'Office Manager', qualified: 'no' });
    // Formula-safe: the company cell is escaped.
    expect(a[0].Company).toBe("'=cmd()");
    const b = rows.filter((x) => x['Account ID'] === `acct-b-${tag}`);
    expect(b).toEqual([expect.objectContaining({ assay_status: 'rejected', lead_name: '' })]);
    expect(rows.filter((x) => x['Account ID'] === `acct-c-${tag}`)).toHaveLength(6);
    expect(r.stderr).toMatch(/done: 3 account\(s\), 12 lead\(s\)/);

    const calls = apollo.requests.length + openai.requests.length;
    const again = await generate(['--progress', 'plain']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/3 skipped as already done/);
    expect(apollo.requests.length + openai.requests.length).toBe(calls);
    expect(readOut()).toEqual(rows);
  });

  it('refuses a product file without personas, before anything is sent', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'x' }));
    const r = await runCli(
      ['leads', 'generate', '--in', 'accounts.csv', '--out', 'x.csv', '--product', 'bad.json'],
      env,
      { cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('persona_role_titles');
  });
});
