import { randomUUID } from 'node:crypto';
import { json, useBadInputApp } from './bad-input-harness';

/** The bad-input probe's findings (issue 8), one by one: list filters, ids, dates and budgets. */

/** A task list cursor as the API writes them (`<created_at>|<id>`, base64url). */
const cursorAt = (iso: string) => Buffer.from(`${iso}|${randomUUID()}`).toString('base64url');

describe('bad input: never a 5xx, never stored (generated from the OpenAPI document)', () => {
  const { failures, send, postJson, counts, check } = useBadInputApp();

  describe('the probe (issue 8)', () => {
    const post = postJson;

    it('NUL in account_id or a key of the diagnostic payload → 400 naming it', async () => {
      const a = await post('/api/v1/tasks/create/diagnostic', '{"account_id":"a\\u0000b"}');
      check('NUL in account_id', a, { status: 400, fields: ['account_id'] });
      const b = await post('/api/v1/tasks/create/diagnostic', '{"acc\\u0000ount":"x"}');
      check('NUL in a key', b, { status: 400, fields: ['["acc\\u0000ount"]'] });
      expect(failures).toEqual([]);
    });

    it('list routes: batch_id must be a uuid; NUL in account_id / in an account path → 400', async () => {
      check('batch_id=xyz', await send('GET', '/api/v1/tasks?batch_id=xyz'), {
        status: 400,
        fields: ['batch_id'],
      });
      check('tasks account_id', await send('GET', '/api/v1/tasks?account_id=a%00b'), {
        status: 400,
        fields: ['account_id'],
      });
      check('accounts account_id', await send('GET', '/api/v1/accounts?account_id=a%00b'), {
        status: 400,
        fields: ['account_id'],
      });
      check('accounts/a%00b', await send('GET', '/api/v1/accounts/a%00b'), {
        status: 400,
        fields: ['id'],
      });
      expect(failures).toEqual([]);
      const ok = await send('GET', `/api/v1/tasks?batch_id=${randomUUID()}`);
      expect(ok.status).toBe(200);
    });

    it('dates PostgreSQL cannot hold, over-long ids and cursors, and huge budgets → 400', async () => {
      const before = await counts();
      for (const [url, field] of [
        ['/api/v1/tasks?created_from=-271821-04-20T00:00:00Z', 'created_from'],
        ['/api/v1/tasks/failed?start_date=-100000-01-01T00:00:00Z', 'start_date'],
        [`/api/v1/tasks?account_id=${'a'.repeat(256)}`, 'account_id'],
        [`/api/v1/tasks?cursor=${'a'.repeat(300)}`, 'cursor'],
        // A hand-made cursor whose date PostgreSQL cannot compare with.
        [`/api/v1/tasks?cursor=${cursorAt('-271821-04-20T00:00:00.000Z')}`, 'cursor'],
        [`/api/v1/tasks?status=${'failed,'.repeat(50)}failed`, 'status'],
        [`/api/v1/callbacks?cursor=${'a'.repeat(300)}`, 'cursor'],
      ]) {
        check(url, await send('GET', url), { status: 400, fields: [field] });
      }
      for (const [body, field] of [
        [{ account_id: 'a'.repeat(256) }, 'account_id'],
        [{ lead_id: 'l'.repeat(256) }, 'lead_id'],
        [{ budget_usd: 1e12 }, 'budget_usd'],
      ] as const) {
        check(json(body), await post('/api/v1/tasks/create/diagnostic', body), {
          status: 400,
          fields: [field],
        });
      }
      check(
        'batch budget',
        await post('/api/v1/tasks/batch', {
          task_name: 'diagnostic',
          payloads: [{}],
          budget_usd: 1e12,
        }),
        { status: 400, fields: ['budget_usd'] },
      );
      expect(failures).toEqual([]);
      expect(await counts()).toEqual(before);
    });
  });
});
