import {
  CostModel,
  EnrichmentProvider,
  ProviderCallContext,
  ProviderMetadata,
  ProviderRequest,
  ProviderResult,
} from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import { ProviderError } from '../core/provider-error';
import type { ProviderSettings } from '../core/provider-settings';
import {
  audioBlob,
  audioFileName,
  selfTestInput,
  transcribeInput,
  transcribeWorstCaseUsd,
} from '../speech/speech-audio';
import type { TranscribeInput } from '../speech/speech.types';
import { mapHttpError, mapTranscription, VerboseTranscription } from './openai-transcribe.mapper';

const DEFAULT_MODEL = 'whisper-1';

export const OPENAI_TRANSCRIBE_METADATA: ProviderMetadata = {
  id: 'openai_transcribe',
  capabilities: ['speech.transcribe'],
  description:
    'OpenAI /audio/transcriptions, or any OpenAI-compatible transcription server (a self-hosted Whisper) through OPENAI_TRANSCRIBE_BASE_URL: segments and word timestamps, no diarization',
  baseUrl: 'https://api.openai.com/v1',
  model: DEFAULT_MODEL,
  // The answer comes once the whole file is transcribed: long audio takes minutes.
  timeoutMs: 600_000,
  // OpenAI tier 1 for whisper-1 is 50 RPM.
  rateLimits: { perMinute: 50 },
  maxConcurrency: 4,
  // Transcripts are personal data: the interaction keeps its transcript; the provider cache does not.
  cacheTtlSeconds: 0,
  // Per audio minute (usage.results = minutes): whisper-1 $0.006/min. A self-hosted server is
  // free: set OPENAI_TRANSCRIBE_PRICES={"perResultUsd":0}.
  cost: { perResultUsd: 0.006, maxResultsPerCall: 120 },
};

/**
 * Multipart `POST {base}/audio/transcriptions` over plain fetch: the file part is a Blob read
 * from disk as the form is sent. `response_format=verbose_json` with segment and word
 * timestamps (whisper-1 and Whisper servers; the gpt-4o-transcribe models answer only `json`,
 * without timestamps, and are not supported here). Its own `OPENAI_TRANSCRIBE_*` settings, apart
 * from the chat provider's OPENAI_*: a transcription server is usually another host than the LLM's.
 */
@Provider(OPENAI_TRANSCRIBE_METADATA)
export class OpenAiTranscribeProvider extends EnrichmentProvider {
  /** A key, or the base URL of a compatible server that needs none. */
  override isConfigured(settings: ProviderSettings): boolean {
    return !!settings.apiKey || !!settings.extra.BASE_URL?.trim();
  }

  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    if (request.capability !== 'speech.transcribe') {
      throw new ProviderError(
        'BAD_INPUT',
        `openai_transcribe does not serve ${request.capability}`,
        {
          retryable: false,
        },
      );
    }
    const input = transcribeInput(request.input, 'openai_transcribe');
    const model = input.model ?? ctx.settings.model ?? DEFAULT_MODEL;
    const form = new FormData();
    form.append(
      'file',
      await audioBlob(input, 'openai_transcribe'),
      audioFileName(input.mime_type),
    );
    form.append('model', model);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'segment');
    form.append('timestamp_granularities[]', 'word');
    if (input.language) form.append('language', input.language);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await fetch(`${ctx.settings.baseUrl}/audio/transcriptions`, {
        method: 'POST',
        headers: {
          ...(ctx.settings.apiKey ? { authorization: `Bearer ${ctx.settings.apiKey}` } : {}),
          accept: 'application/json',
        },
        body: form,
        signal: ctx.signal,
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (ctx.signal.aborted) {
        throw new ProviderError('TEMPORARY', 'transcription call was aborted (timeout or cancel)', {
          cause: err,
        });
      }
      const e = err as { message?: string; cause?: { code?: string } };
      throw new ProviderError(
        'TEMPORARY',
        `cannot reach the transcription server: ${e.cause?.code ?? e.message}`,
        { cause: err },
      );
    }
    if (status < 200 || status >= 300) throw mapHttpError(status, text, retryAfter);
    let parsed: VerboseTranscription;
    try {
      parsed = JSON.parse(text) as VerboseTranscription;
    } catch (err) {
      throw new ProviderError(
        'TEMPORARY',
        `the transcription server answered a body that is not JSON (${text.slice(0, 80)})`,
        { cause: err },
      );
    }
    return mapTranscription(parsed, { model });
  }

  override selfTestRequest(): ProviderRequest {
    return { capability: 'speech.transcribe', input: selfTestInput() };
  }

  /** Per audio minute: the input's duration when known, else the longest upload. */
  override estimateMaxCostUsd(
    request: ProviderRequest,
    cost: CostModel,
    settings: ProviderSettings,
  ): number {
    const input = request.input as Partial<TranscribeInput> | undefined;
    return transcribeWorstCaseUsd(cost, input, input?.model ?? settings.model ?? DEFAULT_MODEL);
  }
}
