/**
 * What a chaos run records while it runs (the load, the faults, the callbacks, the client's
 * answers, the processes' exits), read by the checks in analysis/ once it has settled.
 */
import type { Pool } from 'pg';
import type { VendorStub } from '../../test/support/vendor-stub';
import { PREFIX } from './harness';
import type { ChaosOptions, FaultKind } from './options';

export type TaskKind = 'diagnostic' | 'probe' | 'burst';

export interface TaskSpec {
  idx: number;
  kind: TaskKind;
  jobId: string;
  type: 'diagnostic' | 'provider_probe';
  payload: Record<string, unknown>;
}

export interface Accepted {
  spec: TaskSpec;
  taskId: string;
  acceptedAt: number;
}

export interface Fault {
  kind: FaultKind;
  label: string;
  start: number;
  end: number;
  /** The process killed (kills, commit-crash). */
  victim?: string;
  note?: string;
  /** commit-crash: deliveries committed with their task's end but without a queued job at the kill. */
  hits?: string[];
}

export interface Callback {
  at: number;
  webhookId: string;
  taskId: string;
  jobId: string;
  event: string;
  page: number | null;
  status: number;
  signatureOk: boolean;
}

export interface HttpProblem {
  at: number;
  status: number;
  what: string;
  detail?: string;
  /** A documented dependency outage answer: 503 with Retry-After naming postgres / redis. */
  dependency?: string;
}

export interface ProcessExit {
  name: string;
  at: number;
  exit: string;
  tail: string;
}

export interface RunState {
  opts: ChaosOptions;
  startedAt: number;
  loadStartedAt: number;
  loadDoneAt: number;
  drainEndedAt: number;
  settled: boolean;
  specs: TaskSpec[];
  accepted: Map<string, Accepted>;
  gaveUp: TaskSpec[];
  faults: Fault[];
  callbacks: Callback[];
  http: {
    requests: number;
    byStatus: Map<number, number>;
    fiveXX: HttpProblem[];
    network: HttpProblem[];
  };
  exits: ProcessExit[];
  /** Processes that exited during start-up (a dependency was down when they started). */
  startupFailures: ProcessExit[];
  /** Vendor domain → the task (client job id) and stage it was asked for. */
  domains: Map<string, { jobId: string; stage: string }>;
  /** pid → process name, for the vendor stub's x-caller-pid. */
  pids: Map<number, string>;
  stub: VendorStub;
  db: Pool;
  prefix: string;
}

/** The state at the start of a run: nothing created, nothing recorded yet. */
export function newRunState(opts: ChaosOptions, stub: VendorStub): RunState {
  return {
    opts,
    startedAt: Date.now(),
    loadStartedAt: 0,
    loadDoneAt: 0,
    drainEndedAt: 0,
    settled: false,
    specs: [],
    accepted: new Map(),
    gaveUp: [],
    faults: [],
    callbacks: [],
    http: { requests: 0, byStatus: new Map(), fiveXX: [], network: [] },
    exits: [],
    startupFailures: [],
    domains: new Map(),
    pids: new Map(),
    stub,
    db: undefined as unknown as Pool,
    prefix: PREFIX,
  };
}
