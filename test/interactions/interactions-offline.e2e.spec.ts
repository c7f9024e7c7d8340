import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AudioUpload } from '../../src/modules/interactions/api/audio-upload';
import type { AppConfig } from '../../src/common/config/app.config';
import { InvalidFieldsException } from '../../src/common/http/validation';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { deepgramAnswer } from './interactions-llm';

type Json = Record<string, any>;
const AUDIO = join(__dirname, '..', 'fixtures', 'audio');

/**
 * Interactions without an LLM or an embedding provider, through the native route: the people
 * come from the offline NLP fallback (marked so), synthesis is skipped with its reason, search
 * says what it needs; an upload above INTERACTIONS_MAX_UPLOAD_MB is a 413 and nothing is kept.
 */
describe('interactions without an LLM', () => {
  let t: TestApp;
  let deepgram: VendorStub;
  let dir: string;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-interactions-offline-'));
    deepgram = await VendorStub.start(() => ({ json: deepgramAnswer() }));
    t = await startTestApp({
      INTERACTIONS_AUDIO_DIR: dir,
      INTERACTIONS_MAX_UPLOAD_MB: '1',
      DEEPGRAM_API_KEY: 'dg-offline-key',
      DEEPGRAM_BASE_URL: deepgram.url,
    });
  });
  afterAll(async () => {
    await t?.close();
    await deepgram?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('people by the offline fallback, no synthesis, search says it needs an embedding provider', async () => {
    const user = `offline-${Date.now()}`;
    const res = await http()
      .post('/api/v1/interactions')
      .set(authHeaders)
      .field('user_id', user)
      .field('mode', 'live')
      .attach('file', join(AUDIO, 'two-voices.mp3'))
      .expect(202);
    expect(res.headers.location).toBe(`/api/v1/interactions/${res.body.job_id}`);
    const done = await waitFor(async () => {
      const d = (await http().get(`/api/v1/interactions/${res.body.job_id}`).set(authHeaders)).body;
      return ['SUCCESS', 'ERROR'].includes(d.state) ? d : undefined;
    }, 'the interaction');
    expect(done).toMatchObject({ state: 'SUCCESS', mode: 'live', audio: { mime: 'audio/mpeg' } });
    expect(done.persons.map((p: Json) => [p.name, p.extracted_by])).toContainEqual([
      'Priya Patel',
      'offline_nlp',
    ]);
    expect(done.synthesis).toEqual({ skipped: expect.stringMatching(/^LLM_NOT_CONFIGURED/) });
    expect(done.metrics).toMatchObject({ extraction: 'offline_nlp' });
    const search = await http()
      .get(`/api/v1/interactions/search?q=gpu&user_id=${user}`)
      .set(authHeaders);
    expect(search.status).toBe(400);
    expect(search.body.detail).toMatch(/embedding provider/);
  });

  it('an upload above the size limit is a 413 and nothing is kept', async () => {
    const big = join(dir, '..', `big-${Date.now()}.wav`);
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 4096, 1));
    const before = readdirSync(dir).length;
    const res = await http()
      .post('/api/v1/interactions')
      .set(authHeaders)
      .field('user_id', 'u1')
      .attach('file', big);
    rmSync(big, { force: true });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(readdirSync(dir).length).toBe(before);
  });
});

describe('the upload check', () => {
  it('a recording outside INTERACTIONS_MIN/MAX_SECONDS is a 400 naming the file, and it is deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-upload-check-'));
    const path = join(dir, 'a.upload');
    copyFileSync(join(AUDIO, 'two-voices.wav'), path);
    const check = new AudioUpload({
      INTERACTIONS_MIN_SECONDS: 10,
      INTERACTIONS_MAX_SECONDS: 60,
    } as AppConfig);
    const err = await check
      .check({ path, size: 1 }, { user_id: 'u1' })
      .catch((e: unknown) => e as InvalidFieldsException);
    expect(err).toBeInstanceOf(InvalidFieldsException);
    expect((err as InvalidFieldsException).errors).toEqual([
      { field: 'file', message: 'the recording lasts 5.6 s; accepted: 10–60 s' },
    ]);
    expect(existsSync(path)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
