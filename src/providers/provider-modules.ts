import { ApolloModule } from './apollo/apollo.module';
import { BrightDataModule } from './brightdata/brightdata.module';
import { BuiltinWebModule } from './builtin-web/builtin-web.module';
import { BuiltWithModule } from './builtwith/builtwith.module';
import { EnrichLayerModule } from './enrichlayer/enrichlayer.module';
import { GeminiModule } from './gemini/gemini.module';
import { JinaModule } from './jina/jina.module';
import { OpenAiModule } from './openai/openai.module';
import { PerplexityModule } from './perplexity/perplexity.module';
import { ProxyCurlModule } from './proxycurl/proxycurl.module';
import { Provider } from './core/provider.decorator';
import type { ProviderMetadata } from './core/enrichment-provider';
import { providerSettingsProblems } from './core/provider-settings';

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
  EnrichLayerModule,
  // Dead since July 2025: off unless PROXYCURL_ENABLED=true.
  ProxyCurlModule,
  ApolloModule,
];

/** A module class of the list, or of a dynamic module. */
const moduleClass = (m: unknown): unknown =>
  m && typeof m === 'object' && 'module' in m ? (m as { module: unknown }).module : m;

/**
 * The ids of the providers the given modules declare, in the modules' order, read from their
 * metadata without booting Nest: start-up checks their `<ID>_*` settings before anything else.
 */
export function declaredProviderIds(modules: readonly unknown[] = PROVIDER_MODULES): string[] {
  const ids: string[] = [];
  for (const m of modules.map(moduleClass)) {
    const providers = (Reflect.getMetadata('providers', m as object) ?? []) as unknown[];
    for (const p of providers) {
      const cls = typeof p === 'function' ? p : (p as { useClass?: unknown })?.useClass;
      const meta = cls
        ? (Reflect.getMetadata(Provider.KEY, cls as object) as ProviderMetadata | undefined)
        : undefined;
      if (meta?.id && !ids.includes(meta.id)) ids.push(meta.id);
    }
  }
  return ids;
}

/** Every invalid `<ID>_*` value of every declared provider (one line each). */
export function providerEnvProblems(
  env: Readonly<Record<string, string | undefined>>,
  modules: readonly unknown[] = PROVIDER_MODULES,
): string[] {
  return declaredProviderIds(modules).flatMap((id) => providerSettingsProblems(id, env));
}
