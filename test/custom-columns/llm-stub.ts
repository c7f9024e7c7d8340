import { fixture, Reply, StubRequest } from '../support/vendor-stub';

/** Which vendor shape a request to the shared LLM stub was in. */
export type Vendor = 'openai' | 'gemini' | 'perplexity';

/** What a test's answer function sees of one LLM request. */
export interface LlmAsk {
  vendor: Vendor;
  /** Everything the request carried (system, prompt, schema), as one searchable text. */
  text: string;
  /** A repair attempt (the model sees its previous answer). */
  repair: boolean;
  /** The validate_with_search check. */
  factCheck: boolean;
  model: string | null;
}

/** How the stub answers: JSON (valid or not), Markdown, a refusal, or an HTTP status. */
export type Answer =
  | { json: unknown; citations?: string[] }
  | { text: string }
  | { refusal: string }
  | { status: number; retryAfter?: string }
  /** A whole vendor body, sent as is (e.g. Gemini's blocked prompt). */
  | { body: unknown };

const vendorOf = (path: string): Vendor | null =>
  path.startsWith('/v1/chat/completions')
    ? 'openai'
    : path.includes(':generateContent')
      ? 'gemini'
      : path.startsWith('/v1/agent')
        ? 'perplexity'
        : null;

function openaiBody(text: string | null, refusal?: string, citations: string[] = []) {
  const body = fixture('openai', 'chat-json');
  body.choices[0].message.content = text;
  body.choices[0].message.refusal = refusal ?? null;
  body.choices[0].message.annotations = citations.map((url) => ({
    type: 'url_citation',
    url_citation: { url, title: url, start_index: 0, end_index: 1 },
  }));
  return body;
}

function geminiBody(text: string) {
  const body = fixture('gemini', 'generate-json');
  body.candidates[0].content.parts = [{ text }];
  return body;
}

function perplexityBody(text: string) {
  const body = fixture('perplexity', 'agent-json-search');
  body.output[1].content[0].text = text;
  return body;
}

/**
 * One loopback server answering the OpenAI (`/v1/chat/completions`, `/v1/models`), Gemini
 * (`/v1beta/models/{m}:generateContent`) and Perplexity (`/v1/agent`) shapes with what `answer`
 * decides per request; `models` is what the OpenAI-compatible server lists.
 */
export function llmBehaviour(answer: (ask: LlmAsk) => Answer, models: string[] = []) {
  return (req: StubRequest): Reply => {
    if (req.method === 'GET' && req.path.startsWith('/v1/models'))
      return { json: { object: 'list', data: models.map((id) => ({ id, object: 'model' })) } };
    const vendor = vendorOf(req.path);
    if (!vendor) return { status: 404, json: { error: { message: `no route ${req.path}` } } };
    const text = JSON.stringify(req.body);
    const model =
      vendor === 'gemini'
        ? (/models\/([^:]+):/.exec(req.path)?.[1] ?? null)
        : ((req.body as { model?: string })?.model ?? null);
    const a = answer({
      vendor,
      text,
      repair: text.includes('Your previous answer was'),
      factCheck: text.includes('You are a fact checker'),
      model,
    });
    if ('status' in a)
      return {
        status: a.status,
        headers: a.retryAfter ? { 'retry-after': a.retryAfter } : {},
        json: {
          error: {
            message: 'Rate limit reached',
            type: 'rate_limit_exceeded',
            code: 'rate_limit_exceeded',
          },
        },
      };
    if ('refusal' in a) return { json: openaiBody(null, a.refusal) };
    if ('body' in a) return { json: a.body };
    const out = 'json' in a ? JSON.stringify(a.json) : a.text;
    const citations = 'json' in a ? (a.citations ?? []) : [];
    if (vendor === 'openai') return { json: openaiBody(out, undefined, citations) };
    if (vendor === 'gemini') return { json: geminiBody(out) };
    return { json: perplexityBody(out) };
  };
}

/** A structured column answer. */
export const columnAnswer = (
  value: unknown,
  confidence = 0.8,
  sources: string[] = [],
  rationale = 'Based on the context.',
) => ({
  json: { analysis: 'Read the context.', rationale, value, confidence_score: confidence, sources },
});
