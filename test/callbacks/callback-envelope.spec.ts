import { loadConfig } from '../../src/common/config/app.config';
import { nextDelayMs, retryAfterMs } from '../../src/modules/callbacks/callback-delivery.service';
import { finalEnvelopes, splitPages } from '../../src/modules/callbacks/callback-envelope.mapper';
import type { TaskEntity } from '../../src/modules/tasks/task.entity';

const task = (over: Partial<TaskEntity>): TaskEntity =>
  ({
    id: '11111111-2222-4333-8444-555555555555',
    type: 'account_enhancement',
    status: 'succeeded',
    accountId: 'acc-1',
    leadId: null,
    attempts: 1,
    maxAttempts: 3,
    input: {},
    result: null,
    error: null,
    progress: { percent: 100 },
    finishedAt: new Date('2026-11-23T10:00:00Z'),
    ...over,
  }) as TaskEntity;

const opts = { enrichmentType: 'company_info', source: 'jina_ai', pageSize: 20, rawData: true };
const items = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}` }));

describe('callback envelope', () => {
  it('maps a success to the seed envelope, leaving out null keys', () => {
    const [d] = finalEnvelopes(
      task({ result: { company: 'Acme' }, input: { orchestration_data: { run: 7 } } }),
      opts,
    );
    expect(d).toMatchObject({ event: 'task.succeeded', page: null, totalPages: null });
    expect(d.payload).toEqual({
      event: 'task.succeeded',
      task_name: 'account_enhancement',
      job_id: '11111111-2222-4333-8444-555555555555',
      account_id: 'acc-1',
      lead_id: null,
      status: 'completed',
      enrichment_type: 'company_info',
      source: 'jina_ai',
      is_partial: false,
      completion_percentage: 100,
      orchestration_data: { run: 7 },
      processed_data: { company: 'Acme' },
      attempt_number: 1,
      max_retries: 3,
      assay_task_id: '11111111-2222-4333-8444-555555555555',
      assay_status: 'succeeded',
      timestamp: '2026-11-23T10:00:00.000Z',
    });
  });

  it('marks a failure that kept a partial result as partial, with its progress', () => {
    const [d] = finalEnvelopes(
      task({
        status: 'failed',
        result: { partial: true },
        progress: { percent: 40 },
        error: {
          code: 'BUDGET_EXCEEDED',
          message: 'cap',
          retryable: false,
          stage: 'search',
          at: 'T',
        },
      }),
      opts,
    );
    expect(d.payload).toMatchObject({
      status: 'failed',
      is_partial: true,
      completion_percentage: 40,
      processed_data: { partial: true },
      error_details: {
        error_type: 'BUDGET_EXCEEDED',
        message: 'cap',
        step: 'search',
        retryable: false,
        timestamp: 'T',
      },
    });
  });

  it('does not page a failed task, nor lists at or under the page size', () => {
    expect(splitPages({ qualified_leads: items('a', 20) }, opts)).toBeNull();
    expect(
      finalEnvelopes(task({ status: 'failed', result: { qualified_leads: items('a', 50) } }), opts),
    ).toHaveLength(1);
  });

  it('does not count all_leads (as the seed), and cannot page items without an id', () => {
    expect(
      splitPages({ all_leads: items('a', 50), qualified_leads: items('a', 5) }, opts),
    ).toBeNull();
    expect(
      splitPages({ qualified_leads: [...items('a', 30), { name: 'no id' }] }, opts),
    ).toBeNull();
  });

  it("pages a task type's own lists, numeric ids included", () => {
    const result = { rows: Array.from({ length: 45 }, (_, i) => ({ id: i })), other: 1 };
    const planned = finalEnvelopes(task({ result }), {
      ...opts,
      pageSize: 20,
      pages: { lists: ['rows'] },
    });
    expect(planned.map((p) => [p.page, p.totalPages])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const last = planned[2].payload as any;
    expect(last.processed_data).toEqual({ rows: result.rows.slice(40), other: 1 });
    expect(last.pagination).toEqual({
      page: 3,
      total_pages: 3,
      leads_per_page: 20,
      total_leads: 45,
      current_chunk: { rows: result.rows.slice(40) },
    });
  });
});

describe('retry schedule', () => {
  const schedule = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

  it('follows the Svix schedule with up to 10 % jitter, then gives up', () => {
    const noJitter = () => 0;
    const fullJitter = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => nextDelayMs(n, schedule, null, noJitter))).toEqual([
      5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000,
    ]);
    expect(nextDelayMs(1, schedule, null, fullJitter)).toBe(5500);
    expect(nextDelayMs(8, schedule)).toBeNull();
  });

  it('takes Retry-After as a floor, not a ceiling', () => {
    expect(nextDelayMs(1, schedule, 60_000, () => 0)).toBe(60_000);
    expect(nextDelayMs(2, schedule, 1_000, () => 0)).toBe(300_000);
    expect(retryAfterMs('120')).toBe(120_000);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryAfterMs('Mon, 23 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});

describe('callback configuration', () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it('reads the defaults', () => {
    const c = loadConfig({});
    expect(c.CALLBACK_RETRY_SCHEDULE).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(c).toMatchObject({
      CALLBACK_PAGE_SIZE: 20,
      CALLBACK_TIMEOUT_MS: 15000,
      CALLBACK_URL: '',
    });
  });

  it('parses the schedule and the allow-list', () => {
    const c = loadConfig({
      CALLBACK_RETRY_SCHEDULE: '0, 0.2,0.2',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1, hooks.internal,10.0.0.0/8',
    });
    expect(c.CALLBACK_RETRY_SCHEDULE).toEqual([0, 0.2, 0.2]);
    expect(c.CALLBACK_ALLOWED_HOSTS).toEqual(['127.0.0.1', 'hooks.internal', '10.0.0.0/8']);
  });

  it('refuses bad values with messages that say how to fix them and never echo the secret', () => {
    const bad = 'whsec_short';
    let message = '';
    try {
      loadConfig({
        CALLBACK_SIGNING_SECRET: bad,
        CALLBACK_RETRY_SCHEDULE: '0,soon',
        CALLBACK_ALLOWED_HOSTS: '10.0.0.0/40',
        CALLBACK_URL: 'http://169.254.169.254/',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/CALLBACK_SIGNING_SECRET must be whsec_/);
    expect(message).toMatch(/CALLBACK_RETRY_SCHEDULE/);
    expect(message).toMatch(/CALLBACK_ALLOWED_HOSTS: "10.0.0.0\/40" is not a valid CIDR/);
    expect(message).toMatch(/CALLBACK_URL points to 169.254.169.254 \(a cloud metadata address\)/);
    expect(message).not.toContain(bad);
  });

  it('needs a secret for CALLBACK_URL', () => {
    expect(() => loadConfig({ CALLBACK_URL: 'https://crm.example.com/cb' })).toThrow(
      /CALLBACK_URL needs CALLBACK_SIGNING_SECRET/,
    );
    expect(
      loadConfig({ CALLBACK_URL: 'https://crm.example.com/cb', CALLBACK_SIGNING_SECRET: secret })
        .CALLBACK_URL,
    ).toBe('https://crm.example.com/cb');
  });
});
