import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { DeepgramProvider } from '../../src/providers/deepgram/deepgram.provider';
import type { TranscribeInput, TranscribeOutput } from '../../src/providers/speech/speech.types';
import { adapterAt, failure } from '../support/adapters';
import { AudioVendorStub } from '../support/audio-vendor-stub';
import { fixture, refusedUrl } from '../support/vendor-stub';

const KEY = 'dg-test-key';
const WAV = join(__dirname, '..', 'fixtures', 'audio', 'two-voices.wav');
const OPUS = join(__dirname, '..', 'fixtures', 'audio', 'two-voices.opus');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const deepgramAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new DeepgramProvider(), {
    DEEPGRAM_API_KEY: KEY,
    DEEPGRAM_BASE_URL: baseUrl,
    ...env,
  });

const transcribe = (input: Partial<TranscribeInput> = {}): ProviderRequest => ({
  capability: 'speech.transcribe',
  input: { file_path: WAV, mime_type: 'audio/wav', sha256: sha(WAV), ...input },
});

describe('Deepgram adapter (POST /v1/listen over fetch against a local stub)', () => {
  let stub: AudioVendorStub;
  beforeAll(async () => {
    stub = await AudioVendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('streams the file as the body with the documented query and maps diarized words and utterances', async () => {
    stub.reply({ json: fixture('deepgram', 'listen-diarized') });
    const { call, settings } = deepgramAt(stub.url);
    const r = await call(transcribe());

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    const url = new URL(req.path, stub.url);
    expect(url.pathname).toBe('/v1/listen');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      model: 'nova-3',
      smart_format: 'true',
      punctuate: 'true',
      diarize: 'true',
      utterances: 'true',
      detect_language: 'true',
    });
    expect(req.headers.authorization).toBe(`Token ${KEY}`);
    expect(req.headers['content-type']).toBe('audio/wav');
    // The file byte for byte, its length announced up front.
    expect(req.bytes.equals(readFileSync(WAV))).toBe(true);
    expect(req.headers['content-length']).toBe(String(readFileSync(WAV).length));

    expect(r.found).toBe(true);
    expect(r.model).toBe('nova-3');
    const data = r.data as TranscribeOutput;
    expect(data.text).toBe(
      'Hi, this is Jane from Acme. How can I help? Tell me about your pricing.',
    );
    expect(data.language).toBe('en');
    expect(data.duration_seconds).toBe(5.646);
    expect(data.model).toBe('nova-3');
    expect(data.utterances).toEqual([
      {
        speaker: 0,
        start: 0.08,
        end: 2.72,
        text: 'Hi, this is Jane from Acme. How can I help?',
        confidence: 0.99,
      },
      { speaker: 1, start: 3.28, end: 4.8, text: 'Tell me about your pricing.', confidence: 0.97 },
    ]);
    expect(data.words).toHaveLength(15);
    // The punctuated form, the speaker, the times and the confidence of each word.
    expect(data.words[0]).toEqual({
      word: 'Hi,',
      start: 0.08,
      end: 0.32,
      speaker: 0,
      confidence: 0.99,
    });
    expect(data.words[5]).toEqual({
      word: 'Acme.',
      start: 1.1,
      end: 1.6,
      speaker: 0,
      confidence: 0.99,
    });
    expect(data.words[14]).toEqual({
      word: 'pricing.',
      start: 4.12,
      end: 4.8,
      speaker: 1,
      confidence: 0.97,
    });
    expect(new Set(data.words.map((w) => w.speaker))).toEqual(new Set([0, 1]));
    // Billed per audio minute of metadata.duration: 5.646 s at $0.0063/min.
    expect(r.usage).toEqual({ results: 0.0941 });
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo(0.0941 * 0.0063, 8);
  });

  it('a language, a model and diarize=false go into the query; without utterances they come from the words', async () => {
    stub.reply({ json: fixture('deepgram', 'listen-no-diarize') });
    const { call } = deepgramAt(stub.url, { DEEPGRAM_MODEL: 'nova-2' });
    const r = await call(
      transcribe({
        file_path: OPUS,
        mime_type: 'audio/ogg',
        sha256: sha(OPUS),
        language: 'en-US',
        diarize: false,
        model: 'nova-2-phonecall',
      }),
    );
    const req = stub.requests[0];
    const q = new URL(req.path, stub.url).searchParams;
    expect(q.get('model')).toBe('nova-2-phonecall');
    expect(q.get('diarize')).toBe('false');
    expect(q.get('language')).toBe('en-US');
    expect(q.has('detect_language')).toBe(false);
    expect(req.headers['content-type']).toBe('audio/ogg');
    expect(req.bytes.equals(readFileSync(OPUS))).toBe(true);

    const data = r.data as TranscribeOutput;
    // No detected language: the requested one.
    expect(data.language).toBe('en-US');
    expect(data.words.every((w) => w.speaker === null)).toBe(true);
    expect(data.utterances).toEqual([
      {
        speaker: null,
        start: 0.08,
        end: 4.8,
        text: 'Hi, this is Jane from Acme. How can I help? Tell me about your pricing.',
      },
    ]);
    expect(r.model).toBe('nova-2-phonecall');
  });

  it('400 {err_code, err_msg} → BAD_INPUT, not retried, with the vendor message', async () => {
    stub.reply({ status: 400, json: fixture('deepgram', 'error-400') });
    const err = await failure(deepgramAt(stub.url).call(transcribe()));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 400 });
    expect(err.message).toBe(
      'Deepgram 400 Bad Request: Bad Request: failed to process audio: corrupt or unsupported data',
    );
  });

  it('400 {category, message, details} → BAD_INPUT with the message and the details', async () => {
    stub.reply({ status: 400, json: fixture('deepgram', 'error-400-category') });
    const err = await failure(deepgramAt(stub.url).call(transcribe()));
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(err.message).toBe(
      'Deepgram 400 INVALID_JSON: Invalid JSON submitted. (Json deserialize error: expected value at line 1 column 1)',
    );
  });

  it('401 INVALID_AUTH and 403 → AUTH', async () => {
    stub.reply({ status: 401, json: fixture('deepgram', 'error-401') }, { status: 403, raw: '' });
    const { call } = deepgramAt(stub.url);
    const e401 = await failure(call(transcribe()));
    expect(e401).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(e401.message).toContain('INVALID_AUTH: Invalid credentials.');
    expect(e401.message).toContain('DEEPGRAM_API_KEY');
    const e403 = await failure(call(transcribe()));
    expect(e403).toMatchObject({ code: 'AUTH', status: 403 });
    expect(e403.message).toContain('Deepgram 403: no body');
  });

  it('402 ASR_PAYMENT_REQUIRED → QUOTA_EXHAUSTED, not retried', async () => {
    stub.reply({ status: 402, json: fixture('deepgram', 'error-402') });
    const err = await failure(deepgramAt(stub.url).call(transcribe()));
    expect(err).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false, status: 402 });
    expect(err.message).toContain('ASR_PAYMENT_REQUIRED');
    expect(err.message).toContain('out of credits');
  });

  it('429 → RATE_LIMITED, with the Retry-After wait when given, without it when not', async () => {
    stub.reply(
      { status: 429, headers: { 'retry-after': '7' }, json: fixture('deepgram', 'error-429') },
      { status: 429, json: fixture('deepgram', 'error-429') },
    );
    const { call } = deepgramAt(stub.url);
    const withWait = await failure(call(transcribe()));
    expect(withWait).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 7000,
      status: 429,
    });
    expect(withWait.message).toBe(
      'Deepgram 429 TOO_MANY_REQUESTS: Too many requests. Please try again later',
    );
    const without = await failure(call(transcribe()));
    expect(without).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(without.retryAfterMs).toBeUndefined();
  });

  it('5xx and an unreachable server → TEMPORARY (retried); a 200 without results → TEMPORARY', async () => {
    stub.reply({ status: 503, raw: 'upstream unavailable' }, { json: { metadata: {} } });
    const { call } = deepgramAt(stub.url);
    expect(await failure(call(transcribe()))).toMatchObject({
      code: 'TEMPORARY',
      retryable: true,
      status: 503,
    });
    const empty = await failure(call(transcribe()));
    expect(empty).toMatchObject({ code: 'TEMPORARY' });
    expect(empty.message).toContain('without results.channels');
    const down = await failure(deepgramAt(await refusedUrl()).call(transcribe()));
    expect(down).toMatchObject({ code: 'TEMPORARY' });
    expect(down.message).toContain('cannot reach Deepgram: ECONNREFUSED');
  });

  it('a missing file → BAD_INPUT before any request', async () => {
    const err = await failure(
      deepgramAt(stub.url).call(transcribe({ file_path: '/nonexistent/a.wav' })),
    );
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(err.message).toContain('ENOENT');
    expect(stub.requests).toHaveLength(0);
  });

  it('defaults: nova-3, 10 min timeout, worst case priced by the input duration or 2 h', () => {
    const { adapter, settings } = deepgramAt(stub.url);
    expect(settings.model).toBe('nova-3');
    expect(settings.timeoutMs).toBe(600_000);
    expect(settings.baseUrl).toBe(stub.url);
    expect(
      adapter.estimateMaxCostUsd(transcribe({ duration_seconds: 150 }), settings.cost, settings),
    ).toBeCloseTo(3 * 0.0063, 8);
    expect(adapter.estimateMaxCostUsd(transcribe(), settings.cost, settings)).toBeCloseTo(
      120 * 0.0063,
      8,
    );
    const self = adapter.selfTestRequest();
    expect(self.capability).toBe('speech.transcribe');
    expect(readFileSync((self.input as TranscribeInput).file_path).length).toBe(44 + 32_000);
  });
});
