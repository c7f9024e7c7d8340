import { Injectable } from '@nestjs/common';
import { chunks as slices } from '../../../common/map-limit';
import type { CallScope } from '../../../providers/core/provider-client';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { LlmEmbedOutput } from '../../../providers/llm/llm.types';
import type { ChunkRow } from '../storage/interactions.repository';

/** Texts per `llm.embed` call. */
export const EMBED_BATCH = 64;

/**
 * Embeds texts with the `llm.embed` waterfall (Gemini / OpenAI embeddings), in batches; one
 * provider's vectors for a whole conversation (never two models mixed in one search space).
 */
@Injectable()
export class EmbeddingStage {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
  ) {}

  available(): boolean {
    return this.registry.forCapability('llm.embed').length > 0;
  }

  /** The vectors of `texts`, and who made them; null when no embedding provider is configured. */
  async embed(
    texts: string[],
    scope: CallScope,
  ): Promise<{
    vectors: number[][];
    provider: string;
    model: string | null;
    cost_usd: number;
  } | null> {
    if (!this.available() || !texts.length) return null;
    const vectors: number[][] = [];
    let provider: string | undefined;
    let model: string | null = null;
    let cost = 0;
    for (const batch of slices(texts, EMBED_BATCH)) {
      const o = provider
        ? await this.client.call<LlmEmbedOutput>(
            provider,
            { capability: 'llm.embed', operation: 'embed', input: { texts: batch } },
            scope,
          )
        : (
            await this.client.waterfall<LlmEmbedOutput>(
              'llm.embed',
              { operation: 'embed', input: { texts: batch } },
              (x) => x.found,
              scope,
            )
          ).winner;
      if (!o?.data || o.data.vectors.length !== batch.length)
        throw new Error('no embedding provider answered for every chunk');
      provider ??= o.provider;
      model ??= o.model ?? null;
      cost += o.costUsd;
      vectors.push(...o.data.vectors);
    }
    return { vectors, provider: provider!, model, cost_usd: cost };
  }

  /** The chunk rows to store, each with its vector (null vectors without a provider). */
  async chunkRows(
    chunks: Array<{ idx: number; line_from: number; line_to: number; text: string }>,
    scope: CallScope,
  ): Promise<{ rows: ChunkRow[]; provider: string | null; cost_usd: number }> {
    const e = await this.embed(
      chunks.map((c) => c.text),
      scope,
    );
    return {
      rows: chunks.map((c, i) => ({
        ...c,
        embedding: e?.vectors[i] ?? null,
        model: e ? `${e.provider}:${e.model ?? 'default'}` : null,
      })),
      provider: e?.provider ?? null,
      cost_usd: e?.cost_usd ?? 0,
    };
  }
}
