/**
 * One column over ENTITIES accounts through `POST /api/v1/columns/{id}/run`, against an
 * OpenAI-compatible stub that answers every chat completion after LATENCY_MS: with
 * concurrent_requests LOW, then HIGH (another question, so nothing is cached), then HIGH again
 * with the same definition and contexts (served from the stored values).
 */
import { Reply, StubRequest, VendorStub } from '../../test/support/vendor-stub';
import { rows, verdict } from '../providers/report';
import { AppProcess } from '../support/app-process';
import { fmt, freePort, log, sleep } from '../support/common';
import { API_KEY, appEnv, ENTITIES, HIGH, LATENCY_MS, LOW } from './settings';

export const stubs: VendorStub[] = [];

/** A chat completion whose content is a column answer (the enum value from the entity's name). */
function answer(req: StubRequest): Reply {
  const text = JSON.stringify(req.body ?? {});
  const n = Number(/Company (\d+)/.exec(text)?.[1] ?? 0);
  const value = ['SMB', 'Mid-Market', 'Enterprise'][n % 3];
  const content = JSON.stringify({
    analysis: 'Read the context.',
    rationale: `Company ${n} is ${value}.`,
    value,
    confidence_score: 0.8,
    sources: [],
  });
  return {
    delayMs: LATENCY_MS,
    json: {
      id: `chatcmpl-${req.seq}`,
      object: 'chat.completion',
      created: 1735689600,
      model: 'bench-model',
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 200, completion_tokens: 40, total_tokens: 240 },
    },
  };
}

async function call<T>(api: AppProcess, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = (await res.json()) as T;
  if (res.status >= 300)
    throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(out)}`);
  return out;
}

interface RunResult {
  seconds: number;
  llmRequests: number;
  result: {
    successful_count: number;
    failed_count: number;
    cached_count: number;
    llm_calls: number;
  };
}

async function runColumn(
  api: AppProcess,
  stub: VendorStub,
  columnId: string,
  concurrency: number,
  processes: AppProcess[],
): Promise<RunResult> {
  const ids = Array.from({ length: ENTITIES }, (_, i) => `acct-${i}`);
  const context = Object.fromEntries(
    ids.map((id, i) => [id, { account_info: { name: `Company ${i}` } }]),
  );
  const posts = () => stub.requests.filter((r) => r.method === 'POST').length;
  const before = posts();
  const t0 = Date.now();
  const created = await call<{ job_id: string }>(api, 'POST', `/api/v1/columns/${columnId}/run`, {
    entity_ids: ids,
    context_data: context,
    concurrent_requests: concurrency,
    batch_size: 10,
  });
  for (;;) {
    const t = await call<{ status: string; result?: RunResult['result']; error?: unknown }>(
      api,
      'GET',
      `/api/v1/tasks/${created.job_id}`,
    );
    if (t.status === 'succeeded')
      return {
        seconds: (Date.now() - t0) / 1000,
        llmRequests: posts() - before,
        result: t.result!,
      };
    if (t.status === 'failed' || t.status === 'cancelled')
      throw new Error(`the column task ${t.status}: ${JSON.stringify(t.error)}`);
    const gone = processes.find((p) => p.exitCode !== undefined);
    if (gone) throw new Error(`the ${gone.role} process exited:\n${gone.tail.join('\n')}`);
    await sleep(100);
  }
}

export async function columnsRun(): Promise<void> {
  const stub = await VendorStub.start(answer);
  stubs.push(stub);
  log('starting 1 API + 1 worker process');
  const start = async (role: 'api' | 'worker') =>
    new AppProcess(role, await freePort(), appEnv(role, stub.url)).ready();
  const procs = await Promise.all([start('api'), start('worker')]);
  const api = procs[0];
  const run = Date.now().toString(36);
  const define = (id: string) =>
    call(api, 'POST', '/api/v1/columns', {
      column_id: id,
      name: 'Segment',
      question: `Which market segment is this company in? (bench ${id})`,
      response_type: 'enum',
      response_config: { allowed_values: ['SMB', 'Mid-Market', 'Enterprise'] },
      ai_config: { model: 'gpt-4o-mini' },
    });
  const low = `bench-low-${run}`;
  const high = `bench-high-${run}`;
  await define(low);
  await define(high);

  log(`${ENTITIES} entities, LLM latency ${LATENCY_MS} ms, concurrent_requests ${LOW}`);
  const a = await runColumn(api, stub, low, LOW, procs);
  log(`  ${fmt(a.seconds, 1)} s, ${a.llmRequests} LLM requests`);
  log(`${ENTITIES} entities, concurrent_requests ${HIGH}`);
  const b = await runColumn(api, stub, high, HIGH, procs);
  log(`  ${fmt(b.seconds, 1)} s, ${b.llmRequests} LLM requests`);
  log('the same column and entities again');
  const c = await runColumn(api, stub, high, HIGH, procs);
  log(`  ${fmt(c.seconds, 1)} s, ${c.llmRequests} LLM requests`);

  const tpA = ENTITIES / a.seconds;
  const tpB = ENTITIES / b.seconds;
  const ratio = tpB / tpA;
  rows.push(
    {
      metric: `throughput, concurrent_requests ${LOW}`,
      value: `${fmt(tpA, 2)} entities/s (${fmt(a.seconds, 1)} s, ${a.llmRequests} LLM calls)`,
    },
    {
      metric: `throughput, concurrent_requests ${HIGH}`,
      value: `${fmt(tpB, 2)} entities/s (${fmt(b.seconds, 1)} s, ${b.llmRequests} LLM calls)`,
    },
    {
      metric: `ratio ${HIGH} vs ${LOW}`,
      value: `${fmt(ratio, 2)}×`,
      goal: '≥ 8×',
      verdict: verdict(ratio >= 8),
    },
    {
      metric: 'values completed (both runs)',
      value: `${a.result.successful_count + b.result.successful_count} of ${2 * ENTITIES}`,
    },
    {
      metric: 're-run: LLM calls / served from stored values',
      value: `${c.llmRequests} / ${c.result.cached_count} of ${ENTITIES} (${fmt(c.seconds, 1)} s)`,
      goal: '0',
      verdict: verdict(c.llmRequests === 0 && c.result.cached_count === ENTITIES),
    },
  );
}
