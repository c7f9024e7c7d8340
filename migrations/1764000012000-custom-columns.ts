import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AI custom columns (issue 12): stored column definitions per tenant (with the columns each one's
 * question cites) and column values, one per (tenant, column, entity), with provenance and the
 * cache key (definition, entity context, model) a later run reuses them by.
 */
export class CustomColumns1764000012000 implements MigrationInterface {
  name = 'CustomColumns1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE column_definitions (
        tenant_id varchar(100) NOT NULL DEFAULT '',
        column_id varchar(255) NOT NULL,
        name text,
        description text,
        entity_type varchar(10),
        question text NOT NULL,
        response_type varchar(20) NOT NULL,
        response_config jsonb NOT NULL DEFAULT '{}',
        examples jsonb NOT NULL DEFAULT '[]',
        validation_rules jsonb NOT NULL DEFAULT '[]',
        ai_config jsonb NOT NULL DEFAULT '{}',
        depends_on jsonb NOT NULL DEFAULT '[]',
        source varchar(10) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, column_id)
      )`);

    await q.query(`
      CREATE TABLE column_values (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        column_id varchar(255) NOT NULL,
        entity_id varchar(255) NOT NULL,
        status varchar(10) NOT NULL,
        value_string text,
        value_number double precision,
        value_boolean boolean,
        value_enum text,
        value_json jsonb,
        rationale text,
        confidence real,
        sources jsonb NOT NULL DEFAULT '[]',
        error_details jsonb,
        search_validation jsonb,
        provenance jsonb NOT NULL DEFAULT '{}',
        cache_key varchar(64) NOT NULL,
        task_id uuid,
        generated_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX column_values_entity_uq ON column_values (tenant_id, column_id, entity_id)`,
    );
    await q.query(
      `CREATE INDEX column_values_cache_idx ON column_values (tenant_id, cache_key, generated_at DESC) WHERE status = 'completed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE column_values`);
    await q.query(`DROP TABLE column_definitions`);
  }
}
