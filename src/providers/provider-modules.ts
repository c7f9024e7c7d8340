import { ApolloModule } from './apollo/apollo.module';
import { BrightDataModule } from './brightdata/brightdata.module';
import { BuiltinSmtpModule } from './builtin-smtp/builtin-smtp.module';
import { BuiltinWebModule } from './builtin-web/builtin-web.module';
import { BuiltWithModule } from './builtwith/builtwith.module';
import { DeepgramModule } from './deepgram/deepgram.module';
import { EnrichLayerModule } from './enrichlayer/enrichlayer.module';
import { GeminiModule } from './gemini/gemini.module';
import { HunterModule } from './hunter/hunter.module';
import { JinaModule } from './jina/jina.module';
import { OpenAiModule } from './openai/openai.module';
import { OpenAiTranscribeModule } from './openai-transcribe/openai-transcribe.module';
import { PerplexityModule } from './perplexity/perplexity.module';
import { ProxyCurlModule } from './proxycurl/proxycurl.module';
import { Provider } from './core/provider.decorator';
import type { ProviderMetadata } from './core/enrichment-provider';
import {
  operationPrefix,
  providerSettingsProblems,
  settingsPrefix,
} from './core/provider-settings';

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
  // Keyless, on by default (BUILTIN_SMTP_ENABLED=false switches it off); free, so email.verify
  // asks it before the paid verifiers.
  BuiltinSmtpModule,
  HunterModule,
  // speech.transcribe: Deepgram diarizes (speakers), so it comes before the OpenAI-compatible
  // server (OpenAI or a self-hosted Whisper), which does not.
  DeepgramModule,
  OpenAiTranscribeModule,
];

/** A module class of the list, or of a dynamic module. */
const moduleClass = (m: unknown): unknown =>
  m && typeof m === 'object' && 'module' in m ? (m as { module: unknown }).module : m;

/**
 * The metadata of the providers the given modules declare, in the modules' order, read without
 * booting Nest: start-up checks their `<ID>_*` settings before anything else.
 */
export function declaredProviders(
  modules: readonly unknown[] = PROVIDER_MODULES,
): ProviderMetadata[] {
  const out: ProviderMetadata[] = [];
  for (const m of modules.map(moduleClass)) {
    const providers = (Reflect.getMetadata('providers', m as object) ?? []) as unknown[];
    for (const p of providers) {
      const cls = typeof p === 'function' ? p : (p as { useClass?: unknown })?.useClass;
      const meta = cls
        ? (Reflect.getMetadata(Provider.KEY, cls as object) as ProviderMetadata | undefined)
        : undefined;
      if (meta?.id && !out.some((o) => o.id === meta.id)) out.push(meta);
    }
  }
  return out;
}

/** The ids of the providers the given modules declare, in the modules' order. */
export function declaredProviderIds(modules: readonly unknown[] = PROVIDER_MODULES): string[] {
  return declaredProviders(modules).map((m) => m.id);
}

/** Every invalid `<ID>_*` value of every declared provider (one line each). */
export function providerEnvProblems(
  env: Readonly<Record<string, string | undefined>>,
  modules: readonly unknown[] = PROVIDER_MODULES,
): string[] {
  const metas = declaredProviders(modules);
  return [
    ...metas.flatMap((m) =>
      providerSettingsProblems(
        m.id,
        env,
        Object.keys(m.operationRateLimits ?? {}),
        m.settingsProblems,
      ),
    ),
    ...unknownOperationLimits(env, metas),
  ];
}

/**
 * `<ID>_<OPERATION>_RATE_PER_*` variables that name no operation of the provider with limits of its
 * own: they would silently do nothing (e.g. `APOLLO_BULK_MATCH_RATE_PER_MINUTE` for Apollo's
 * `person.enrich`). A name that belongs to another provider (`JINA_SEARCH_RATE_PER_MINUTE` is
 * jina_search's, not an operation of jina) is that provider's.
 */
function unknownOperationLimits(
  env: Readonly<Record<string, string | undefined>>,
  metas: ProviderMetadata[],
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    const m = /^(.+_)RATE_PER_(SECOND|MINUTE|DAY)$/.exec(name);
    if (!m || env[name] === undefined) continue;
    // The provider whose prefix is the longest that the name starts with.
    const owner = metas
      .filter((meta) => m[1].startsWith(settingsPrefix(meta.id)))
      .sort((a, b) => b.id.length - a.id.length)[0];
    if (!owner) continue;
    const part = m[1].slice(settingsPrefix(owner.id).length);
    if (!part) continue;
    const ops = Object.keys(owner.operationRateLimits ?? {});
    if (ops.some((op) => operationPrefix(op) === part)) continue;
    const known = ops.map((op) => `${settingsPrefix(owner.id)}${operationPrefix(op)}RATE_PER_*`);
    problems.push(
      `${name} names no operation of ${owner.id} with limits of its own (${known.length ? `use ${known.join(', ')}` : `${owner.id} has none; use ${settingsPrefix(owner.id)}RATE_PER_*`})`,
    );
  }
  return problems;
}
