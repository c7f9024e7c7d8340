import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interactions (issue 13): a recorded conversation and what each stage made of it (the scrubbed
 * transcript, the people, the synthesis), its transcript chunks with their embeddings — in a
 * pgvector column when the extension can be created, else as float arrays (same API) — and each
 * user's profile that synthesis compares the people with.
 */
export class Interactions1764000014000 implements MigrationInterface {
  name = 'Interactions1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE interactions (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        user_id varchar(255) NOT NULL,
        mode varchar(10) NOT NULL,
        state varchar(20) NOT NULL,
        progress text NOT NULL DEFAULT '',
        error jsonb,
        audio_path text,
        audio_sha256 varchar(64) NOT NULL,
        audio_mime varchar(60) NOT NULL,
        audio_bytes bigint NOT NULL,
        duration_seconds real,
        audio_deleted_at timestamptz,
        transcription_task_id uuid,
        enrichment_task_id uuid,
        transcript jsonb,
        pii_counts jsonb,
        persons jsonb,
        synthesis jsonb,
        metrics jsonb NOT NULL DEFAULT '{}',
        cancel_requested_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX interactions_user_idx ON interactions (tenant_id, user_id, created_at DESC, id)`,
    );
    await q.query(
      `CREATE INDEX interactions_audio_idx ON interactions (created_at) WHERE audio_deleted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE interaction_chunks (
        id bigserial PRIMARY KEY,
        interaction_id uuid NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        line_from integer NOT NULL,
        line_to integer NOT NULL,
        text text NOT NULL,
        embedding real[],
        model varchar(100),
        UNIQUE (interaction_id, idx)
      )`);
    // pgvector when this server has it and the role may create it; float arrays otherwise.
    await q.query(`SAVEPOINT pgvector`);
    try {
      await q.query(`CREATE EXTENSION IF NOT EXISTS vector`);
      await q.query(`ALTER TABLE interaction_chunks ADD COLUMN embedding_vec vector`);
      await q.query(`RELEASE SAVEPOINT pgvector`);
    } catch {
      await q.query(`ROLLBACK TO SAVEPOINT pgvector`);
    }
    await q.query(`
      CREATE TABLE interaction_user_profiles (
        tenant_id varchar(100) NOT NULL DEFAULT '',
        user_id varchar(255) NOT NULL,
        profile jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE interaction_user_profiles`);
    await q.query(`DROP TABLE interaction_chunks`);
    await q.query(`DROP TABLE interactions`);
  }
}
