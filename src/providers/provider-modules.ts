import { ApolloModule } from './apollo/apollo.module';
import { BrightDataModule } from './brightdata/brightdata.module';
import { BuiltinWebModule } from './builtin-web/builtin-web.module';
import { BuiltWithModule } from './builtwith/builtwith.module';
import { GeminiModule } from './gemini/gemini.module';
import { JinaModule } from './jina/jina.module';
import { OpenAiModule } from './openai/openai.module';
import { PerplexityModule } from './perplexity/perplexity.module';

/**
 * Every provider module, one line each. Adding a provider = one folder under src/providers/<name>/
 * with its module, plus one line here. The order is the default waterfall order of a capability
 * (`WATERFALL_<CAPABILITY>` overrides it).
 */
export const PROVIDER_MODULES = [
  GeminiModule,
  OpenAiModule,
  PerplexityModule,
  // Free and good on most sites: web.read tries it before Jina (WATERFALL_WEB_READ overrides).
  BuiltinWebModule,
  JinaModule,
  BuiltWithModule,
  BrightDataModule,
  ApolloModule,
];
