import { GeminiModule } from './gemini/gemini.module';
import { OpenAiModule } from './openai/openai.module';
import { PerplexityModule } from './perplexity/perplexity.module';

/**
 * Every provider module, one line each. Adding a provider = one folder under src/providers/<name>/
 * with its module, plus one line here. The order is the default waterfall order of a capability
 * (`WATERFALL_<CAPABILITY>` overrides it).
 */
export const PROVIDER_MODULES = [GeminiModule, OpenAiModule, PerplexityModule];
