import { parseArgs } from 'node:util';

export const FAULT_KINDS = [
  'kills',
  'redis',
  'pg-restart',
  'pg-stop',
  'callbacks',
  'commit-crash',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ChaosOptions {
  tasks: number;
  workers: number;
  kills: number;
  killEvery: number;
  redisDown: number;
  redisWipe: boolean;
  pgDown: number;
  callback503: number;
  commitCrashRounds: number;
  burst: number;
  gap: number;
  warmup: number;
  drain: number;
  probeShare: number;
  sleepMs: [number, number];
  holdMs: [number, number];
  vendorLatencyMs: number;
  callbackRetrySchedule: string;
  recoveryGoal: number;
  failOnSlowRecovery: boolean;
  faults: FaultKind[];
  seed: number;
  keep: boolean;
  logLevel: string;
  appEnv: Record<string, string>;
  pgBin?: string;
  quick: boolean;
}

export const USAGE = `npm run test:chaos [-- options]      (or: node dist/bench/chaos/chaos.js [options])

Fault-injection run: its own PostgreSQL and Redis, 1 API + N worker processes, a vendor stub
that charges per call and a callback receiver; a mixed load while faults are injected one after
the other; then a table of losses, duplicates and recovery times. Exit code 1 when a count is
not 0 or a recovery is slower than the goal, 2 when the run itself could not be carried out.

  --quick                      300 tasks, 3 kills, short outages and drain (~2 min)
  --tasks N                    tasks of the load (5000; quick 300)
  --workers N                  worker processes (3)
  --kills N                    worker SIGKILLs, each followed by a restart (20; quick 3)
  --kill-every S               seconds from a restarted worker serving to the next kill (4)
  --redis-down S               Redis stopped this long (10; quick 5)
  --redis-wipe                 restart Redis empty (SHUTDOWN NOSAVE) instead of from its snapshot
  --pg-down S                  PostgreSQL stopped this long, after a restart (10; quick 5)
  --callback-503 S             callback receiver answers 503 this long (60; quick 15)
  --commit-crash-rounds N      bursts for the commit/send crash, until one hits the window (5)
  --burst N                    tasks per burst (120; quick 60)
  --gap S                      quiet seconds between faults (15; quick 6)
  --warmup S                   load before the first fault (5)
  --drain S                    longest wait for every task and callback to settle (300; quick 60)
  --faults LIST                which faults, comma-separated (all): ${FAULT_KINDS.join(',')}
  --probe-share F              share of provider_probe tasks in the load (0.3)
  --sleep-ms A-B               diagnostic sleep_ms range (300-3000)
  --hold-ms A-B                provider_probe hold_in_stage_ms range (0-1000)
  --vendor-latency-ms N        vendor stub answer time (50)
  --callback-retry-schedule L  CALLBACK_RETRY_SCHEDULE of the app (0,2,5,10,20,30,60,120;
                               "app" keeps the app's default, whose 5-minute step lengthens the run)
  --recovery-goal S            recovery goal per fault in seconds (5)
  --no-fail-on-slow-recovery   report slow recoveries without failing the run
  --app-env KEY=VALUE          extra setting for every app process (repeatable)
  --seed N                     random seed (printed; the same seed gives the same load and victims)
  --log-level L                app LOG_LEVEL (warn); logs are in <run dir>/logs
  --keep                       keep the run directory (logs, PostgreSQL data) at the end
  --pg-bin DIR                 PostgreSQL server binaries (default: newest /usr/lib/postgresql/*/bin)
  --help
`;

const range = (name: string, v: string): [number, number] => {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) throw new Error(`--${name} must be N or A-B`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (b < a) throw new Error(`--${name}: ${a} > ${b}`);
  return [a, b];
};

export function parseOptions(argv: string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      tasks: { type: 'string' },
      workers: { type: 'string' },
      kills: { type: 'string' },
      'kill-every': { type: 'string' },
      'redis-down': { type: 'string' },
      'redis-wipe': { type: 'boolean' },
      'pg-down': { type: 'string' },
      'callback-503': { type: 'string' },
      'commit-crash-rounds': { type: 'string' },
      burst: { type: 'string' },
      gap: { type: 'string' },
      warmup: { type: 'string' },
      drain: { type: 'string' },
      faults: { type: 'string' },
      'probe-share': { type: 'string' },
      'sleep-ms': { type: 'string' },
      'hold-ms': { type: 'string' },
      'vendor-latency-ms': { type: 'string' },
      'callback-retry-schedule': { type: 'string' },
      'recovery-goal': { type: 'string' },
      'no-fail-on-slow-recovery': { type: 'boolean' },
      'app-env': { type: 'string', multiple: true },
      seed: { type: 'string' },
      'log-level': { type: 'string' },
      keep: { type: 'boolean' },
      'pg-bin': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const num = (name: keyof typeof values, def: number, quickDef = def, min = 0): number => {
    const v = values[name];
    if (v === undefined) return quick ? quickDef : def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const int = (name: keyof typeof values, def: number, quickDef = def, min = 0): number => {
    const n = num(name, def, quickDef, min);
    if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer`);
    return n;
  };
  const faults = (values.faults ?? FAULT_KINDS.join(','))
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of faults) {
    if (!(FAULT_KINDS as readonly string[]).includes(f)) {
      throw new Error(`--faults: unknown fault "${f}" (known: ${FAULT_KINDS.join(', ')})`);
    }
  }
  const appEnv: Record<string, string> = {};
  for (const kv of values['app-env'] ?? []) {
    const i = kv.indexOf('=');
    if (i < 1) throw new Error(`--app-env ${kv}: expected KEY=VALUE`);
    appEnv[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const probeShare = num('probe-share', 0.3);
  if (probeShare > 1) throw new Error('--probe-share must be between 0 and 1');
  return {
    quick,
    tasks: int('tasks', 5000, 300, 1),
    workers: int('workers', 3, 3, 2),
    kills: int('kills', 20, 3),
    killEvery: num('kill-every', 4),
    redisDown: num('redis-down', 10, 5),
    redisWipe: values['redis-wipe'] ?? false,
    pgDown: num('pg-down', 10, 5),
    callback503: num('callback-503', 60, 15),
    commitCrashRounds: int('commit-crash-rounds', 5),
    burst: int('burst', 120, 60, 1),
    gap: num('gap', 15, 6),
    warmup: num('warmup', 5),
    drain: num('drain', 300, 60),
    probeShare,
    sleepMs: range('sleep-ms', values['sleep-ms'] ?? '300-3000'),
    holdMs: range('hold-ms', values['hold-ms'] ?? '0-1000'),
    vendorLatencyMs: int('vendor-latency-ms', 50),
    callbackRetrySchedule: values['callback-retry-schedule'] ?? '0,2,5,10,20,30,60,120',
    recoveryGoal: num('recovery-goal', 5),
    failOnSlowRecovery: !(values['no-fail-on-slow-recovery'] ?? false),
    faults: faults as FaultKind[],
    seed: values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 1e9),
    keep: values.keep ?? false,
    logLevel: values['log-level'] ?? 'warn',
    appEnv,
    pgBin: values['pg-bin'],
  };
}

/** mulberry32: a small seeded PRNG, so a seed replays the same load and the same victims. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
