/** The task bench's results: the table rows and notes the phases add, and their printing. */

export interface Row {
  phase: string;
  metric: string;
  value: string;
  goal?: string;
  verdict?: 'ok' | 'MISSED';
}
export const rows: Row[] = [];
export const notes: string[] = [];

export function printTable(): void {
  const head = { phase: 'phase', metric: 'metric', value: 'value', goal: 'goal', verdict: '' };
  const all = [head, ...rows.map((r) => ({ ...r, goal: r.goal ?? '', verdict: r.verdict ?? '' }))];
  const w = (k: keyof typeof head) => Math.max(...all.map((r) => String(r[k]).length));
  const line = (r: (typeof all)[number]) =>
    `${r.phase.padEnd(w('phase'))}  ${r.metric.padEnd(w('metric'))}  ${r.value.padStart(w('value'))}  ${r.goal.padEnd(w('goal'))}  ${r.verdict}`.trimEnd();
  console.log(line(head));
  console.log('-'.repeat(line(head).length + 8));
  for (const r of all.slice(1)) console.log(line(r));
}
