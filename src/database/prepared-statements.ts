import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../common/config/app.config';

/**
 * Hot statements run as named prepared statements on the pool's connections: PostgreSQL parses
 * and plans each once per connection instead of at every call, and the call skips TypeORM's
 * query runner. Measured on the provider cache read: p50 0.38 ms through `DataSource.query`,
 * 0.15 ms prepared (docs/operations.md, "Prepared statements").
 *
 * Only for statements that name their columns: a prepared `SELECT *` or `RETURNING *` fails with
 * "cached plan must not change result type" on every connection that prepared it once a
 * migration adds a column under running processes. Outside a transaction only (a transaction's
 * statements run on its own connection). `DATABASE_PREPARED_STATEMENTS=false` sends them unnamed,
 * for PgBouncer in transaction mode before 1.21 (or with `max_prepared_statements = 0`), where a
 * statement prepared on one server connection is missing on the next.
 */
@Injectable()
export class PreparedStatements {
  /** Statement text → its name: a digest of the text, so one text always has one name. */
  private readonly names = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  private get pool(): Pool {
    return (this.ds.driver as unknown as { master: Pool }).master;
  }

  async query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }> {
    const r = this.config.DATABASE_PREPARED_STATEMENTS
      ? await this.pool.query<R>({ name: this.nameOf(text), text, values })
      : await this.pool.query<R>(text, values);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `assay_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      this.names.set(text, name);
    }
    return name;
  }
}
