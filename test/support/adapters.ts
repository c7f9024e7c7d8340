import type {
  EnrichmentProvider,
  ProviderMetadata,
  ProviderRequest,
} from '../../src/providers/core/enrichment-provider';
import { Provider } from '../../src/providers/core/provider.decorator';
import { ProviderError } from '../../src/providers/core/provider-error';
import { resolveProviderSettings } from '../../src/providers/core/provider-settings';

/** Settings defaults of an adapter test: short enough to fail fast, far above a loaded machine. */
const DEFAULTS = { timeoutMs: 10_000, maxConcurrency: 2 };

/**
 * One adapter on its own, outside the app (an adapter-tier test): its `@Provider` metadata, the
 * settings `env` resolves to (the same `<ID>_*` rules as at boot), `configure()` run once, and
 * `call()` with a fresh signal unless one is given. Point `<ID>_BASE_URL` at a VendorStub.
 */
export function adapterAt<P extends EnrichmentProvider>(
  adapter: P,
  env: Record<string, string>,
  metadata: ProviderMetadata = Reflect.getMetadata(Provider.KEY, adapter.constructor),
) {
  if (!metadata) throw new Error(`${adapter.constructor.name} has no @Provider metadata`);
  const settings = resolveProviderSettings(metadata, env, DEFAULTS, adapter);
  adapter.configure?.(settings);
  const call = (request: ProviderRequest, signal = new AbortController().signal) =>
    adapter.call(request, { signal, settings }) as ReturnType<P['call']>;
  return { adapter, settings, call };
}

/** The ProviderError a call rejects with; fails the test when the call succeeds instead. */
export async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (err) {
    return err as ProviderError;
  }
  throw new Error('expected the call to fail, it succeeded');
}
