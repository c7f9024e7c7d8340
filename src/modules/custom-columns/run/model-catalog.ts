import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import { ProviderError } from '../../../providers/core/provider-error';
import { vendorFetch } from '../../../providers/http/vendor-fetch';
import { ModelAvailability, ModelRoute, routeModel } from './model-routing';

/** A compatible server's list is read at most this often (it changes when someone pulls a model). */
const LIST_TTL_MS = 60_000;
const LIST_TIMEOUT_MS = 5_000;

/**
 * The models a column may name now: the configured `llm.generate` providers, and what the
 * OpenAI-compatible server behind OPENAI_BASE_URL lists at `GET /models` (free, so it is read
 * directly, not through the paid-call path; cached for a minute, and a server that does not answer
 * lists nothing).
 */
@Injectable()
export class ModelCatalog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ModelCatalog.name);
  private listed: { at: number; models: string[] } | null = null;

  constructor(private readonly registry: ProviderRegistry) {}

  onModuleInit(): void {
    running.catalog = this;
  }

  onModuleDestroy(): void {
    if (running.catalog === this) running.catalog = null;
  }

  async availability(): Promise<ModelAvailability> {
    const configured = new Set(this.registry.forCapability('llm.generate').map((p) => p.meta.id));
    return { configured, listed: configured.has('openai') ? await this.listedModels() : [] };
  }

  async route(model: string): Promise<ModelRoute> {
    return routeModel(model, await this.availability());
  }

  private async listedModels(): Promise<string[]> {
    const openai = this.registry.get('openai')?.settings;
    if (!openai?.extra.BASE_URL?.trim() || !openai.baseUrl) return [];
    if (this.listed && Date.now() - this.listed.at < LIST_TTL_MS) return this.listed.models;
    let models: string[] = [];
    try {
      const res = await vendorFetch(
        'openai',
        `${openai.baseUrl}/models`,
        {
          method: 'GET',
          headers: openai.apiKey ? { authorization: `Bearer ${openai.apiKey}` } : {},
          signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
        },
        [openai.apiKey],
      );
      if (res.status < 300) {
        const body = JSON.parse(res.text) as { data?: Array<{ id?: unknown }> };
        models = (body.data ?? []).flatMap((m) => (typeof m.id === 'string' ? [m.id] : []));
      }
    } catch (err) {
      // vendorFetch's errors are redacted; a parse error could quote the body, so it is not logged.
      const why =
        err instanceof ProviderError ? err.message : 'the answer is not a JSON model list';
      this.logger.warn(`cannot list the OpenAI-compatible server's models: ${why}`);
    }
    this.listed = { at: Date.now(), models };
    return models;
  }
}

/**
 * The catalog of the running application, for the payload validator (class-validator builds DTOs
 * outside Nest's container). One application per process; null before boot (the validator then
 * leaves the check to the run).
 */
const running: { catalog: ModelCatalog | null } = { catalog: null };
export const runningCatalog = (): ModelCatalog | null => running.catalog;
