import { applyOutcome } from '../../src/cli/contacts-enrich/chunks';
import { contactOutputHeader, mapContactColumns } from '../../src/cli/contacts-enrich/columns';
import { chunkBody, contactBody, ContactRow } from '../../src/cli/contacts-enrich/plan';
import { createProgress } from '../../src/cli/progress';
import type { TaskDetail } from '../../src/cli/task-wait';
import { Capture } from './cli-harness';

const row = (n: number): ContactRow => ({ number: n, cells: [], key: String(n), body: {} });

const contact = (status: string, reason?: string) => ({
  status,
  ...(reason ? { reason } : {}),
  source: 'apollo',
  confidence: status === 'enriched' ? 0.9 : 0,
  enriched_at: status === 'enriched' ? Date.parse('2026-03-01T12:00:00Z') / 1000 : null,
  email: 'tim@acme.com',
  name: 'Tim Zheng',
  job_title: status === 'enriched' ? 'CEO' : null,
  company: 'Acme',
  industry: null,
  company_website: null,
  phone_numbers: status === 'enriched' ? ['+15550100', '+15550101'] : [],
  social_profiles: { linkedin: null, twitter: null },
  location: { city: 'Oakland', state: null, country: 'United States' },
});

const task = (status: TaskDetail['status'], result: unknown, error?: TaskDetail['error']) =>
  ({ job_id: 'j1', task_name: 'contact_enrichment', status, result, error }) as TaskDetail;

describe('assay contacts enrich (units)', () => {
  it('maps columns by the usual header names, by flag, or not at all (none)', () => {
    const header = [
      'Record ID',
      'First Name',
      'Last Name',
      'Work Email',
      'Company Name',
      'Website',
    ];
    expect(mapContactColumns(header, {})).toEqual({
      email: 3,
      name: -1,
      first_name: 1,
      last_name: 2,
      company: 4,
      domain: 5,
      linkedin_url: -1,
      external_id: 0,
    });
    const flagged = mapContactColumns(header, { domainColumn: 'none', idColumn: 'first name' });
    expect(flagged).toMatchObject({ domain: -1, external_id: 1 });
    expect(() => mapContactColumns(header, { emailColumn: 'mail' })).toThrow(
      /--email-column "mail": no such column/,
    );
    expect(() => mapContactColumns(['id', 'company'], {})).toThrow(/no email, LinkedIn or name/);
  });

  it('sends the mapped cells trimmed, empty ones left out; the key is the exact body', () => {
    const map = mapContactColumns(['email', 'name', 'company'], {});
    expect(contactBody([' tim@acme.com ', '', 'Acme'], map)).toEqual({
      email: 'tim@acme.com',
      company: 'Acme',
    });
    const rows = [{ ...row(1), body: { email: 'tim@acme.com' } }];
    const a = chunkBody(rows, 2);
    expect(a.body).toEqual({ contacts: [{ email: 'tim@acme.com' }], budget_usd: 2 });
    expect(a.key).toMatch(/^assay-cli-contact_enrichment-[0-9a-f]{64}$/);
    expect(chunkBody(rows, 2).key).toBe(a.key);
    expect(chunkBody(rows).key).not.toBe(a.key);
  });

  it('output columns: the input’s, the results’ (assay_ on a clash), the bookkeeping ones', () => {
    const h = contactOutputHeader(['email', 'Company']);
    expect(h.slice(0, 4)).toEqual(['email', 'Company', 'assay_email', 'name']);
    expect(h.slice(-3)).toEqual(['assay_job_id', 'assay_status', 'assay_error']);
    expect(() => contactOutputHeader(['email', 'assay_status'])).toThrow(
      /output of `assay contacts enrich`/,
    );
  });

  it('rows from a finished task: each contact’s status, reason and cells', () => {
    const rows = [row(1), row(2)];
    applyOutcome(
      task('succeeded', { contacts: [contact('enriched'), contact('unenriched', 'no_match')] }),
      rows,
    );
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ['enriched', ''],
      ['unenriched', 'no_match'],
    ]);
    expect(rows[0].results).toEqual([
      'tim@acme.com',
      'Tim Zheng',
      'CEO',
      'Acme',
      '',
      '',
      '+15550100; +15550101',
      '',
      '',
      'Oakland',
      '',
      'United States',
      '0.9',
      'apollo',
      '2026-03-01T12:00:00.000Z',
    ]);
    expect(rows[1].results?.[12]).toBe('');
  });

  it('a failed task: the contacts its partial result did stay, the rest fail with its error', () => {
    const rows = [row(1), row(2), row(3)];
    const error = { code: 'BUDGET_EXCEEDED', message: 'over budget_usd', retryable: false };
    applyOutcome(
      task(
        'failed',
        {
          partial: true,
          contacts: [
            contact('enriched'),
            contact('unenriched', 'not_attempted'),
            contact('unenriched', 'no_match'),
          ],
        },
        error,
      ),
      rows,
    );
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ['enriched', ''],
      ['failed', 'BUDGET_EXCEEDED: over budget_usd'],
      ['unenriched', 'no_match'],
    ]);
    const cancelled = [row(1)];
    applyOutcome(task('cancelled', null, { code: 'CANCELLED', message: 'cancelled' }), cancelled);
    expect(cancelled[0]).toMatchObject({ status: 'cancelled', error: 'CANCELLED: cancelled' });
  });

  it('progress advances by several items at once: one plain line, or the bar', () => {
    const plain = new Capture(false);
    const p = createProgress(plain, 'auto', 'contacts');
    p.start(10, 0);
    p.tick('rows 1–4: 1 of 3 vendor batch(es)', { enriched: 0 }, 4);
    p.tick('rows 1–10: 6 enriched, 4 unenriched', { enriched: 6, unenriched: 4 }, 6);
    p.stop();
    const lines = plain.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\[4\/10\] rows 1–4: 1 of 3 vendor batch\(es\) \(/);
    expect(lines[1]).toMatch(/^\[10\/10\] rows 1–10: 6 enriched, 4 unenriched \(.*ETA 0s\)$/);
    const tty = new Capture(true);
    const bar = createProgress(tty, 'auto', 'contacts');
    bar.start(10, 0);
    bar.tick('', { enriched: 6, unenriched: 4 }, 10);
    bar.stop();
    expect(tty.text).toContain('10/10 contacts');
    expect(tty.text).toContain('enriched 6, unenriched 4');
  });
});
