import { DataSource } from 'typeorm';
import { deepObject, Json, useBadInputApp } from './bad-input-harness';

/**
 * Unknown keys in a request body (defect 5): what is kept (the seed clients' own keys), what is
 * bounded (junk under unknown keys is a 400), what is stripped (typed routes).
 */
describe('bad input: never a 5xx, never stored (generated from the OpenAPI document)', () => {
  const { app, failures, postJson, counts, check } = useBadInputApp();

  describe('unknown keys (defect 5)', () => {
    const post = postJson;
    const storedInput = async (id: string) => {
      const [row] = await app.t.app
        .get(DataSource)
        .query('SELECT input FROM tasks WHERE id = $1', [id]);
      return row.input as Json;
    };

    it("seed route: keeps the seed clients' own keys (request_id, batch_metadata, origin, user_id, orchestration_data)", async () => {
      const extra = {
        request_id: 'req-1',
        batch_metadata: { batch_number: 1, total_batches: 3, parent_job_id: 'p-1' },
        origin: 'api',
        user_id: 42,
        orchestration_data: { next_columns: ['c2', 'c3'], entity_ids: ['e1', 'e2'] },
        notes_html: `<div>${'<p>hello</p>'.repeat(5000)}</div>`,
      };
      const res = await post('/api/v1/tasks/create/diagnostic', { sleep_ms: 0, ...extra });
      expect(res.status).toBe(200);
      expect(await storedInput(res.json!.job_id)).toMatchObject(extra);
    });

    it('seed route and batch: junk under unknown keys is a 400 naming it, nothing stored', async () => {
      const before = await counts();
      const junk = [
        [{ junk: 'x'.repeat(900_000) }, 'junk'],
        [{ junk: new Array(100_000).fill(1) }, 'junk'],
        [{ a: 'x'.repeat(90_000), b: 'x'.repeat(90_000), c: 'x'.repeat(90_000) }, 'c'],
        [{ meta: JSON.parse(deepObject(20)) }, `meta${'.a'.repeat(16)}`],
      ] as const;
      for (const [payload, field] of junk) {
        check(`create ${field}`, await post('/api/v1/tasks/create/diagnostic', payload), {
          status: 400,
          fields: [field],
        });
        check(
          `batch ${field}`,
          await post('/api/v1/tasks/batch', {
            task_name: 'diagnostic',
            payloads: [{}, payload],
          }),
          { status: 400, fields: [`payloads[1].${field}`] },
        );
      }
      // Inside a declared list, an item's own unknown keys are bounded too.
      check(
        'accounts[0].junk',
        await post('/api/v1/tasks/create/account_enhancement', {
          accounts: [{ account_id: 'a1', website: 'acme.com', junk: 'x'.repeat(200_000) }],
        }),
        { status: 400, fields: ['accounts[0].junk'] },
      );
      check(
        'orchestration_data',
        await post('/api/v1/tasks/create/account_enhancement', {
          website: 'acme.com',
          orchestration_data: { ids: new Array(5000).fill('id') },
        }),
        { status: 400, fields: ['orchestration_data'] },
      );
      check(
        'website object',
        await post('/api/v1/tasks/create/account_enhancement', {
          accounts: [{ account_id: 'a1', website: { href: 'acme.com' } }],
        }),
        { status: 400, fields: ['accounts[0].website'] },
      );
      expect(failures).toEqual([]);
      expect(await counts()).toEqual(before);
    });

    it('typed route (accounts/enrich): unknown keys are stripped, not stored', async () => {
      const res = await post('/api/v1/accounts/enrich', {
        website: 'bad-input-strip.example.com',
        account_id: 'acct-strip',
        junk: 'x'.repeat(1000),
        request_id: 'r-1',
      });
      expect([200, 202]).toContain(res.status);
      const input = await storedInput(res.json!.job_id);
      expect(input).toMatchObject({ website: 'bad-input-strip.example.com' });
      expect(input).not.toHaveProperty('junk');
      expect(input).not.toHaveProperty('request_id');
    });
  });
});
