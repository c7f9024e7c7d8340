import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { columnAnswer, llmBehaviour } from '../custom-columns/llm-stub';
import { cliEnv, removeTempDirs, runCli, tempDir } from './cli-harness';

/**
 * `assay columns run` in-process against the booted app with an OpenAI-compatible stub: a CSV of
 * accounts → the same rows with the value, confidence, rationale, sources, status and error; a
 * re-run is served from the stored values (no LLM call).
 */
describe('assay columns run (CLI against a booted app)', () => {
  let t: TestApp;
  let llm: VendorStub;
  let env: Record<string, string>;
  let dir: string;
  const tag = randomUUID().slice(0, 8);
  const segments: Record<string, unknown> = { Alpha: 'enterprise', Beta: 'SMB', Gamma: 'Galactic' };
  const readOut = () =>
    parse(readFileSync(join(dir, 'out.csv'), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
  const columns = (extra: string[] = []) =>
    runCli(
      [
        'columns',
        'run',
        '--question',
        `Which market segment is this company in? (${tag})`,
        '--type',
        'enum',
        '--values',
        'SMB,Mid-Market,Enterprise',
        '--name',
        'segment',
        '--in',
        'accounts.csv',
        '--out',
        'out.csv',
        ...extra,
      ],
      env,
      { cwd: dir },
    );

  beforeAll(async () => {
    llm = await VendorStub.start(
      llmBehaviour((a) => {
        const name = Object.keys(segments).find((n) => a.text.includes(`${n} ${tag}`));
        return columnAnswer(name ? segments[name] : null, 0.75, [], `Segment of ${name}.`);
      }),
    );
    t = await startTestApp({
      OPENAI_BASE_URL: `${llm.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-cli-columns',
    });
    env = cliEnv(t.url);
    dir = tempDir();
    writeFileSync(
      join(dir, 'accounts.csv'),
      [
        'account_id,name,website',
        `a-${tag},Alpha ${tag},alpha.example`,
        `b-${tag},Beta ${tag},beta.example`,
        `c-${tag},Gamma ${tag},gamma.example`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
    removeTempDirs();
  });

  it('writes each row with its value, and a re-run asks the LLM nothing', async () => {
    const r = await columns(['--concurrency', '3']);
    const rows = readOut();
    expect(rows.map((x) => [x.account_id, x.segment, x.segment_status])).toEqual([
      [`a-${tag}`, 'Enterprise', 'completed'],
      [`b-${tag}`, 'SMB', 'completed'],
      [`c-${tag}`, '', 'error'],
    ]);
    expect(rows[0]).toMatchObject({
      segment_confidence: '0.75',
      segment_rationale: `Segment of Alpha.`,
    });
    expect(rows[2].segment_error).toContain('"Galactic" is not one of the allowed values');
    expect(r.stderr).toMatch(/done: 3 row\(s\)/);
    // 2 answers + Gamma's answer and its repair.
    const calls = llm.requests.filter((q) => q.method === 'POST').length;
    expect(calls).toBe(4);

    const again = await columns();
    expect(again.code).toBe(0);
    // Alpha and Beta from the stored values; Gamma's identical prompts from the answer cache.
    expect(llm.requests.filter((q) => q.method === 'POST').length).toBe(calls);
    expect(again.stderr).toContain('2 from stored values');
    expect(readOut().map((x) => x.segment)).toEqual(['Enterprise', 'SMB', '']);
  });

  it('an enum without --values is a usage error', async () => {
    const r = await runCli(
      [
        'columns',
        'run',
        '-q',
        'Which?',
        '--type',
        'enum',
        '--in',
        'accounts.csv',
        '--out',
        'x.csv',
      ],
      env,
      { cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--type enum needs --values a,b,c');
  });
});
