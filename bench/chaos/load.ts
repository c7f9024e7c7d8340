/**
 * The chaos run's client: the load (diagnostic and provider_probe tasks, each with its own job id
 * and a callback to the receiver, created at a steady rate as a careful client creates them) and
 * a reader of statuses meanwhile. Every answer is counted in the run state.
 */
import { sleep } from '../support/common';
import type { Fleet } from './fleet';
import { API_KEY, log, type RunContext } from './harness';
import type { CallbackReceiver } from './receiver';
import type { TaskSpec } from './state';

export class Workload {
  /** Stop creating and polling (the drain is over, or clean-up). */
  stopLoad = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly fleet: Fleet,
    private readonly receiver: CallbackReceiver,
  ) {}

  async http(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const h = this.ctx.state.http;
    h.requests++;
    try {
      const res = await fetch(`${this.fleet.api.url}${path}`, {
        method,
        headers: {
          'x-api-key': API_KEY,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      h.byStatus.set(res.status, (h.byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        let dependency: string | undefined;
        try {
          const body = JSON.parse(text) as { dependency?: unknown };
          if (
            res.status === 503 &&
            res.headers.get('retry-after') &&
            typeof body.dependency === 'string'
          )
            dependency = body.dependency;
        } catch {
          /* not JSON: not a documented answer */
        }
        h.fiveXX.push({
          at: Date.now(),
          status: res.status,
          what,
          detail: text.slice(0, 300),
          dependency,
        });
      }
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    } catch (err) {
      h.network.push({ at: Date.now(), status: 0, what, detail: (err as Error).message });
      return { status: 0, body: null };
    }
  }

  /** One create as a careful client does it: the same Idempotency-Key until it is accepted. */
  async create(spec: TaskSpec): Promise<void> {
    for (;;) {
      if (this.stopLoad) {
        this.ctx.state.gaveUp.push(spec);
        return;
      }
      const r = await this.http(
        'POST',
        `/api/v1/tasks/create/${spec.type}`,
        'create',
        spec.payload,
        {
          'idempotency-key': spec.jobId,
        },
      );
      if (r.status === 200 && r.body?.assay_task_id) {
        this.ctx.state.accepted.set(spec.jobId, {
          spec,
          taskId: r.body.assay_task_id as string,
          acceptedAt: Date.now(),
        });
        return;
      }
      if (r.status !== 0 && r.status < 500 && r.status !== 409) {
        throw new Error(`create ${spec.jobId} answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      await sleep(500);
    }
  }

  callbackUrl(): string {
    return this.receiver.url();
  }

  buildSpecs(): TaskSpec[] {
    const o = this.ctx.opts;
    const between = ([a, b]: [number, number]) => a + Math.floor(this.ctx.rand() * (b - a + 1));
    const specs: TaskSpec[] = [];
    for (let idx = 0; idx < o.tasks; idx++) {
      const jobId = `chaos-${this.ctx.tag}-${idx}`;
      if (this.ctx.rand() < o.probeShare) {
        const steps = [
          { stage: 'lookup', provider: 'chaos_cached', domain: `${jobId}-lookup.chaos.example` },
          { stage: 'enrich', provider: 'chaos_nottl', domain: `${jobId}-enrich.chaos.example` },
        ];
        for (const s of steps) this.ctx.state.domains.set(s.domain, { jobId, stage: s.stage });
        specs.push({
          idx,
          kind: 'probe',
          jobId,
          type: 'provider_probe',
          payload: {
            steps,
            hold_in_stage_ms: between(o.holdMs),
            job_id: jobId,
            callback_url: this.callbackUrl(),
          },
        });
      } else {
        specs.push({
          idx,
          kind: 'diagnostic',
          jobId,
          type: 'diagnostic',
          payload: {
            stages: ['a', 'b', 'c'],
            sleep_ms: between(o.sleepMs),
            job_id: jobId,
            callback_url: this.callbackUrl(),
          },
        });
      }
    }
    return specs;
  }

  /** Creates the specs at `rate` per second (at most 64 requests in flight). */
  async runLoad(specs: TaskSpec[], rate: number): Promise<void> {
    const start = Date.now();
    this.ctx.state.loadStartedAt = start;
    const inflight = new Set<Promise<void>>();
    let next = 0;
    while (next < specs.length && !this.stopLoad) {
      const due = Math.min(specs.length, Math.floor(((Date.now() - start) / 1000) * rate) + 1);
      while (next < due && inflight.size < 64) {
        const p = this.create(specs[next++]).catch((err: Error) => {
          log(`load: ${err.message}`);
          this.ctx.state.gaveUp.push(specs[next - 1]);
        });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      await sleep(20);
    }
    for (const s of specs.slice(next)) this.ctx.state.gaveUp.push(s);
    await Promise.all(inflight);
    this.ctx.state.loadDoneAt = Date.now();
  }

  /** A client reading statuses meanwhile (4 per second), so its 5xx answers count too. */
  async pollStatuses(): Promise<void> {
    while (!this.stopLoad) {
      const ids = [...this.ctx.state.accepted.keys()];
      if (ids.length) {
        const id = ids[Math.floor(this.ctx.rand() * ids.length)];
        void this.http('GET', `/api/v1/tasks/${encodeURIComponent(id)}/status`, 'status');
      }
      await sleep(250);
    }
  }
}
