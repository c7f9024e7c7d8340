import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, ApiError, LocalFileError } from '../../src/cli/api-client';
import { interactionCells } from '../../src/cli/interactions-submit/run';

/**
 * The multipart upload of the CLI's client (the file a Blob read from disk as it is sent, the key
 * sent, an upload not repeated after a 503) and the cells of a conversation (units).
 */
describe('assay interactions (units)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assay-cli-units-'));
    writeFileSync(join(dir, 'a.wav'), Buffer.alloc(4096, 7));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const clientWith = (answers: Response[]) => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetchFn = (async (url: URL, init: RequestInit) => {
      calls.push({ url: String(url), init });
      return answers.shift()!;
    }) as unknown as typeof fetch;
    return {
      calls,
      client: new ApiClient({ baseUrl: 'http://x', apiKey: 'k1' }, undefined, fetchFn),
    };
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('postForm sends the fields and the file as a Blob of it (no JSON content-type)', async () => {
    const { calls, client } = clientWith([json(202, { job_id: 'j1', state: 'PENDING' })]);
    const res = await client.postForm(
      '/api/v1/interactions',
      { user_id: 'u1', mode: 'recap', skipped: undefined },
      { file: { path: join(dir, 'a.wav') } },
    );
    expect(res).toEqual({ status: 202, body: { job_id: 'j1', state: 'PENDING' } });
    const { url, init } = calls[0];
    expect(url).toBe('http://x/api/v1/interactions');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ 'x-api-key': 'k1' });
    expect((init.headers as Record<string, string>)['content-type']).toBeUndefined();
    const form = init.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect([...form.keys()]).toEqual(['user_id', 'mode', 'file']);
    const file = form.get('file') as File;
    expect(file.name).toBe('a.wav');
    expect(file.size).toBe(4096);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.alloc(4096, 7))).toBe(true);
  });

  it('an upload is not sent again after a 503; a missing file is a LocalFileError', async () => {
    const { calls, client } = clientWith([json(503, { title: 'Busy' })]);
    const sent = client.postForm('/p', { user_id: 'u' }, { file: { path: join(dir, 'a.wav') } });
    await expect(sent).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(1);
    const missing = client.postForm('/p', {}, { file: { path: join(dir, 'nope.wav') } });
    await expect(missing).rejects.toThrow(LocalFileError);
    await expect(missing).rejects.toThrow('cannot read nope.wav: ENOENT');
    await expect(client.postForm('/p', {}, { file: { path: dir, name: 'd' } })).rejects.toThrow(
      'cannot read d: not a file',
    );
    expect(calls).toHaveLength(1);
  });

  it('cells: lines, PII sum, people with company and label, the first draft, the summary', () => {
    expect(
      interactionCells({
        id: 'i',
        state: 'SUCCESS',
        transcript: { lines: [{}, {}] },
        pii_counts: { EMAIL: 2, PHONE: 1 },
        persons: [
          { name: 'Ann', company: 'Acme', profile: { label: 'medium' } },
          { name: 'Bo', company: null, profile: null },
        ],
        synthesis: {
          summary: 'S',
          drafts: [
            { subject: 'one', message: 'm1' },
            { subject: 'two', message: 'm2' },
          ],
        },
      }),
    ).toEqual(['2', '3', 'Ann (Acme) [medium]; Bo', 'one', 'm1', 'S']);
    expect(interactionCells({ id: 'i', state: 'ERROR', transcript: null })).toEqual([
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  });
});
