import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { OpenAiTranscribeProvider } from '../../src/providers/openai-transcribe/openai-transcribe.provider';
import type { TranscribeInput, TranscribeOutput } from '../../src/providers/speech/speech.types';
import { adapterAt, failure } from '../support/adapters';
import { AudioVendorStub, formOf } from '../support/audio-vendor-stub';
import { fixture, refusedUrl } from '../support/vendor-stub';

const KEY = 'sk-transcribe-test-key';
const audio = (name: string) => join(__dirname, '..', 'fixtures', 'audio', name);
const M4A = audio('two-voices.m4a');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const transcribeAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new OpenAiTranscribeProvider(), {
    OPENAI_TRANSCRIBE_API_KEY: KEY,
    OPENAI_TRANSCRIBE_BASE_URL: baseUrl,
    ...env,
  });

const transcribe = (input: Partial<TranscribeInput> = {}): ProviderRequest => ({
  capability: 'speech.transcribe',
  input: { file_path: M4A, mime_type: 'audio/mp4', sha256: sha(M4A), ...input },
});

describe('OpenAI-compatible transcription adapter (multipart /audio/transcriptions against a local stub)', () => {
  let stub: AudioVendorStub;
  beforeAll(async () => {
    stub = await AudioVendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('sends the documented multipart form with the file streamed and maps segments and words', async () => {
    stub.reply({ json: fixture('openai', 'transcription-verbose') });
    const { call, settings } = transcribeAt(`${stub.url}/v1`);
    const r = await call(transcribe({ language: 'en' }));

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/audio/transcriptions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await formOf(req);
    expect(form.get('model')).toBe('whisper-1');
    expect(form.get('response_format')).toBe('verbose_json');
    expect(form.getAll('timestamp_granularities[]')).toEqual(['segment', 'word']);
    expect(form.get('language')).toBe('en');
    const file = form.get('file') as File;
    // The extension says the format (servers go by it), the part carries the sniffed type.
    expect(file.name).toBe('audio.m4a');
    expect(file.type).toBe('audio/mp4');
    expect(Buffer.from(await file.arrayBuffer()).equals(readFileSync(M4A))).toBe(true);
    expect([...form.keys()].sort()).toEqual(
      [
        'file',
        'language',
        'model',
        'response_format',
        'timestamp_granularities[]',
        'timestamp_granularities[]',
      ].sort(),
    );

    expect(r.found).toBe(true);
    expect(r.model).toBe('whisper-1');
    const data = r.data as TranscribeOutput;
    expect(data.text).toBe(
      'Hi, this is Jane from Acme. How can I help? Tell me about your pricing.',
    );
    // Whisper names the language; the canonical transcript has its code.
    expect(data.language).toBe('en');
    expect(data.duration_seconds).toBe(5.65);
    expect(data.model).toBe('whisper-1');
    expect(data.utterances).toEqual([
      { speaker: null, start: 0, end: 2.8, text: 'Hi, this is Jane from Acme. How can I help?' },
      { speaker: null, start: 3.2, end: 4.9, text: 'Tell me about your pricing.' },
    ]);
    expect(data.words).toHaveLength(15);
    expect(data.words[0]).toEqual({ word: 'Hi', start: 0, end: 0.32, speaker: null });
    expect(data.words[14]).toEqual({ word: 'pricing', start: 4.12, end: 4.9, speaker: null });
    // Billed by the seconds OpenAI reports (usage.seconds: 6 → 0.1 min at $0.006).
    expect(r.usage).toEqual({ results: 0.1 });
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo(0.0006, 8);
  });

  it('a self-hosted Whisper server: no key, its own model, segments only, duration billed', async () => {
    stub.reply({ json: fixture('openai', 'transcription-segments-only') });
    const { call, settings, adapter } = adapterAt(new OpenAiTranscribeProvider(), {
      OPENAI_TRANSCRIBE_BASE_URL: `${stub.url}/v1`,
      OPENAI_TRANSCRIBE_MODEL: 'Systran/faster-whisper-small',
      OPENAI_TRANSCRIBE_PRICES: '{"perResultUsd":0}',
    });
    expect(adapter.isConfigured(settings)).toBe(true);
    const wav = audio('two-voices.wav');
    const r = await call(transcribe({ file_path: wav, mime_type: 'audio/wav', sha256: sha(wav) }));
    const req = stub.requests[0];
    expect(req.headers.authorization).toBeUndefined();
    const form = await formOf(req);
    expect(form.get('model')).toBe('Systran/faster-whisper-small');
    expect(form.has('language')).toBe(false);
    expect((form.get('file') as File).name).toBe('audio.wav');
    expect(
      Buffer.from(await (form.get('file') as File).arrayBuffer()).equals(readFileSync(wav)),
    ).toBe(true);
    const data = r.data as TranscribeOutput;
    expect(data.text).toBe(
      'Hi, this is Jane from Acme. How can I help? Tell me about your pricing.',
    );
    expect(data.language).toBe('en');
    expect(data.words).toEqual([]);
    expect(data.utterances.map((u) => u.text)).toEqual([
      'Hi, this is Jane from Acme. How can I help?',
      'Tell me about your pricing.',
    ]);
    expect(r.usage).toEqual({ results: 0.0941 });
    expect(costOf(settings.cost, r, settings.model)).toBe(0);
  });

  it('without a key or a base URL it is not configured', () => {
    const { adapter, settings } = adapterAt(new OpenAiTranscribeProvider(), {});
    expect(adapter.isConfigured(settings)).toBe(false);
    expect(settings.baseUrl).toBe('https://api.openai.com/v1');
    expect(settings.timeoutMs).toBe(600_000);
  });

  it('400 invalid_request_error → BAD_INPUT, not retried, with the message', async () => {
    stub.reply({ status: 400, json: fixture('openai', 'transcription-error-400') });
    const err = await failure(transcribeAt(stub.url).call(transcribe()));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 400 });
    expect(err.message).toMatch(
      /^Transcription server 400 invalid_request_error: Invalid file format\./,
    );
  });

  it('401 → AUTH; 404 (wrong model or base URL) → BAD_INPUT naming the settings', async () => {
    stub.reply(
      { status: 401, json: fixture('openai', 'error-401') },
      { status: 404, json: { detail: 'Not Found' } },
    );
    const { call } = transcribeAt(stub.url);
    const auth = await failure(call(transcribe()));
    expect(auth).toMatchObject({ code: 'AUTH', status: 401 });
    expect(auth.message).toContain('OPENAI_TRANSCRIBE_API_KEY');
    const missing = await failure(call(transcribe()));
    expect(missing).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 404 });
    expect(missing.message).toBe(
      'Transcription server 404: Not Found (check OPENAI_TRANSCRIBE_MODEL and OPENAI_TRANSCRIBE_BASE_URL)',
    );
  });

  it('429 rate limit → RATE_LIMITED with/without Retry-After; 429 insufficient_quota → QUOTA_EXHAUSTED', async () => {
    stub.reply(
      {
        status: 429,
        headers: { 'retry-after': '3' },
        json: fixture('openai', 'error-429-rate-limit'),
      },
      { status: 429, json: fixture('openai', 'error-429-rate-limit') },
      { status: 429, json: fixture('openai', 'error-429-insufficient-quota') },
    );
    const { call } = transcribeAt(stub.url);
    expect(await failure(call(transcribe()))).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 3000,
    });
    const noWait = await failure(call(transcribe()));
    expect(noWait).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(noWait.retryAfterMs).toBeUndefined();
    const quota = await failure(call(transcribe()));
    expect(quota).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
    expect(quota.message).toContain('You exceeded your current quota');
  });

  it('5xx, an unreachable server and a 200 without text → TEMPORARY', async () => {
    stub.reply({ status: 500, json: fixture('openai', 'error-500') }, { json: { segments: [] } });
    const { call } = transcribeAt(stub.url);
    expect(await failure(call(transcribe()))).toMatchObject({ code: 'TEMPORARY', retryable: true });
    const odd = await failure(call(transcribe()));
    expect(odd).toMatchObject({ code: 'TEMPORARY' });
    expect(odd.message).toContain('without `text`');
    const down = await failure(transcribeAt(await refusedUrl()).call(transcribe()));
    expect(down.message).toContain('cannot reach the transcription server: ECONNREFUSED');
  });
});
