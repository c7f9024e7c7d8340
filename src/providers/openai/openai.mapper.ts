import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { LlmEmbedOutput, LlmGenerateOutput, parseJsonAnswer } from '../llm/llm.types';

/*
 * Pure mapping between OpenAI (or OpenAI-compatible) payloads and our canonical shapes. The
 * interfaces below are the parts we read; the SDK's own types fit them.
 */

export interface OpenAiChatResponse {
  choices?: Array<{
    finish_reason?: string | null;
    message?: {
      content?: string | null;
      refusal?: string | null;
      annotations?: Array<{ type?: string; url_citation?: { url?: string } }>;
    };
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export interface OpenAiEmbeddingResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
  usage?: { prompt_tokens?: number };
}

export function mapChatResponse(
  res: OpenAiChatResponse,
  opts: { model: string; wantJson: boolean },
): ProviderResult<LlmGenerateOutput> {
  const choice = Array.isArray(res?.choices) ? res.choices[0] : undefined;
  if (!choice?.message) {
    throw new ProviderError('TEMPORARY', 'OpenAI answered without a choice (unexpected payload)');
  }
  const m = choice.message;
  if (m.refusal) {
    throw new ProviderError('BAD_INPUT', `the model refused to answer: ${m.refusal}`, {
      retryable: false,
    });
  }
  if (choice.finish_reason === 'content_filter') {
    throw new ProviderError(
      'BAD_INPUT',
      'OpenAI withheld the answer (content filter); rephrase the prompt',
      { retryable: false },
    );
  }
  const text = m.content ?? '';
  const citations = [
    ...new Set(
      (m.annotations ?? [])
        .filter((a) => a.type === 'url_citation')
        .map((a) => a.url_citation?.url)
        .filter((u): u is string => !!u),
    ),
  ];
  return {
    found: text.trim() !== '',
    data: {
      text,
      ...(opts.wantJson ? tryJson(text) : {}),
      citations,
      ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
    },
    usage: {
      inputTokens: res.usage?.prompt_tokens ?? 0,
      // Reasoning tokens are already part of completion_tokens.
      outputTokens: res.usage?.completion_tokens ?? 0,
    },
    sources: citations,
    model: opts.model,
  };
}

export function mapEmbeddingResponse(
  res: OpenAiEmbeddingResponse,
  opts: { model: string; count: number },
): ProviderResult<LlmEmbedOutput> {
  const data = Array.isArray(res?.data) ? [...res.data] : [];
  data.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const vectors = data.map((d) => d.embedding);
  if (
    vectors.length !== opts.count ||
    !vectors.every((v): v is number[] => Array.isArray(v) && v.length > 0)
  ) {
    throw new ProviderError(
      'TEMPORARY',
      `OpenAI returned ${vectors.length} float embeddings for ${opts.count} texts (unexpected payload)`,
    );
  }
  return {
    found: true,
    data: { vectors },
    usage: { inputTokens: res.usage?.prompt_tokens ?? 0 },
    model: opts.model,
  };
}

function tryJson(text: string): { json?: unknown } {
  try {
    return { json: parseJsonAnswer(text) };
  } catch {
    return {}; // LlmService reports the invalid answer and asks for a repair.
  }
}

/** `retry-after-ms` (OpenAI's own, precise) first, then the standard `retry-after`. */
function retryAfterOf(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.round(ms);
  return parseRetryAfter(headers?.get('retry-after'));
}

/** Any failure of an SDK call → ProviderError. */
export function mapOpenAiError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof APIUserAbortError) {
    return new ProviderError('TEMPORARY', 'OpenAI call was aborted', { cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new ProviderError('TEMPORARY', `cannot reach OpenAI: ${err.message}`, { cause: err });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const message = `OpenAI ${err.message}`;
    if (err.status === 401 || err.status === 403) {
      return new ProviderError('AUTH', `${message} (check OPENAI_API_KEY)`, {
        status: err.status,
        cause: err,
      });
    }
    if (err.status === 404) {
      // A missing model or a wrong base URL, not an enrichment "not found".
      return new ProviderError(
        'BAD_INPUT',
        `${message} (check the model id: OPENAI_MODEL, OPENAI_SEARCH_MODEL or OPENAI_EMBED_MODEL, and OPENAI_BASE_URL)`,
        {
          status: 404,
          retryable: false,
          cause: err,
        },
      );
    }
    return ProviderError.fromHttp(err.status, message, {
      retryAfterMs: retryAfterOf(err.headers),
      // Billing, not pace: waiting does not help.
      quota: err.code === 'insufficient_quota',
      cause: err,
    });
  }
  const e = err as { name?: string; message?: string } | undefined;
  if (e?.name === 'SyntaxError') {
    return new ProviderError('TEMPORARY', `OpenAI answered a body that is not JSON: ${e.message}`, {
      cause: err,
    });
  }
  return new ProviderError('UNKNOWN', `OpenAI: ${e?.message ?? String(err)}`, { cause: err });
}
