import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEY } from '../support/env';
import { freePort } from '../support/net';
import { runCli, tempDir, useCliApp } from './cli-harness';

/**
 * `assay tasks …` in-process against the booted app (real Postgres and Redis), with the
 * diagnostic task type: create, status, wait (exit codes 0 / 1 / 2), list, retry, cancel.
 */
describe('assay tasks (CLI against a booted app)', () => {
  const { app, env } = useCliApp();
  const cli = (...argv: string[]) => runCli(argv, env);

  it('create prints the job id; wait exits 0 on succeeded; status and --json show the task', async () => {
    const created = await cli('tasks', 'create', 'diagnostic', '--data', '{"sleep_ms":0}');
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.stderr).toContain(`diagnostic task ${id}: queued`);

    const waited = await cli('tasks', 'wait', id, '--timeout', '60s');
    expect(waited.code).toBe(0);
    expect(waited.stdout.trim()).toBe(`${id} succeeded`);

    const status = await cli('tasks', 'status', id);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^job_id: +${id}$`, 'm'));
    expect(status.stdout).toMatch(/^task: +diagnostic$/m);
    expect(status.stdout).toMatch(/^status: +succeeded$/m);
    expect(status.stdout).toMatch(/^progress: +100%/m);

    const json = await cli('tasks', 'status', id, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      job_id: id,
      status: 'succeeded',
      result: { ok: true },
    });
  });

  it('create --data-file, Idempotency-Key (same key → same task) and --wait', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'payload.json'), JSON.stringify({ sleep_ms: 0, stages: ['a'] }));
    const args = ['tasks', 'create', 'diagnostic', '--data-file', 'payload.json'];
    const key = `cli-test-${Date.now()}`;
    const first = await runCli([...args, '--idempotency-key', key], env, { cwd: dir });
    const again = await runCli([...args, '--idempotency-key', key], env, { cwd: dir });
    expect(first.code).toBe(0);
    expect(again.stdout).toBe(first.stdout);

    const waited = await runCli([...args, '--wait', '--json'], env, { cwd: dir });
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({
      status: 'succeeded',
      completed_stages: ['a'],
    });
  });

  it('a failing task: wait exits 1 with the error; list --status failed shows it; retry → succeeds', async () => {
    const id = (
      await cli('tasks', 'create', 'diagnostic', '--data', '{"fail_attempts":5}')
    ).stdout.trim();
    const waited = await cli('tasks', 'wait', id);
    expect(waited.code).toBe(1);
    expect(waited.stdout).toMatch(
      new RegExp(`^${id} failed TEMPORARY: diagnostic: failing attempt 5`),
    );

    const list = await cli('tasks', 'list', '--status', 'failed', '--task-name', 'diagnostic');
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^JOB_ID\s+TASK\s+STATUS\s+ATTEMPT\s+CREATED\s+ERROR$/);
    expect(lines.find((l) => l.startsWith(id))).toMatch(/diagnostic\s+failed\s+5\/5 .*TEMPORARY/);

    const listed = JSON.parse((await cli('tasks', 'list', '--limit', '1', '--json')).stdout);
    expect(listed.items).toHaveLength(1);
    expect(listed.next_cursor).toEqual(expect.any(String));

    const retried = await cli('tasks', 'retry', id);
    expect(retried.code).toBe(0);
    expect(retried.stdout.trim()).toBe(`${id} queued`);
    expect((await cli('tasks', 'wait', id)).code).toBe(0);

    // A succeeded task cannot be retried: the API's problem detail, exit 1.
    const refused = await cli('tasks', 'retry', id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^assay: Only failed tasks can be retried.*\(HTTP 400\)$/m);
  });

  it('cancel, wait exits 1 on cancelled; wait --timeout exits 2 while a task still runs', async () => {
    const id = (
      await cli('tasks', 'create', 'diagnostic', '--data', '{"sleep_ms":60000}')
    ).stdout.trim();
    const timedOut = await cli('tasks', 'wait', id, '--timeout', '100ms');
    expect(timedOut.code).toBe(2);
    expect(timedOut.stderr).toContain('timed out');

    const cancelled = await cli('tasks', 'cancel', id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${id} (cancelled|cancel requested)`));
    const waited = await cli('tasks', 'wait', id);
    expect(waited.code).toBe(1);
    expect(waited.stdout).toMatch(new RegExp(`^${id} cancelled`));

    const again = await cli('tasks', 'cancel', id);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\(HTTP 409\)/);
  });

  it('invalid payload → the problem detail and each field, exit 1; unknown task → 404 detail', async () => {
    const bad = await cli(
      'tasks',
      'create',
      'diagnostic',
      '--data',
      '{"sleep_ms":-1,"fail_attempts":99}',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\(HTTP 400\)/);
    expect(bad.stderr).toMatch(/^ {2}sleep_ms: /m);
    expect(bad.stderr).toMatch(/^ {2}fail_attempts: /m);
    const unknown = await cli('tasks', 'create', 'no_such_task');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown task "no_such_task".*diagnostic.*\(HTTP 404\)/);
    const missing = await cli('tasks', 'status', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No task.*\(HTTP 404\)/);
  });

  it('a wrong key → a clear message, exit 1, and the key is never printed', async () => {
    const wrongKey = 'wrong-key-abcdef-0123456789';
    const res = await runCli(['tasks', 'list'], { ...env, ASSAY_API_KEY: wrongKey });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/\(HTTP 401\)/);
    expect(res.stderr).toMatch(/ASSAY_API_KEY was refused/);
    expect(res.stdout + res.stderr).not.toContain(wrongKey);
    expect(res.stdout + res.stderr).not.toContain(API_KEY);

    const none = await runCli(['tasks', 'list'], { ASSAY_URL: app.t.url });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/set ASSAY_API_KEY/);
  });

  it('an unreachable server → a message naming the URL, exit 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const res = await runCli(['tasks', 'status', 'x'], { ...env, ASSAY_URL: url });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`Cannot reach Assay at ${url} (ECONNREFUSED)`);
  });
});
