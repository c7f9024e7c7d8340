/** A JSON Schema (draft 2020-12 subset) the caller wants the answer to match. */
export type JsonSchema = Record<string, unknown>;

/** Input of `llm.generate` for every LLM provider. */
export interface LlmGenerateInput {
  prompt: string;
  system?: string;
  /** Ask for JSON matching this schema (validated by LlmService, one repair attempt). */
  schema?: JsonSchema;
  schemaName?: string;
  /** Ground the answer in a web search where the vendor supports it; cited URLs come back as sources. */
  webSearch?:
    | boolean
    | {
        maxResults?: number;
        recency?: 'hour' | 'day' | 'week' | 'month' | 'year';
        domains?: string[];
      };
  /** Overrides the provider's configured model. */
  model?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /** Tokens a thinking model may spend on reasoning (Gemini's thinkingBudget; 0 = none). */
  thinkingBudget?: number;
}

/** Canonical answer of `llm.generate`. */
export interface LlmGenerateOutput {
  text: string;
  /** Parsed JSON when a schema was asked for (set by the adapter when it could parse it). */
  json?: unknown;
  /** Cited URLs (grounded web search). */
  citations: string[];
  finishReason?: string;
}

/** Input of `llm.embed`. */
export interface LlmEmbedInput {
  texts: string[];
  model?: string;
  dimensions?: number;
}

export interface LlmEmbedOutput {
  vectors: number[][];
}

/** Removes ```json fences and <think> blocks some models wrap their JSON in, then parses it. */
export function parseJsonAnswer(text: string): unknown {
  let t = text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(t);
  if (fence) t = fence[1];
  try {
    return JSON.parse(t);
  } catch {
    const start = t.search(/[[{]/);
    const end = Math.max(t.lastIndexOf('}'), t.lastIndexOf(']'));
    if (start >= 0 && end > start) return JSON.parse(t.slice(start, end + 1));
    throw new SyntaxError('the answer is not JSON');
  }
}
