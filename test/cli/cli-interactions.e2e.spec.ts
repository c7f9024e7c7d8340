import { parse } from 'csv-parse/sync';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { deepgramAnswer, interactionsLlm } from '../interactions/interactions-llm';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { cliEnv, removeTempDirs, runCli, tempDir } from './cli-harness';

type Row = Record<string, string>;
const AUDIO = join(__dirname, '..', 'fixtures', 'audio');
const ADDED = [
  'job_id',
  'state',
  'lines',
  'pii_removed',
  'people',
  'top_draft_subject',
  'top_draft_message',
  'summary',
  'status',
  'error',
];

/**
 * `assay interactions submit|status` in-process against the booted app (Deepgram-shaped and
 * OpenAI-compatible stubs): a CSV naming recordings → one conversation per row with its
 * transcript size, PII removed, people, first draft and summary; a file that is not audio, a
 * truncated one and a missing one are rejected with the reason; a re-run sends nothing; a row
 * left unfinished is waited for again without a new upload; a conversation ending in ERROR is
 * failed with its error.
 */
describe('assay interactions (CLI against a booted app)', () => {
  let t: TestApp;
  let deepgram: VendorStub;
  let openai: VendorStub;
  let env: Record<string, string>;
  let audioDir: string;
  let dir: string;
  const user = `cli-user-${Date.now()}`;
  /** Set: the speech-to-text vendor refuses the key (the transcription fails for good). */
  let vendorRefuses = false;
  const args = ['interactions', 'submit', '--in', 'recordings.csv', '--out', 'results.csv'];
  const readOut = (): { header: string[]; rows: Row[] } => {
    const text = readFileSync(join(dir, 'results.csv'), 'utf8');
    return {
      header: (parse(text, { to: 1 }) as string[][])[0],
      rows: parse(text, { columns: true }) as Row[],
    };
  };
  const listed = async (): Promise<number> => {
    const res = await fetch(`${t.url}/api/v1/interactions?user_id=${user}`, {
      headers: authHeaders,
    });
    return ((await res.json()) as { items: unknown[] }).items.length;
  };

  beforeAll(async () => {
    audioDir = mkdtempSync(join(tmpdir(), 'assay-cli-audio-'));
    deepgram = await VendorStub.start(() =>
      vendorRefuses
        ? { status: 401, json: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' } }
        : { json: deepgramAnswer() },
    );
    openai = await VendorStub.start(interactionsLlm() as never);
    t = await startTestApp({
      INTERACTIONS_AUDIO_DIR: audioDir,
      DEEPGRAM_API_KEY: 'dg-test-key',
      DEEPGRAM_BASE_URL: deepgram.url,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-interactions',
      OPENAI_TRANSCRIBE_ENABLED: 'false',
    });
    env = cliEnv(t.url);
    dir = tempDir();
    mkdirSync(join(dir, 'calls'));
    copyFileSync(join(AUDIO, 'two-voices.wav'), join(dir, 'calls', 'summit.wav'));
    copyFileSync(join(AUDIO, 'not-audio.mp3'), join(dir, 'calls', 'notes.mp3'));
    copyFileSync(join(AUDIO, 'truncated.wav'), join(dir, 'calls', 'cut.wav'));
    writeFileSync(
      join(dir, 'recordings.csv'),
      [
        'Recording,User ID,Mode',
        `calls/summit.wav,${user},`,
        `calls/notes.mp3,${user},recap`,
        `calls/missing.wav,${user},live`,
        `calls/cut.wav,${user},live`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await t?.close();
    await deepgram?.close();
    await openai?.close();
    rmSync(audioDir, { recursive: true, force: true });
    removeTempDirs();
  });

  it('writes a row per recording; refused files are rejected; a re-run sends nothing', async () => {
    const r = await runCli([...args, '--progress', 'plain'], env, { cwd: dir });
    expect(r.stderr).toContain('done: 4 recording(s)');
    expect(r.code).toBe(0);
    const { header, rows } = readOut();
    expect(header).toEqual(['Recording', 'User ID', 'Mode', ...ADDED]);
    const [summit, notes, missing, cut] = rows;
    expect(summit).toEqual({
      Recording: 'calls/summit.wav',
      'User ID': user,
      Mode: '',
      job_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'SUCCESS',
      lines: '4',
      pii_removed: '3',
      people: 'Priya Patel (Acme Robotics) [high_confidence]',
      top_draft_subject: 'GPU capacity for Acme Robotics',
      top_draft_message: 'Hi Priya, we met through a colleague at the robotics summit…',
      summary: 'Dana met someone at a robotics summit who introduced Priya Patel, who needs GPUs.',
      status: 'succeeded',
      error: '',
    });
    // The upload reached the vendor as the file on disk (streamed, not re-encoded).
    expect(deepgram.requests).toHaveLength(1);
    expect(notes).toMatchObject({ job_id: '', state: '', status: 'rejected' });
    // The API's 415, in its words (the field it is about, then why).
    expect(notes.error).toMatch(
      /^file: The file is not a supported audio type .*content matches none/,
    );
    expect(missing).toMatchObject({
      job_id: '',
      status: 'rejected',
      error: 'no file calls/missing.wav',
    });
    expect(cut).toMatchObject({ job_id: '', status: 'rejected' });
    expect(cut.error).toMatch(/^file: /);
    expect(await listed()).toBe(1);

    // The detail the output was made from, through `interactions status`.
    const shown = await runCli(['interactions', 'status', summit.job_id], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^state: +SUCCESS$/m);
    expect(shown.stdout).toMatch(/^people: +Priya Patel \(Acme Robotics\) \[high_confidence\]$/m);
    const json = await runCli(['interactions', 'status', summit.job_id, '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: summit.job_id, state: 'SUCCESS' });

    const calls = [deepgram.requests.length, openai.requests.length];
    const again = await runCli(args, env, { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('4 skipped as already done');
    expect([deepgram.requests.length, openai.requests.length]).toEqual(calls);
    expect(await listed()).toBe(1);
    expect(readOut().rows).toEqual(rows);
  });

  it('a row left unfinished is waited for again, not uploaded again', async () => {
    const { header, rows } = readOut();
    const at = (c: string) => header.indexOf(c);
    const cells = rows.map((r) => header.map((h) => r[h]));
    // As a run stopped while waiting leaves it: the job id, no result, status error.
    const first = cells[0];
    for (const c of ADDED.slice(1, -2)) first[at(c)] = '';
    first[at('status')] = 'error';
    first[at('error')] = 'not finished when this file was written: run again to resume';
    writeFileSync(join(dir, 'results.csv'), stringify([header, ...cells]));

    const uploads = deepgram.requests.length;
    const r = await runCli(args, env, { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 skipped as already done');
    expect(deepgram.requests.length).toBe(uploads);
    expect(await listed()).toBe(1);
    expect(readOut().rows).toEqual(rows);
  });

  it('a conversation that ends in ERROR is failed, with its error code and message', async () => {
    vendorRefuses = true;
    writeFileSync(join(dir, 'failing.csv'), `file,user_id\ncalls/summit.wav,${user}-2\n`);
    const r = await runCli(
      ['interactions', 'submit', '-i', 'failing.csv', '-o', 'failing-out.csv'],
      env,
      { cwd: dir },
    );
    vendorRefuses = false;
    expect(r.code).toBe(0);
    const [row] = parse(readFileSync(join(dir, 'failing-out.csv'), 'utf8'), {
      columns: true,
    }) as Row[];
    expect(row).toMatchObject({ state: 'ERROR', status: 'failed', lines: '', people: '' });
    expect(row.job_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.error).toMatch(/^TRANSCRIPTION_FAILED: /);
  });

  it('a missing column is a usage error', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'file\ncalls/summit.wav\n');
    const r = await runCli(['interactions', 'submit', '-i', 'bad.csv', '-o', 'x.csv'], env, {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the input has no user_id column');
  });
});
