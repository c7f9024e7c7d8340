/**
 * Figures for the built-in email verifier (`npm run bench:emails`). Not a test: it prints numbers
 * and exits 0 unless something broke.
 *
 *   1,000 addresses (BENCH_ADDRESSES) over 20 domains (BENCH_DOMAINS) of a loopback DNS server,
 *   all served by one local mail server (test/support/smtp-server.ts, STARTTLS offered) behind a
 *   relay that delivers each of its replies BENCH_LATENCY_MS late (30: a mail server one round
 *   trip away). email.verify calls of 10 addresses of one domain (BENCH_CALL_SIZE), 16 in flight
 *   (BENCH_PARALLEL_CALLS), per-domain session limit 2 (BENCH_DOMAIN_CONCURRENCY), shared in Redis.
 *   → wall time with one session per call's domain (RSET between addresses) vs one session per
 *     address (BUILTIN_SMTP_REUSE_SESSIONS=false), the speed-up (goal ≥ 3×), same verdicts; the
 *     most sessions the server saw open at once for one domain vs the limit (goal: never above).
 *
 * `--quick` (or BENCH_QUICK=1): 200 addresses over 5 domains. Everything runs in this process;
 * Redis keys live under the run's own prefixes and are deleted at the end.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { benchMain } from './support/bench-main';
import { deleteRedisKeys } from './support/bench-run';
import { envInt, fmt, log } from './support/common';
import { printTable, rows, verdict } from './providers/report';
import {
  EmailsBenchOptions,
  EmailsWorld,
  startWorld,
  statusCounts,
  verifyAll,
} from './emails/emails-run';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const PREFIX = `assay-bench-emails-${randomBytes(4).toString('hex')}`;
const options: EmailsBenchOptions = {
  addresses: envInt('BENCH_ADDRESSES', QUICK ? 200 : 1000),
  domains: envInt('BENCH_DOMAINS', QUICK ? 5 : 20),
  callSize: envInt('BENCH_CALL_SIZE', 10),
  parallelCalls: envInt('BENCH_PARALLEL_CALLS', 16),
  domainConcurrency: envInt('BENCH_DOMAIN_CONCURRENCY', 2),
  latencyMs: envInt('BENCH_LATENCY_MS', 30),
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: PREFIX,
};
let world: EmailsWorld | undefined;

benchMain(
  async () => {
    const o = options;
    log(
      `${fmt(o.addresses)} addresses over ${o.domains} domains, calls of ${o.callSize}, ${o.parallelCalls} in flight, ` +
        `${o.latencyMs} ms per server reply, at most ${o.domainConcurrency} sessions per domain`,
    );
    world = await startWorld(o);
    const reused = await verifyAll(world, o, true, `${PREFIX}-reuse`);
    log(`reuse: ${fmt(reused.ms / 1000, 2)} s, ${fmt(reused.sessions)} sessions`);
    const single = await verifyAll(world, o, false, `${PREFIX}-single`);
    log(`one per address: ${fmt(single.ms / 1000, 2)} s, ${fmt(single.sessions)} sessions`);

    const key = (r: { email: string; status: string; reasons: string[] }) =>
      `${r.email} ${r.status} ${r.reasons.join(',')}`;
    const differ = reused.results.filter((r, i) => key(r) !== key(single.results[i])).length;
    const speedUp = single.ms / reused.ms;
    const maxParallel = Math.max(reused.maxParallel, single.maxParallel);
    rows.push(
      {
        metric: 'one session per call and domain (reuse)',
        value: `${fmt(reused.ms / 1000, 2)} s, ${fmt(reused.sessions)} sessions`,
      },
      {
        metric: 'one session per address',
        value: `${fmt(single.ms / 1000, 2)} s, ${fmt(single.sessions)} sessions`,
      },
      {
        metric: 'speed-up of reuse',
        value: `${fmt(speedUp, 1)}×`,
        goal: '≥ 3×',
        verdict: verdict(speedUp >= 3),
      },
      {
        metric: 'verdicts that differ between the two',
        value: fmt(differ),
        goal: '0',
        verdict: verdict(differ === 0),
      },
      { metric: 'verdicts (reuse)', value: statusCounts(reused.results) },
      {
        metric: 'most parallel sessions per domain at the server',
        value: `${reused.maxParallel} (reuse), ${single.maxParallel} (one per address); limit ${o.domainConcurrency}`,
        goal: `≤ ${o.domainConcurrency}`,
        verdict: verdict(maxParallel <= o.domainConcurrency),
      },
    );
    printTable();
  },
  async () => {
    await world?.close().catch(() => undefined);
    await deleteRedisKeys(options.redisUrl, PREFIX);
  },
  QUICK ? ' (quick run)' : '',
);
