import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { InteractionsService } from '../../src/modules/interactions/api/interactions.service';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { deepgramAnswer, interactionsLlm, RAW_PII } from './interactions-llm';

type Json = Record<string, any>;
const AUDIO = join(__dirname, '..', 'fixtures', 'audio');
const ORDER = ['PENDING', 'TRANSCRIPTION', 'EMBEDDING', 'ENRICHMENT', 'SYNTHESIS', 'SUCCESS'];

/**
 * A recorded conversation through the seed routes, end to end: the upload checked by content,
 * transcribed by a Deepgram-shaped server, scrubbed before anything is stored or prompted,
 * embedded and searchable, its people found and looked up, the synthesis with its drafts; the
 * states in order; cancel mid-flow; corrupt uploads; the audio retention sweep; erasure.
 */
describe('interactions', () => {
  let t: TestApp;
  let deepgram: VendorStub;
  let openai: VendorStub;
  let dir: string;
  let release: () => void = () => undefined;
  const http = () => request(t.app.getHttpServer());
  const user = `user-${Date.now()}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-interactions-'));
    deepgram = await VendorStub.start(() => ({ json: deepgramAnswer() }));
    openai = await VendorStub.start(interactionsLlm() as never);
    t = await startTestApp({
      INTERACTIONS_AUDIO_DIR: dir,
      DEEPGRAM_API_KEY: 'dg-test-key',
      DEEPGRAM_BASE_URL: deepgram.url,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-interactions',
      OPENAI_TRANSCRIBE_ENABLED: 'false',
    });
  });
  afterAll(async () => {
    release();
    await t?.close();
    await deepgram?.close();
    await openai?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = (file: string, fields: Json = { user_id: user, mode: 'recap' }) => {
    let r = http().post('/api/v2/interactions/submit').set(authHeaders);
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return r.attach('file', join(AUDIO, file));
  };
  const status = async (id: string) =>
    (await http().get(`/api/v2/interactions/status/${id}`).set(authHeaders).expect(200)).body;

  it('goes through the states in order to SUCCESS; no raw PII is stored or prompted', async () => {
    const res = await submit('two-voices.wav');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      state: 'PENDING',
      status_url: `/api/v2/interactions/status/${res.body.job_id}`,
    });
    const id = res.body.job_id as string;
    const seen: string[] = [];
    const done = await waitFor(
      async () => {
        const s = await status(id);
        if (seen[seen.length - 1] !== s.state) seen.push(s.state);
        return ['SUCCESS', 'ERROR', 'CANCELLED'].includes(s.state) ? s : undefined;
      },
      'the interaction to end',
      60_000,
      20,
    );
    expect(done.state).toBe('SUCCESS');
    // Whatever was observed came in the seed's order.
    expect(seen.map((s) => ORDER.indexOf(s))).toEqual(
      [...seen.map((s) => ORDER.indexOf(s))].sort((a, b) => a - b),
    );
    expect(seen.every((s) => ORDER.includes(s))).toBe(true);

    const r = done.result;
    expect(r.transcript.lines).toHaveLength(4);
    expect(r.transcript.lines[2]).toMatchObject({ n: 3, speaker: 1 });
    expect(r.transcript.lines[2].text).toMatch(/\[EMAIL_1\].*\[PHONE_1\]/);
    expect(r.pii_detected).toMatchObject({ EMAIL: 1, PHONE: 1, CARD: 1 });
    expect(r.persons).toHaveLength(1);
    expect(r.persons[0]).toMatchObject({
      name: 'Priya Patel',
      lines: [2, 3],
      extracted_by: 'llm',
      profile: {
        linkedin_url: 'https://www.linkedin.com/in/priya-patel-acme',
        label: 'high_confidence',
      },
    });
    expect(r.synthesis.overlaps).toHaveLength(1);
    expect(r.synthesis.drafts).toEqual([
      expect.objectContaining({ person: 'Priya Patel', lines: [2, 3] }),
    ]);
    expect(r.metrics).toMatchObject({ people_found: 1, people_matched: 1 });

    // The vendor got the audio; nothing raw anywhere after it.
    expect(deepgram.requests[0].headers.authorization).toBe('Token dg-test-key');
    const ds = t.app.get(DataSource);
    const stored = JSON.stringify([
      await ds.query(`SELECT * FROM interactions WHERE id = $1`, [id]),
      await ds.query(`SELECT * FROM interaction_chunks WHERE interaction_id = $1`, [id]),
      await ds.query(
        `SELECT input, result, checkpoints, error FROM tasks WHERE input->>'interaction_id' = $1`,
        [id],
      ),
      await ds.query(
        `SELECT response FROM provider_cache WHERE task_id IN (SELECT id FROM tasks WHERE input->>'interaction_id' = $1)`,
        [id],
      ),
    ]);
    const prompts = JSON.stringify(openai.requests.map((q) => q.body));
    for (const pii of RAW_PII) {
      expect(stored).not.toContain(pii);
      expect(prompts).not.toContain(pii);
    }
    expect(stored).toContain('[EMAIL_1]');

    // Found again by meaning; listed for the user; the detail has every stage's output.
    const found = (
      await http()
        .get(
          `/api/v1/interactions/search?q=${encodeURIComponent('GPU capacity infrastructure')}&user_id=${user}`,
        )
        .set(authHeaders)
        .expect(200)
    ).body;
    expect(found.results[0]).toMatchObject({ interaction_id: id });
    const list = (
      await http().get(`/api/v1/interactions?user_id=${user}`).set(authHeaders).expect(200)
    ).body;
    expect(list.items.map((i: Json) => i.id)).toContain(id);
    const detail = (await http().get(`/api/v1/interactions/${id}`).set(authHeaders).expect(200))
      .body;
    expect(detail).toMatchObject({
      state: 'SUCCESS',
      audio: { mime: 'audio/wav' },
      tasks: { transcription: expect.any(String), enrichment: expect.any(String) },
    });
  });

  it('a corrupt, truncated or unknown upload is a 4xx naming the file, and nothing is kept', async () => {
    const before = readdirSync(dir).length;
    const [notAudio, truncated, noFile, badMode] = await Promise.all([
      submit('not-audio.mp3'),
      submit('truncated.wav'),
      http().post('/api/v2/interactions/submit').set(authHeaders).field('user_id', user),
      submit('two-voices.wav', { user_id: user, mode: 'podcast' }),
    ]);
    expect(notAudio.status).toBe(415);
    expect(truncated.status).toBe(400);
    expect(truncated.body.errors.map((e: Json) => e.field)).toContain('file');
    expect(noFile.status).toBe(400);
    expect(badMode.status).toBe(400);
    expect(badMode.body.errors.map((e: Json) => e.field)).toContain('mode');
    expect(readdirSync(dir).length).toBe(before);
  });

  it('cancel mid-flow stops at the stage boundary; later stages never run', async () => {
    const held = new Promise((r) => (release = () => r(undefined)));
    deepgram.reply({ json: deepgramAnswer(), hold: held });
    const res = await submit('two-voices.flac');
    expect(res.status).toBe(202);
    const id = res.body.job_id as string;
    await waitFor(
      async () => (await status(id)).state === 'TRANSCRIPTION' || undefined,
      'transcription',
    );
    const cancelled = await http()
      .post(`/api/v2/interactions/cancel/${id}`)
      .set(authHeaders)
      .expect(200);
    expect(cancelled.body).toEqual({ job_id: id, state: 'CANCELLED' });
    release();
    const row = await waitFor(async () => {
      const d = (await http().get(`/api/v1/interactions/${id}`).set(authHeaders)).body;
      const tasks = await t.app
        .get(DataSource)
        .query(`SELECT status FROM tasks WHERE input->>'interaction_id' = $1`, [id]);
      return tasks.every((x: Json) => ['cancelled', 'failed', 'succeeded'].includes(x.status))
        ? d
        : undefined;
    }, 'the stage task to stop');
    expect(row.state).toBe('CANCELLED');
    expect(row.tasks.enrichment).toBeNull();
    expect((await status(id)).state).toBe('CANCELLED');
  });

  it('the retention sweep deletes audio older than 48 h (clock injected) and records it; DELETE erases everything', async () => {
    const res = await submit('two-voices.ogg');
    const id = res.body.job_id as string;
    await waitFor(async () => (await status(id)).state === 'SUCCESS' || undefined, 'success');
    const ds = t.app.get(DataSource);
    const [{ audio_path: path }] = await ds.query(
      `SELECT audio_path FROM interactions WHERE id = $1`,
      [id],
    );
    expect(existsSync(path)).toBe(true);
    const sweeps = t.app.get(InteractionsService);
    await sweeps.sweepAudio(new Date(Date.now() + 47 * 3600_000));
    expect(existsSync(path)).toBe(true);
    const later = new Date(Date.now() + 49 * 3600_000);
    expect(await sweeps.sweepAudio(later)).toBeGreaterThanOrEqual(1);
    expect(existsSync(path)).toBe(false);
    const detail = (await http().get(`/api/v1/interactions/${id}`).set(authHeaders).expect(200))
      .body;
    expect(detail.audio.deleted_at).toBe(later.toISOString());
    expect(detail.transcript.lines.length).toBeGreaterThan(0);

    const erased = await http().delete(`/api/v1/interactions/${id}`).set(authHeaders).expect(200);
    expect(erased.body).toMatchObject({ id, audio_deleted: false, tasks_deleted: 2 });
    await http().get(`/api/v1/interactions/${id}`).set(authHeaders).expect(404);
    expect(
      await ds.query(`SELECT 1 FROM interaction_chunks WHERE interaction_id = $1`, [id]),
    ).toEqual([]);
    expect(await ds.query(`SELECT 1 FROM tasks WHERE input->>'interaction_id' = $1`, [id])).toEqual(
      [],
    );
  });
});
