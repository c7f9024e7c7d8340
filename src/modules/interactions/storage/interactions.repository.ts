import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  FINAL_STATES,
  InteractionRow,
  InteractionState,
  StoredTranscript,
} from './interaction.types';

export interface NewInteraction {
  id: string;
  tenant_id: string;
  user_id: string;
  mode: string;
  audio_path: string;
  audio_sha256: string;
  audio_mime: string;
  audio_bytes: number;
  duration_seconds: number | null;
}

export interface ChunkRow {
  idx: number;
  line_from: number;
  line_to: number;
  text: string;
  embedding: number[] | null;
  model: string | null;
}

/** The `interactions` rows, their chunks and the users' profiles (docs/interactions.md). */
@Injectable()
export class InteractionsRepository {
  private vector?: Promise<boolean>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(r: NewInteraction): Promise<void> {
    await this.ds.query(
      `INSERT INTO interactions (id, tenant_id, user_id, mode, state, progress, audio_path,
              audio_sha256, audio_mime, audio_bytes, duration_seconds)
       VALUES ($1, $2, $3, $4, 'PENDING', 'Queued...', $5, $6, $7, $8, $9)`,
      [
        r.id,
        r.tenant_id,
        r.user_id,
        r.mode,
        r.audio_path,
        r.audio_sha256,
        r.audio_mime,
        r.audio_bytes,
        r.duration_seconds,
      ],
    );
  }

  /** The row, as `tenant` may see it (null: every tenant's). */
  async get(id: string, tenant: string | null = null): Promise<InteractionRow | null> {
    const [row] = await this.ds.query(
      `SELECT * FROM interactions WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`,
      [id, tenant],
    );
    return (row as InteractionRow | undefined) ?? null;
  }

  /**
   * Moves a conversation to `state` with a progress text (and more columns), unless it has
   * already ended; returns false when it had (a cancel won the race).
   */
  async advance(
    id: string,
    state: InteractionState,
    progress: string,
    patch: Record<string, unknown> = {},
  ): Promise<boolean> {
    const keys = Object.keys(patch);
    const sets = keys.map((k, i) => `${k} = $${i + 4}`);
    const final = FINAL_STATES.includes(state) ? ', completed_at = now()' : '';
    // UPDATE … RETURNING answers [rows, count].
    const [rows]: [Array<{ id: string }>, number] = await this.ds.query(
      `UPDATE interactions SET state = $2, progress = $3, updated_at = now()${final}
              ${sets.length ? `, ${sets.join(', ')}` : ''}
        WHERE id = $1 AND state <> ALL($${keys.length + 4}::text[]) RETURNING id`,
      [
        id,
        state,
        progress,
        ...keys.map((k) =>
          typeof patch[k] === 'object' && patch[k] !== null && !(patch[k] instanceof Date)
            ? JSON.stringify(patch[k])
            : patch[k],
        ),
        FINAL_STATES,
      ],
    );
    return rows.length > 0;
  }

  async saveTranscript(
    id: string,
    t: StoredTranscript,
    pii: Record<string, number>,
  ): Promise<void> {
    await this.ds.query(
      `UPDATE interactions SET transcript = $2, pii_counts = $3, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(t), JSON.stringify(pii)],
    );
  }

  /** Whether chunk embeddings go to a pgvector column here (the migration could create it). */
  hasVector(): Promise<boolean> {
    this.vector ??= this.ds
      .query(
        `SELECT 1 FROM information_schema.columns
          WHERE table_name = 'interaction_chunks' AND column_name = 'embedding_vec'`,
      )
      .then((r: unknown[]) => r.length > 0);
    return this.vector;
  }

  /** Replaces the conversation's chunks (a retried stage writes the same ones again). */
  async saveChunks(id: string, chunks: ChunkRow[]): Promise<void> {
    const vector = await this.hasVector();
    await this.ds.transaction(async (em) => {
      await em.query(`DELETE FROM interaction_chunks WHERE interaction_id = $1`, [id]);
      for (const c of chunks) {
        await em.query(
          `INSERT INTO interaction_chunks (interaction_id, idx, line_from, line_to, text, embedding, model
                  ${vector ? ', embedding_vec' : ''})
           VALUES ($1, $2, $3, $4, $5, $6, $7${vector ? ', $8::vector' : ''})`,
          [
            id,
            c.idx,
            c.line_from,
            c.line_to,
            c.text,
            c.embedding,
            c.model,
            ...(vector ? [c.embedding ? `[${c.embedding.join(',')}]` : null] : []),
          ],
        );
      }
    });
  }

  /**
   * The chunks nearest to `vector` among the user's conversations (cosine similarity): by
   * pgvector when the column exists, else computed over the float arrays in SQL.
   */
  async nearest(
    tenant: string | null,
    userId: string,
    vector: number[],
    limit: number,
  ): Promise<
    Array<{
      interaction_id: string;
      idx: number;
      line_from: number;
      line_to: number;
      text: string;
      score: number;
      created_at: Date;
    }>
  > {
    if (await this.hasVector()) {
      return this.ds.query(
        `SELECT c.interaction_id, c.idx, c.line_from, c.line_to, c.text, i.created_at,
                1 - (c.embedding_vec <=> $3::vector) AS score
           FROM interaction_chunks c JOIN interactions i ON i.id = c.interaction_id
          WHERE ($1::text IS NULL OR i.tenant_id = $1) AND i.user_id = $2
            AND c.embedding_vec IS NOT NULL AND vector_dims(c.embedding_vec) = $5
          ORDER BY c.embedding_vec <=> $3::vector LIMIT $4`,
        [tenant, userId, `[${vector.join(',')}]`, limit, vector.length],
      );
    }
    return this.ds.query(
      `SELECT c.interaction_id, c.idx, c.line_from, c.line_to, c.text, i.created_at, s.score
         FROM interaction_chunks c JOIN interactions i ON i.id = c.interaction_id
         CROSS JOIN LATERAL (
           SELECT sum(a * b) / NULLIF(sqrt(sum(a * a)) * sqrt(sum(b * b)), 0) AS score
             FROM unnest(c.embedding, $3::real[]) AS t(a, b)) s
        WHERE ($1::text IS NULL OR i.tenant_id = $1) AND i.user_id = $2
          AND c.embedding IS NOT NULL AND cardinality(c.embedding) = cardinality($3::real[])
        ORDER BY s.score DESC NULLS LAST LIMIT $4`,
      [tenant, userId, vector, limit],
    );
  }

  /** A user's conversations, newest first, after the cursor (created_at, id). */
  list(
    tenant: string | null,
    userId: string,
    after: { created_at: string; id: string } | null,
    limit: number,
  ): Promise<InteractionRow[]> {
    return this.ds.query(
      `SELECT * FROM interactions
        WHERE ($1::text IS NULL OR tenant_id = $1) AND user_id = $2
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [tenant, userId, after?.created_at ?? null, after?.id ?? null, limit],
    );
  }

  /** Erases the conversation (its chunks go with it); returns its audio path, if still stored. */
  async delete(id: string): Promise<{ audio_path: string | null; task_ids: string[] } | null> {
    // DELETE … RETURNING answers [rows, count].
    const [rows]: [
      Array<{ audio_path: string | null; t1: string | null; t2: string | null }>,
      number,
    ] = await this.ds.query(
      `DELETE FROM interactions WHERE id = $1
         RETURNING audio_path, transcription_task_id AS t1, enrichment_task_id AS t2`,
      [id],
    );
    if (!rows[0]) return null;
    return {
      audio_path: rows[0].audio_path,
      task_ids: [rows[0].t1, rows[0].t2].filter((t): t is string => !!t),
    };
  }

  /** Audio files stored before `before` and not yet deleted. */
  audioDue(before: Date, limit: number): Promise<Array<{ id: string; audio_path: string }>> {
    return this.ds.query(
      `SELECT id, audio_path FROM interactions
        WHERE audio_deleted_at IS NULL AND audio_path IS NOT NULL AND created_at < $1
        ORDER BY created_at LIMIT $2`,
      [before, limit],
    );
  }

  async markAudioDeleted(id: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE interactions SET audio_deleted_at = $2::timestamptz, audio_path = NULL,
              metrics = metrics || jsonb_build_object('audio_deleted_at', $2::text)
        WHERE id = $1`,
      [id, at.toISOString()],
    );
  }

  async profile(
    tenant: string,
    userId: string,
  ): Promise<{ profile: Record<string, unknown>; updated_at: Date } | null> {
    const [row] = await this.ds.query(
      `SELECT profile, updated_at FROM interaction_user_profiles WHERE tenant_id = $1 AND user_id = $2`,
      [tenant, userId],
    );
    return row ?? null;
  }

  async putProfile(
    tenant: string,
    userId: string,
    profile: Record<string, unknown>,
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO interaction_user_profiles (tenant_id, user_id, profile) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = now()`,
      [tenant, userId, JSON.stringify(profile)],
    );
  }
}
