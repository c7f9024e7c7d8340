import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/common/config/app.config';
import { ensureDatabase } from '../../src/common/startup/dependencies';
import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';
import { DefinitionSync } from '../../src/modules/custom-columns/dependencies/definition-sync';
import {
  ColumnsRepository,
  ValueToSave,
} from '../../src/modules/custom-columns/storage/columns.repository';
import { testEnv } from '../support/test-app';

const value = (over: Partial<ValueToSave>): ValueToSave => ({
  tenantId: '',
  columnId: 'c',
  entityId: 'e',
  status: 'completed',
  valueString: 'x',
  valueNumber: null,
  valueBoolean: null,
  valueEnum: null,
  valueJson: null,
  rationale: 'r',
  confidence: 0.5,
  sources: [],
  errorDetails: null,
  searchValidation: null,
  provenance: {
    method: 'llm',
    provider: 'openai',
    model: 'gpt-4o-mini',
    cost_usd: 0.0001,
    task_id: null,
    sources: [],
    cached: false,
    repaired: false,
    llm_calls: 1,
    retrieved_at: '2026-12-02T00:00:00.000Z',
  },
  cacheKey: 'k'.repeat(64),
  taskId: null,
  generatedAt: new Date(),
  ...over,
});

describe('ColumnsRepository and DefinitionSync (PostgreSQL)', () => {
  let ds: DataSource;
  let repo: ColumnsRepository;
  let sync: DefinitionSync;
  const t1 = `cc-int-${randomBytes(4).toString('hex')}`;
  const t2 = `cc-int-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const config = loadConfig(testEnv());
    await ensureDatabase(config);
    await runMigrations(config);
    ds = createDataSource(config);
    await ds.initialize();
    repo = new ColumnsRepository(ds);
    sync = new DefinitionSync(repo);
  });
  afterAll(async () => {
    for (const t of [t1, t2]) {
      await ds?.query(`DELETE FROM column_values WHERE tenant_id = $1`, [t]);
      await ds?.query(`DELETE FROM column_definitions WHERE tenant_id = $1`, [t]);
    }
    await ds?.destroy();
  });

  it('one value per (tenant, column, entity): a later save replaces it and keeps its id', async () => {
    await repo.saveValue(value({ tenantId: t1, valueString: 'first' }));
    const [first] = await repo.listValues(t1, 'c', undefined, 10);
    await repo.saveValue(value({ tenantId: t1, valueString: 'second', status: 'error' }));
    await repo.saveValue(value({ tenantId: t2, valueString: 'other tenant' }));
    const rows = await repo.listValues(t1, 'c', undefined, 10);
    expect(rows.map((r) => [r.id, r.valueString, r.status])).toEqual([
      [first.id, 'second', 'error'],
    ]);
    expect((await repo.listValues(t2, 'c', undefined, 10)).map((r) => r.valueString)).toEqual([
      'other tenant',
    ]);
  });

  it('the cache answers completed values of the tenant, newer than the TTL, only', async () => {
    const key = 'a'.repeat(64);
    const old = new Date(Date.now() - 10 * 3600_000);
    await repo.saveValue(value({ tenantId: t1, entityId: 'old', cacheKey: key, generatedAt: old }));
    const since = new Date(Date.now() - 3600_000);
    expect(await repo.findCached(t1, key, since)).toBeNull();
    expect((await repo.findCached(t1, key, new Date(old.getTime() - 1)))?.entityId).toBe('old');
    await repo.saveValue(value({ tenantId: t1, entityId: 'err', cacheKey: key, status: 'error' }));
    expect(await repo.findCached(t1, key, since)).toBeNull();
    expect(await repo.findCached(t2, key, new Date(0))).toBeNull();
    await repo.saveValue(value({ tenantId: t1, entityId: 'new', cacheKey: key }));
    expect((await repo.findCached(t1, key, since))?.entityId).toBe('new');
  });

  it('definitions: unknown references and cycles refused; the graph is per tenant', async () => {
    const def = (column_id: string, question: string) => ({
      column_id,
      question,
      response_type: 'string',
      response_config: {},
    });
    expect(await sync.define(t1, def('a', 'A?'))).toMatchObject({ ok: true });
    expect(await sync.define(t1, def('b', 'B given {{column:a}}?'))).toMatchObject({ ok: true });
    expect(await sync.define(t1, def('a', 'A given {{column:b}}?'))).toEqual({
      ok: false,
      field: 'question',
      message: "the question's column references form a cycle: a → b → a",
    });
    expect(await sync.define(t2, def('b', 'B given {{column:a}}?'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('{{column:a}}, which is not defined'),
    });
    expect([...(await repo.graph(t1)).entries()]).toEqual([
      ['a', []],
      ['b', ['a']],
    ]);
    const page1 = await repo.listDefinitions(t1, undefined, 1);
    const page2 = await repo.listDefinitions(t1, { columnId: page1[0].columnId, tenantId: t1 }, 5);
    expect([...page1, ...page2].map((d) => d.columnId)).toEqual(['a', 'b']);
  });
});
