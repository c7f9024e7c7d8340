import { Module } from '@nestjs/common';
import { TaskHandler, TaskType } from '../../src/modules/tasks/engine/task-type.decorator';
import { Json, useCallbacksApp, verify } from './callbacks-harness';

/** A result with the seed's lead lists, called back in pages joined on id, sent in order. */

// ---- a task type whose result holds the seed's lead lists (for pagination) -------------------

class LeadsProbeInput {}

const lead = (id: string) => ({ id, linkedin_url: `https://www.linkedin.com/in/${id}` });
const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => lead(`${prefix}${from + i}`));
/** all_leads a0..a39; qualified a0..a29 + q0..q4; structured a10..a19 + s0..s2 → 48 ids. */
const LEADS_RESULT = {
  all_leads: range('a', 0, 40),
  qualified_leads: [...range('a', 0, 30), ...range('q', 0, 5)],
  structured_leads: [...range('a', 10, 20), ...range('s', 0, 3)],
  score_distribution: { high: 10, low: 30 },
};

@TaskType({
  name: 'callback_leads_probe',
  input: LeadsProbeInput,
  enrichmentType: 'generate_leads',
  maxAttempts: 1,
})
class LeadsProbeTask implements TaskHandler<LeadsProbeInput> {
  async run() {
    return LEADS_RESULT;
  }
}

@Module({ providers: [LeadsProbeTask] })
class LeadsProbeModule {}

describe('callbacks end to end (real Postgres + Redis, local receivers)', () => {
  const { receiver, create, settled } = useCallbacksApp([LeadsProbeModule]);

  describe('pagination', () => {
    it('splits a large lead list into pages joined on id, sent in order', async () => {
      // Page 1 fails once: page 2 must wait for it.
      receiver.handle('/pages', (r, _nth, out) => {
        const page = (r.body.pagination as Json | undefined)?.page;
        const firstTry = receiver
          .on('/pages')
          .filter((x) => (x.body as Json).pagination?.page === 1);
        if (page === 1 && firstTry.length === 1) return out.writeHead(503).end();
        out.writeHead(200).end();
      });
      const res = await create(
        { account_id: 'acc-9', callback_url: receiver.url('/pages') },
        'callback_leads_probe',
      ).expect(200);
      const items = await settled(res.body.job_id, ['delivered'], 3);
      expect(items.map((d) => [d.page, d.total_pages]).sort()).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      const got = receiver.on('/pages');
      expect(got.map((r) => (r.body as Json).pagination.page)).toEqual([1, 1, 2, 3]);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(3);

      const pages = got.slice(1).map(verify);
      const ids = (list: Json[]) => list.map((l) => l.id);
      for (const p of pages) {
        expect(p).toMatchObject({
          job_id: res.body.job_id,
          account_id: 'acc-9',
          status: 'completed',
          enrichment_type: 'generate_leads',
          is_partial: false,
          completion_percentage: 100,
          raw_data: null,
          error_details: null,
          attempt_number: 1,
          max_retries: 1,
        });
        expect(p).not.toHaveProperty('orchestration_data');
        expect(p.processed_data.score_distribution).toEqual(LEADS_RESULT.score_distribution);
        expect(p.pagination).toMatchObject({ total_pages: 3, leads_per_page: 20, total_leads: 48 });
        expect(Object.keys(p.pagination.current_chunk).sort()).toEqual([
          'all_leads',
          'qualified_leads',
          'structured_leads',
        ]);
        for (const k of ['all_leads', 'qualified_leads', 'structured_leads']) {
          expect(p.processed_data[k]).toEqual(p.pagination.current_chunk[k]);
        }
      }
      // The seed's id order: all_leads, then ids only in qualified, then only in structured.
      const pageIds = pages.map((p) => [
        ...new Set([
          ...ids(p.pagination.current_chunk.all_leads),
          ...ids(p.pagination.current_chunk.qualified_leads),
          ...ids(p.pagination.current_chunk.structured_leads),
        ]),
      ]);
      expect(pageIds[0]).toEqual(ids(range('a', 0, 20)));
      expect(pageIds[1]).toEqual(ids(range('a', 20, 40)));
      expect(pageIds[2].sort()).toEqual(
        [...ids(range('q', 0, 5)), ...ids(range('s', 0, 3))].sort(),
      );
      // Every item of every list arrives exactly once.
      for (const k of ['all_leads', 'qualified_leads', 'structured_leads'] as const) {
        expect(pages.flatMap((p) => ids(p.processed_data[k])).sort()).toEqual(
          ids(LEADS_RESULT[k]).sort(),
        );
      }
    });
  });
});
