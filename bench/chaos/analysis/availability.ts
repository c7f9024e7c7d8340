/**
 * The checks on what the client and the operator see: no 5xx but the documented 503, no process
 * exiting unasked; and the client's answers by status.
 */
import { fmt } from '../../support/common';
import type { Analysis } from './rows';

/** 5xx answers other than the documented 503 (judged), and those 503s (reported), by fault. */
export function serverErrors({ s, counts }: Analysis): void {
  const outage503 = s.http.fiveXX.filter((p) => p.dependency);
  const fiveXX = s.http.fiveXX.filter((p) => !p.dependency);
  // The fault that started last before the answer, if it ended less than 10 s before it.
  const windowOf = (at: number) => {
    const f = s.faults
      .filter((x) => x.start - 1000 <= at && at <= x.end + 10_000)
      .sort((a, b) => b.start - a.start)[0];
    return f ? f.kind : 'outside any fault';
  };
  const by = new Map<string, number>();
  for (const p of fiveXX) {
    const k = `${p.status} ${p.what} (${windowOf(p.at)})`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  counts.push({
    metric: '5xx answers seen by the client (other than the documented 503)',
    value: fiveXX.length,
    detail: [...by].map(([k, n]) => `${n}× ${k}`).join('; '),
    judged: true,
    examples: fiveXX.slice(0, 3).map((p) => `${p.status} ${p.what}: ${p.detail}`),
  });
  counts.push({
    metric: '503 + Retry-After naming a dependency that was down',
    value: outage503.length,
    detail: [...new Set(outage503.map((p) => `${p.dependency} (${windowOf(p.at)})`))].join('; '),
    judged: false,
    examples: [],
  });
}

/** App processes that exited unasked (judged); start-ups that failed on a dependency (reported). */
export function processExits({ s, counts, info }: Analysis): void {
  if (s.startupFailures.length) {
    info.push(
      `${s.startupFailures.length} process start(s) failed because a dependency was down (by design; started again): ` +
        s.startupFailures.map((e) => e.name).join(', '),
    );
  }
  counts.push({
    metric: 'app processes that exited unasked',
    value: s.exits.length,
    detail: s.exits.map((e) => `${e.name} (${e.exit})`).join(', '),
    judged: true,
    examples: s.exits.slice(0, 2).map((e) => `${e.name}: …${e.tail.slice(-400)}`),
  });
}

export function clientInfo({ s, info }: Analysis): void {
  const statuses = [...s.http.byStatus].sort(([a], [b]) => a - b);
  info.push(
    `client: ${fmt(s.http.requests)} requests (${statuses.map(([k, n]) => `${fmt(n)}× ${k}`).join(', ')}), ` +
      `${s.http.network.length} network errors/timeouts, ${s.gaveUp.length} create(s) never accepted by the end`,
  );
}
