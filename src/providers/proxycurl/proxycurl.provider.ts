import type { ProviderMetadata } from '../core/enrichment-provider';
import { Provider } from '../core/provider.decorator';
import type { ProviderSettings } from '../core/provider-settings';
import { ENRICHLAYER_METADATA, EnrichLayerProvider } from '../enrichlayer/enrichlayer.provider';

export const PROXYCURL_METADATA: ProviderMetadata = {
  ...ENRICHLAYER_METADATA,
  id: 'proxycurl',
  description:
    'ProxyCurl (Nubela): DEAD since July 2025, kept for legacy deployments only; off unless PROXYCURL_ENABLED=true. Use enrichlayer, its successor',
  baseUrl: 'https://nubela.co/proxycurl',
};

/**
 * ProxyCurl, the shut-down predecessor of Enrich Layer (VENDORS.md §4): the same answers and error
 * table under its historical paths. Off by default: it needs PROXYCURL_ENABLED=true as well as
 * PROXYCURL_API_KEY, so that a leftover key never sends calls to a dead service.
 */
@Provider(PROXYCURL_METADATA)
export class ProxyCurlProvider extends EnrichLayerProvider {
  protected override readonly vendor: string = 'ProxyCurl';

  protected override personUrl(base: string, profileUrl: string): string {
    return `${base}/api/v2/linkedin?linkedin_profile_url=${encodeURIComponent(profileUrl)}`;
  }

  protected override companyUrl(base: string, companyUrl: string): string {
    return `${base}/api/linkedin/company?url=${encodeURIComponent(companyUrl)}`;
  }

  override isConfigured(settings: ProviderSettings): boolean {
    return /^(true|1|yes|on)$/i.test(settings.extra.ENABLED?.trim() ?? '') && !!settings.apiKey;
  }
}
