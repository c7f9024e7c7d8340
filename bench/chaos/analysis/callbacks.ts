/** The checks on the callbacks the receiver got: none missing, one webhook-id per event, signed. */
import { fmt } from '../../support/common';
import type { Analysis } from './rows';

const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;

/** Final tasks whose callback never arrived; events sent under two different webhook-ids. */
export function callbackCounts({ s, tasks, jobOf, counts }: Analysis): void {
  const delivered = new Set(s.callbacks.filter(ok).map((c) => `${c.taskId}|${c.event}`));
  const finals = tasks.filter((t) => !['queued', 'running'].includes(t.status));
  const missing = finals.filter((t) => !delivered.has(`${t.id}|task.${t.status}`));
  counts.push({
    metric: 'callbacks missing (final task, none delivered)',
    value: missing.length,
    detail: missing.length ? `of ${fmt(finals.length)} final tasks` : '',
    judged: true,
    examples: missing.slice(0, 5).map((t) => `${t.external_id ?? t.id} (${t.status})`),
  });

  const ids = new Map<string, Set<string>>();
  for (const c of s.callbacks) {
    const key = `${c.taskId}|${c.event}|${c.page ?? ''}`;
    ids.set(key, (ids.get(key) ?? new Set()).add(c.webhookId));
  }
  const twoIds = [...ids.entries()].filter(([, v]) => v.size > 1);
  counts.push({
    metric: 'events sent under two different webhook-ids',
    value: twoIds.length,
    detail: '',
    judged: true,
    examples: twoIds
      .slice(0, 5)
      .map(([k, v]) => `${jobOf(k.split('|')[0])} ${k.split('|')[1]}: ${[...v].join(', ')}`),
  });
}

export function invalidSignatures({ s, counts }: Analysis): void {
  const badSig = s.callbacks.filter((c) => !c.signatureOk);
  counts.push({
    metric: 'callbacks with an invalid signature',
    value: badSig.length,
    detail: '',
    judged: true,
    examples: badSig.slice(0, 3).map((c) => `${c.webhookId} ${c.event}`),
  });
}

/** Received, 503s, redeliveries, tasks announced twice, the outbox's final state. */
export async function callbackInfo({ s, db, info }: Analysis): Promise<void> {
  const webhookSeen = new Map<string, number>();
  for (const c of s.callbacks.filter(ok))
    webhookSeen.set(c.webhookId, (webhookSeen.get(c.webhookId) ?? 0) + 1);
  const redelivered = [...webhookSeen.values()].filter((n) => n > 1).length;
  const multiFinal = new Map<string, Set<string>>();
  for (const c of s.callbacks.filter(ok)) {
    multiFinal.set(c.taskId, (multiFinal.get(c.taskId) ?? new Set()).add(c.event));
  }
  const twoEnds = [...multiFinal.values()].filter((v) => v.size > 1).length;
  const { rows: outbox } = await db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM callback_deliveries GROUP BY 1 ORDER BY 1',
  );
  info.push(
    `callbacks: ${fmt(s.callbacks.length)} received, ${fmt(s.callbacks.filter((c) => c.status === 503).length)} answered 503; ` +
      `${redelivered} webhook-id(s) delivered more than once (at-least-once, allowed); ` +
      `${twoEnds} task(s) announced with two different final events; outbox: ` +
      outbox.map((r) => `${r.n} ${r.status}`).join(', '),
  );
}
