/**
 * Which LLM provider answers a column's `ai_config.model` (issue 12): `gpt-*` and OpenAI's
 * o-series → openai, `gemini-*` → gemini, `sonar*` → perplexity, and any other name that the
 * OpenAI-compatible server behind OPENAI_BASE_URL lists (Ollama, vLLM, llama.cpp) → openai. Pure:
 * the catalog (ModelCatalog) supplies what is configured and listed.
 */

export interface ModelFamily {
  provider: string;
  /** How the family is named in messages. */
  label: string;
  test: (model: string) => boolean;
  /** The variable that switches the provider on, for the message when it is not configured. */
  enable: string;
}

export const MODEL_FAMILIES: ModelFamily[] = [
  {
    provider: 'openai',
    label: 'gpt-*, o1*/o3*/o4* (OpenAI)',
    test: (m) => /^(gpt-|chatgpt-|o[134](-|$))/i.test(m),
    enable: 'OPENAI_API_KEY',
  },
  {
    provider: 'gemini',
    label: 'gemini-* (Gemini)',
    test: (m) => /^(models\/)?gemini-/i.test(m),
    enable: 'GEMINI_API_KEY',
  },
  {
    provider: 'perplexity',
    label: 'sonar* (Perplexity)',
    test: (m) => /^sonar/i.test(m),
    enable: 'PERPLEXITY_API_KEY',
  },
];

/** What is available now: the configured LLM providers and the models a compatible server lists. */
export interface ModelAvailability {
  configured: ReadonlySet<string>;
  /** Models listed by the OpenAI-compatible server (OPENAI_BASE_URL), when there is one. */
  listed: readonly string[];
}

export type ModelRoute =
  { ok: true; provider: string; model: string } | { ok: false; known: boolean; message: string };

/** The available models, as the 400 lists them. */
export function availableModels(a: ModelAvailability): string[] {
  const families = MODEL_FAMILIES.filter((f) => a.configured.has(f.provider)).map((f) => f.label);
  return [...families, ...a.listed.map((m) => `${m} (OpenAI-compatible server)`)];
}

/**
 * Routes a model name. A listed model wins over a family (a local server may serve a `gpt-oss`
 * model); a family whose provider is not configured is known (the seed route accepts it and each
 * entity fails with the reason) but not available.
 */
export function routeModel(model: string, a: ModelAvailability): ModelRoute {
  const name = model.trim();
  if (a.listed.includes(name) && a.configured.has('openai'))
    return { ok: true, provider: 'openai', model: name };
  const family = MODEL_FAMILIES.find((f) => f.test(name));
  if (family) {
    if (a.configured.has(family.provider))
      return { ok: true, provider: family.provider, model: name };
    return {
      ok: false,
      known: true,
      message: `model "${name}" is served by ${family.provider}, which is not configured (set ${family.enable})`,
    };
  }
  const available = availableModels(a);
  return {
    ok: false,
    known: false,
    message: `unknown model "${name}"; available: ${available.length ? available.join(', ') : 'none (no LLM provider is configured)'}`,
  };
}

/**
 * The model a grounded (web search) call names: OpenAI's Chat Completions searches only with its
 * search models, so a web-searched OpenAI column whose model is not one leaves the choice to the
 * provider (OPENAI_SEARCH_MODEL); provenance records the model that answered.
 */
export function askModel(
  provider: string,
  model: string,
  useInternet: boolean,
): string | undefined {
  if (
    provider === 'openai' &&
    useInternet &&
    !/search/i.test(model) &&
    MODEL_FAMILIES[0].test(model)
  )
    return undefined;
  return model;
}
