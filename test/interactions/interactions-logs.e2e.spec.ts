import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ChildApp } from '../providers/support/harness';
import { API_KEY } from '../support/env';
import { startTestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { deepgramAnswer, interactionsLlm, RAW_PII } from './interactions-llm';

/**
 * The logs of a conversation's whole flow, at debug level, in a real process: every line it
 * printed is read, and no raw PII value is in any of them (the transcript is scrubbed before
 * anything logs, stores or prompts it).
 */
describe('interactions: no PII in the logs', () => {
  let child: ChildApp | undefined;
  let deepgram: VendorStub;
  let openai: VendorStub;
  let dir: string;

  beforeAll(async () => {
    // Migrates the run's database (the child expects it).
    await (await startTestApp({ ASSAY_ROLE: 'api' })).close();
    dir = mkdtempSync(join(tmpdir(), 'assay-interactions-logs-'));
    deepgram = await VendorStub.start(() => ({ json: deepgramAnswer() }));
    openai = await VendorStub.start(interactionsLlm() as never);
  });
  afterAll(async () => {
    await child?.kill();
    await deepgram?.close();
    await openai?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a whole flow at LOG_LEVEL=debug prints no raw PII', async () => {
    child = await ChildApp.start(
      {
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        INTERACTIONS_AUDIO_DIR: dir,
        DEEPGRAM_API_KEY: 'dg-logs-key',
        DEEPGRAM_BASE_URL: deepgram.url,
        OPENAI_BASE_URL: `${openai.url}/v1`,
        OPENAI_API_KEY: 'test-openai-key-interaction-logs',
      },
      [],
    );
    const api = request(`http://127.0.0.1:${child.port}`);
    const res = await api
      .post('/api/v1/interactions')
      .set('x-api-key', API_KEY)
      .field('user_id', 'logs-user')
      .attach('file', join(__dirname, '..', 'fixtures', 'audio', 'two-voices.wav'))
      .expect(202);
    const done = await waitFor(async () => {
      const d = (await api.get(`/api/v1/interactions/${res.body.job_id}`).set('x-api-key', API_KEY))
        .body;
      return ['SUCCESS', 'ERROR'].includes(d.state) ? d : undefined;
    }, 'the interaction');
    expect(done.state).toBe('SUCCESS');
    expect(done.pii_counts).toMatchObject({ EMAIL: 1, PHONE: 1, CARD: 1 });
    const logs = child.fullOutput;
    // The flow did log (task starts and ends, requests) …
    expect(logs).toMatch(/interaction_transcription/);
    expect(logs).toMatch(/interaction_enrichment/);
    // … and none of it is personal data.
    for (const pii of RAW_PII) expect(logs).not.toContain(pii);
  });
});
