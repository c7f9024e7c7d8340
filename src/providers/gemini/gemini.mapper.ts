import { ApiError } from '@google/genai';
import type { ProviderResult } from '../core/enrichment-provider';
import { ProviderError } from '../core/provider-error';
import { approxTokens } from '../llm/llm-cost';
import { LlmEmbedOutput, LlmGenerateOutput, parseJsonAnswer } from '../llm/llm.types';

/*
 * Pure mapping between the Gemini Developer API payloads (as @google/genai returns them) and our
 * canonical shapes. The interfaces below are the parts we read; the SDK's own types fit them.
 */

export interface GeminiGenerateResponse {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; thought?: boolean }> };
    finishReason?: string;
    groundingMetadata?: {
      webSearchQueries?: string[];
      groundingChunks?: Array<{ web?: { uri?: string } }>;
    };
  }>;
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
    toolUsePromptTokenCount?: number;
  };
}

export interface GeminiEmbedResponse {
  embeddings?: Array<{ values?: number[] }>;
}

/** Finish reasons that mean the answer was withheld: asking again the same way will not help. */
const BLOCKED_FINISH = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
]);

const FINISH: Record<string, string> = { STOP: 'stop', MAX_TOKENS: 'length' };

export function mapGenerateResponse(
  res: GeminiGenerateResponse,
  opts: { model: string; wantJson: boolean; grounded: boolean },
): ProviderResult<LlmGenerateOutput> {
  const block = res.promptFeedback?.blockReason;
  if (block) {
    throw new ProviderError(
      'BAD_INPUT',
      `Gemini blocked the prompt (${block}${res.promptFeedback?.blockReasonMessage ? `: ${res.promptFeedback.blockReasonMessage}` : ''}); rephrase it`,
      { retryable: false },
    );
  }
  const candidate = res.candidates?.[0];
  if (!candidate) throw new ProviderError('TEMPORARY', 'Gemini answered without a candidate');
  const finish = candidate.finishReason ?? 'STOP';
  if (BLOCKED_FINISH.has(finish)) {
    throw new ProviderError(
      'BAD_INPUT',
      `Gemini withheld the answer (finish reason ${finish}); rephrase the prompt`,
      { retryable: false },
    );
  }
  // Thought summaries are not part of the answer.
  const text = (candidate.content?.parts ?? [])
    .filter((p) => !p.thought && typeof p.text === 'string')
    .map((p) => p.text)
    .join('');
  const citations = [
    ...new Set(
      (candidate.groundingMetadata?.groundingChunks ?? [])
        .map((c) => c.web?.uri)
        .filter((u): u is string => !!u),
    ),
  ];
  const u = res.usageMetadata ?? {};
  const searched =
    opts.grounded &&
    ((candidate.groundingMetadata?.webSearchQueries?.length ?? 0) > 0 || citations.length > 0);
  return {
    found: text.trim() !== '',
    data: {
      text,
      ...(opts.wantJson ? tryJson(text) : {}),
      citations,
      finishReason: FINISH[finish] ?? finish.toLowerCase(),
    },
    usage: {
      inputTokens: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
      // Thinking tokens are billed as output.
      outputTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
      // A grounded prompt is billed once (the cost model's perResultUsd).
      ...(searched ? { results: 1 } : {}),
    },
    sources: citations,
    model: opts.model,
  };
}

export function mapEmbedResponse(
  res: GeminiEmbedResponse,
  opts: { model: string; texts: string[] },
): ProviderResult<LlmEmbedOutput> {
  const vectors = (res.embeddings ?? []).map((e) => e.values ?? []);
  if (vectors.length !== opts.texts.length || vectors.some((v) => v.length === 0)) {
    throw new ProviderError(
      'TEMPORARY',
      `Gemini returned ${vectors.length} embeddings for ${opts.texts.length} texts`,
    );
  }
  return {
    found: true,
    data: { vectors },
    // The Developer API reports no usage for embeddings: priced at ≈ 4 characters a token.
    usage: { inputTokens: opts.texts.reduce((n, t) => n + approxTokens(t), 0) },
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

interface RpcStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ '@type'?: string; retryDelay?: string; reason?: string }>;
}

/** google.protobuf.Duration in JSON ("37s", "1.5s") → milliseconds. */
export function parseRpcDuration(value: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value?.trim() ?? '');
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

const AUTH_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED']);
const NETWORK =
  /fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|socket hang up|other side closed/i;

/**
 * Any failure of an SDK call → ProviderError. The SDK's ApiError carries the HTTP status and the
 * google.rpc.Status body (as JSON in its message) but not the headers, so a 429's wait comes from
 * the RetryInfo detail.
 */
export function mapGeminiError(err: unknown, signal?: AbortSignal): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal?.aborted) {
    return new ProviderError('TEMPORARY', 'Gemini call was aborted (timeout or cancel)', {
      cause: err,
    });
  }
  if (err instanceof ApiError) {
    let rpc: RpcStatus;
    try {
      rpc = (JSON.parse(err.message) as { error?: RpcStatus }).error ?? {};
    } catch {
      rpc = { message: err.message };
    }
    const details = Array.isArray(rpc.details) ? rpc.details : [];
    const retryAfterMs = parseRpcDuration(
      details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay,
    );
    const message = `Gemini ${err.status}${rpc.status ? ` ${rpc.status}` : ''}: ${rpc.message ?? 'no message'}`;
    // An invalid key is a 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID.
    if (
      err.status === 401 ||
      err.status === 403 ||
      details.some((d) => d.reason && AUTH_REASONS.has(d.reason))
    ) {
      return new ProviderError('AUTH', `${message} (check GEMINI_API_KEY)`, {
        status: err.status,
        cause: err,
      });
    }
    if (err.status === 404) {
      // A wrong model id or base URL, not an enrichment "not found".
      return new ProviderError('BAD_INPUT', `${message} (check GEMINI_MODEL and GEMINI_BASE_URL)`, {
        status: 404,
        retryable: false,
        cause: err,
      });
    }
    return ProviderError.fromHttp(err.status, message, { retryAfterMs, cause: err });
  }
  const e = err as { name?: string; message?: string; cause?: unknown } | undefined;
  if (e?.name === 'SyntaxError') {
    return new ProviderError('TEMPORARY', `Gemini answered a body that is not JSON: ${e.message}`, {
      cause: err,
    });
  }
  // Matched on the text: the SDK's retry helper re-wraps errors it does not recognise as Errors.
  if (NETWORK.test(`${e?.message ?? ''} ${describeCause(e ?? {})}`)) {
    return new ProviderError('TEMPORARY', `cannot reach Gemini: ${describeCause(e ?? {})}`, {
      cause: err,
    });
  }
  return new ProviderError('UNKNOWN', `Gemini: ${e?.message ?? String(err)}`, { cause: err });
}

function describeCause(e: { message?: string; cause?: unknown }): string {
  const c = e.cause as { code?: string; message?: string } | undefined;
  return c?.code ?? c?.message ?? e.message ?? 'network error';
}
