import type { ProviderResult } from '../core/enrichment-provider';
import { parseRetryAfter, ProviderError } from '../core/provider-error';
import { LlmGenerateInput, LlmGenerateOutput, parseJsonAnswer } from '../llm/llm.types';
import type { WebSearchOutput, WebSearchResult } from '../web/web-search.types';

/*
 * Pure mapping between the Perplexity Agent API (`POST /v1/agent`, Responses-shaped) and our
 * canonical shapes. The API is strict (an unknown field is a 400), so the request carries only
 * documented fields.
 */

export interface AgentRequest {
  model: string;
  input: Array<{ role: 'system' | 'user'; content: string }>;
  tools?: Array<{
    type: 'web_search';
    max_results: number;
    search_context_size?: string;
    filters?: { search_domain_filter?: string[]; search_recency_filter?: string };
  }>;
  max_output_tokens?: number;
  response_format?: {
    type: 'json_schema';
    json_schema: { name: string; schema: Record<string, unknown> };
  };
}

interface AgentSearchResult {
  url?: string;
  title?: string;
  snippet?: string;
  date?: string;
}

export interface AgentResponse {
  status?: string;
  error?: { message?: string; type?: string; code?: number | string } | null;
  incomplete_details?: { reason?: string } | null;
  output?: Array<{
    type?: string;
    results?: AgentSearchResult[];
    content?: Array<{ type?: string; text?: string; annotations?: Array<{ url?: string }> }>;
  }>;
  usage?: { input_tokens?: number; output_tokens?: number; cost?: { total_cost?: number } };
}

export const DEFAULT_MAX_RESULTS = 5;

export function buildAgentRequest(
  input: LlmGenerateInput,
  opts: { model: string; maxOutputTokens: number; search: boolean; searchContextSize?: string },
): AgentRequest {
  const ws = typeof input.webSearch === 'object' ? input.webSearch : {};
  const filters = {
    ...(ws.domains?.length ? { search_domain_filter: ws.domains } : {}),
    ...(ws.recency ? { search_recency_filter: ws.recency } : {}),
  };
  return {
    model: opts.model,
    input: [
      ...(input.system ? [{ role: 'system' as const, content: input.system }] : []),
      { role: 'user' as const, content: input.prompt },
    ],
    // A bare model does not search: the tool is what turns search on.
    ...(opts.search
      ? {
          tools: [
            {
              type: 'web_search' as const,
              max_results: ws.maxResults ?? DEFAULT_MAX_RESULTS,
              ...(opts.searchContextSize ? { search_context_size: opts.searchContextSize } : {}),
              ...(Object.keys(filters).length ? { filters } : {}),
            },
          ],
        }
      : {}),
    max_output_tokens: opts.maxOutputTokens,
    ...(input.schema
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: {
              name: (input.schemaName ?? 'answer').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64),
              schema: input.schema,
            },
          },
        }
      : {}),
  };
}

interface AgentRun {
  text: string;
  citations: string[];
  results: WebSearchResult[];
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number };
  costUsd?: number;
}

/** A run's outcome; failed and cancelled runs arrive as HTTP 200 and become errors here. */
function readRun(res: AgentResponse): AgentRun {
  if (!res || typeof res !== 'object' || !Array.isArray(res.output)) {
    throw new ProviderError(
      'TEMPORARY',
      'Perplexity answered without an output (unexpected payload)',
    );
  }
  const status = res.status ?? 'completed';
  if (status === 'failed') throw runFailed(res.error);
  if (status !== 'completed' && status !== 'incomplete') {
    throw new ProviderError('TEMPORARY', `Perplexity run ended with status "${status}"`);
  }
  const results: WebSearchResult[] = [];
  const seen = new Set<string>();
  const texts: string[] = [];
  const annotated: string[] = [];
  for (const item of res.output) {
    if (item.type === 'search_results') {
      for (const r of item.results ?? []) {
        if (!r.url || seen.has(r.url)) continue;
        seen.add(r.url);
        results.push({
          url: r.url,
          ...(r.title ? { title: r.title } : {}),
          ...(r.snippet ? { snippet: r.snippet } : {}),
          ...(r.date ? { date: r.date } : {}),
        });
      }
    } else if (item.type === 'message') {
      for (const c of item.content ?? []) {
        if (c.type !== 'output_text') continue;
        texts.push(c.text ?? '');
        for (const a of c.annotations ?? []) if (a.url) annotated.push(a.url);
      }
    }
  }
  const reason = res.incomplete_details?.reason;
  const cost = res.usage?.cost?.total_cost;
  return {
    text: texts.join(''),
    citations: [...new Set([...results.map((r) => r.url), ...annotated])],
    results,
    finishReason:
      status === 'completed'
        ? 'stop'
        : reason === 'max_output_tokens'
          ? 'length'
          : (reason ?? status),
    usage: {
      inputTokens: res.usage?.input_tokens ?? 0,
      outputTokens: res.usage?.output_tokens ?? 0,
    },
    ...(typeof cost === 'number' && Number.isFinite(cost) ? { costUsd: cost } : {}),
  };
}

function runFailed(error: AgentResponse['error']): ProviderError {
  const message = `Perplexity run failed${error?.type ? ` (${error.type})` : ''}: ${error?.message ?? 'no message'}`;
  const code = Number(error?.code);
  if (Number.isInteger(code) && code >= 400 && code < 600)
    return ProviderError.fromHttp(code, message);
  const type = error?.type ?? '';
  if (/rate_limit/.test(type)) return new ProviderError('RATE_LIMITED', message);
  if (/^invalid/.test(type)) return new ProviderError('BAD_INPUT', message, { retryable: false });
  if (type === 'forbidden') return new ProviderError('AUTH', message);
  return new ProviderError('TEMPORARY', message);
}

export function mapGenerateResponse(
  res: AgentResponse,
  opts: { model: string; wantJson: boolean },
): ProviderResult<LlmGenerateOutput> {
  const run = readRun(res);
  let json: { json?: unknown } = {};
  if (opts.wantJson) {
    try {
      json = { json: parseJsonAnswer(run.text) };
    } catch {
      // LlmService reports the invalid answer and asks for a repair.
    }
  }
  return {
    found: run.text.trim() !== '',
    data: { text: run.text, ...json, citations: run.citations, finishReason: run.finishReason },
    usage: run.usage,
    ...(run.costUsd !== undefined ? { costUsd: run.costUsd } : {}),
    sources: run.citations,
    model: opts.model,
  };
}

export function mapSearchResponse(
  res: AgentResponse,
  opts: { model: string; maxResults: number },
): ProviderResult<WebSearchOutput> {
  const run = readRun(res);
  const results = run.results.slice(0, opts.maxResults);
  return {
    found: results.length > 0,
    data: { results },
    usage: run.usage,
    ...(run.costUsd !== undefined ? { costUsd: run.costUsd } : {}),
    sources: results.map((r) => r.url),
    model: opts.model,
  };
}

/** A non-2xx answer → ProviderError, from the `{error:{message,type,code}}` envelope. */
export function mapHttpError(
  status: number,
  body: string,
  retryAfter: string | null,
): ProviderError {
  let env: { message?: string; type?: string } | undefined;
  try {
    env = (JSON.parse(body) as { error?: { message?: string; type?: string } }).error;
  } catch {
    env = undefined;
  }
  const detail = env?.message ?? (body.trim().slice(0, 300) || 'no body');
  const message = `Perplexity ${status}${env?.type ? ` ${env.type}` : ''}: ${detail}`;
  if (status === 401 || status === 403) {
    // Out of credit is reported as 401 too.
    return new ProviderError(
      'AUTH',
      `${message} (check PERPLEXITY_API_KEY and the credit balance)`,
      {
        status,
      },
    );
  }
  if (status === 404) {
    return new ProviderError(
      'BAD_INPUT',
      `${message} (check PERPLEXITY_MODEL and PERPLEXITY_BASE_URL)`,
      {
        status,
        retryable: false,
      },
    );
  }
  return ProviderError.fromHttp(status, message, { retryAfterMs: parseRetryAfter(retryAfter) });
}
