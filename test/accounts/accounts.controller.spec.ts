import type { Response } from 'express';
import type { Principal } from '../../src/common/auth/principal';
import { AccountsController, ACCOUNT_TASK } from '../../src/modules/accounts/accounts.controller';
import type { AccountsService } from '../../src/modules/accounts/accounts.service';
import type { EnrichAccountDto } from '../../src/modules/accounts/dto/account-requests.dto';
import type { TasksService } from '../../src/modules/tasks/tasks.service';
import { FakeTasksService } from '../support/fakes/tasks-service';

/**
 * The typed enrich route in the service tier: routing + DTO + one `submit` call, with the
 * submission side of the task service faked. What the route sends to `submit` and how it turns
 * the outcome into a status, headers and body.
 */
describe('AccountsController.enrich (service tier, FakeTasksService)', () => {
  const caller: Principal = { method: 'api_key', tenant: 'acme', subject: 'key:test' };

  function setup(): { tasks: FakeTasksService; controller: AccountsController } {
    const tasks = new FakeTasksService();
    const controller = new AccountsController(
      {} as AccountsService,
      tasks as unknown as TasksService,
    );
    return { tasks, controller };
  }

  /** The part of an Express response the route writes to. */
  function response(): { res: Response; status?: number; headers: Record<string, string> } {
    const out: { res: Response; status?: number; headers: Record<string, string> } = {
      headers: {},
    } as never;
    out.res = {
      status(code: number) {
        out.status = code;
        return this;
      },
      set(h: Record<string, string>) {
        Object.assign(out.headers, h);
        return this;
      },
    } as unknown as Response;
    return out;
  }

  const body = (extra: Partial<EnrichAccountDto> = {}): EnrichAccountDto =>
    ({ website: 'brightforge.io', account_id: 'acct_42', ...extra }) as EnrichAccountDto;

  it('submits one account_enhancement task with the payload minus dry_run and undefined fields, and answers 202 with Location and Retry-After', async () => {
    const { tasks, controller } = setup();
    const r = response();
    const answer = await controller.enrich(
      body({ company_name: undefined } as Partial<EnrichAccountDto>),
      {},
      { idempotencyKey: undefined, traceId: 'trace-1', caller },
      r.res,
    );

    expect(tasks.submissions).toHaveLength(1);
    const [sub] = tasks.submissions;
    expect(sub.name).toBe(ACCOUNT_TASK);
    expect(sub.payload).toEqual({ website: 'brightforge.io', account_id: 'acct_42' });
    expect(sub.opts).toMatchObject({ dryRun: false, traceId: 'trace-1', caller });
    expect(r.status).toBe(202);
    expect(answer).toMatchObject({ status: 'queued', task_name: ACCOUNT_TASK });
    const jobId = (answer as { job_id: string }).job_id;
    expect(r.headers.Location).toBe(`/api/v1/tasks/${jobId}`);
    expect(Number(r.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('passes the Idempotency-Key: the same key and body answer 200 with the same task, another body 422', async () => {
    const { tasks, controller } = setup();
    const first = response();
    const a = await controller.enrich(
      body(),
      {},
      { idempotencyKey: 'row-7', traceId: 't', caller },
      first.res,
    );
    const again = response();
    const b = await controller.enrich(
      body(),
      {},
      { idempotencyKey: 'row-7', traceId: 't', caller },
      again.res,
    );

    expect(tasks.submissions.map((s) => s.opts.idempotencyKey)).toEqual(['row-7', 'row-7']);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect((b as { job_id: string }).job_id).toBe((a as { job_id: string }).job_id);
    await expect(
      controller.enrich(
        body({ website: 'other.io' }),
        {},
        { idempotencyKey: 'row-7', traceId: 't', caller },
        response().res,
      ),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('answers a dry run with the estimate (200), nothing created', async () => {
    const { tasks, controller } = setup();
    tasks.estimate = { calls: 3, cost_min_usd: 0.01, cost_max_usd: 0.05 };
    const r = response();
    const answer = await controller.enrich(
      body({ dry_run: true }),
      {},
      { idempotencyKey: undefined, traceId: 't', caller },
      r.res,
    );

    expect(tasks.submissions[0].opts.dryRun).toBe(true);
    expect(tasks.submissions[0].payload).not.toHaveProperty('dry_run');
    expect(r.status).toBe(200);
    expect(answer).toEqual({
      dry_run: true,
      task_name: ACCOUNT_TASK,
      estimate: { calls: 3, cost_min_usd: 0.01, cost_max_usd: 0.05 },
    });
    expect(r.headers).toEqual({});
  });

  it('with ?wait= answers 200 with the finished task and no Location when it ended in time', async () => {
    const { tasks, controller } = setup();
    tasks.endWith(ACCOUNT_TASK, { status: 'succeeded', result: { company_name: 'Brightforge' } });
    const r = response();
    const answer = await controller.enrich(
      body(),
      { wait: 30 },
      { idempotencyKey: undefined, traceId: 't', caller },
      r.res,
    );

    expect(tasks.submissions[0].opts.waitSeconds).toBe(30);
    expect(r.status).toBe(200);
    expect(answer).toMatchObject({
      status: 'succeeded',
      result: { company_name: 'Brightforge' },
    });
    expect(r.headers).toEqual({});
  });
});
