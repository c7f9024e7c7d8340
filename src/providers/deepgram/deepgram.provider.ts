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
  selfTestInput,
  transcribeInput,
  transcribeWorstCaseUsd,
} from '../speech/speech-audio';
import type { TranscribeInput } from '../speech/speech.types';
import { listenQuery, ListenResponse, mapHttpError, mapListenResponse } from './deepgram.mapper';

const DEFAULT_MODEL = 'nova-3';

export const DEEPGRAM_METADATA: ProviderMetadata = {
  id: 'deepgram',
  capabilities: ['speech.transcribe'],
  description:
    'Deepgram pre-recorded speech-to-text (POST /v1/listen): smart formatting, diarized words and utterances, language detection',
  baseUrl: 'https://api.deepgram.com',
  model: DEFAULT_MODEL,
  // Audio can be long (up to the upload limit, 2 h by default): Deepgram answers a pre-recorded
  // request only once the whole file is transcribed.
  timeoutMs: 600_000,
  // Deepgram limits concurrent pre-recorded requests per project (100 on Pay-As-You-Go), not a
  // rate; DEEPGRAM_MAX_CONCURRENCY caps this process's share.
  rateLimits: {},
  maxConcurrency: 10,
  // Transcripts are personal data: the interaction keeps its transcript; the provider cache does not.
  cacheTtlSeconds: 0,
  // Per audio minute (usage.results = minutes of metadata.duration). Assumed: Nova-3 pre-recorded
  // Pay-As-You-Go $0.0043/min plus the diarization add-on $0.0020/min, always requested;
  // override with DEEPGRAM_PRICES. maxResultsPerCall bounds a call of unknown length (2 h).
  cost: { perResultUsd: 0.0063, maxResultsPerCall: 120 },
};

/**
 * Deepgram over plain fetch: the audio file is the request body, streamed from disk (a
 * file-backed Blob), with its sniffed MIME type as Content-Type. Model: DEEPGRAM_MODEL or the
 * input's `model`.
 */
@Provider(DEEPGRAM_METADATA)
export class DeepgramProvider extends EnrichmentProvider {
  override async call(request: ProviderRequest, ctx: ProviderCallContext): Promise<ProviderResult> {
    if (request.capability !== 'speech.transcribe') {
      throw new ProviderError('BAD_INPUT', `deepgram does not serve ${request.capability}`, {
        retryable: false,
      });
    }
    const input = transcribeInput(request.input, 'deepgram');
    const model = input.model ?? ctx.settings.model ?? DEFAULT_MODEL;
    const query = listenQuery({ model, diarize: input.diarize ?? true, language: input.language });
    const body = await audioBlob(input, 'deepgram');
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await fetch(`${ctx.settings.baseUrl}/v1/listen?${query}`, {
        method: 'POST',
        headers: {
          authorization: `Token ${ctx.settings.apiKey ?? ''}`,
          'content-type': input.mime_type,
          accept: 'application/json',
        },
        body,
        signal: ctx.signal,
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (ctx.signal.aborted) {
        throw new ProviderError('TEMPORARY', 'Deepgram call was aborted (timeout or cancel)', {
          cause: err,
        });
      }
      const e = err as { message?: string; cause?: { code?: string } };
      throw new ProviderError('TEMPORARY', `cannot reach Deepgram: ${e.cause?.code ?? e.message}`, {
        cause: err,
      });
    }
    if (status < 200 || status >= 300) throw mapHttpError(status, text, retryAfter);
    let parsed: ListenResponse;
    try {
      parsed = JSON.parse(text) as ListenResponse;
    } catch (err) {
      throw new ProviderError(
        'TEMPORARY',
        `Deepgram answered a body that is not JSON (${text.slice(0, 80)})`,
        { cause: err },
      );
    }
    return mapListenResponse(parsed, { model, language: input.language });
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
