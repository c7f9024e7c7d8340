import { DiscoveryService } from '@nestjs/core';
import type { ProviderMetadata } from './enrichment-provider';

/**
 * Marks an EnrichmentProvider subclass. The ProviderRegistry discovers it at boot and refuses to
 * start on a duplicate id, a wrong base class, a request-scoped provider or missing metadata.
 */
export const Provider = DiscoveryService.createDecorator<ProviderMetadata>();
