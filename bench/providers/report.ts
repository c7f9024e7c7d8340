/** The provider bench's table: the rows its runs add, and their printing. */

export interface Row {
  metric: string;
  value: string;
  goal?: string;
  verdict?: 'ok' | 'MISSED';
}
export const rows: Row[] = [];
export const verdict = (ok: boolean): 'ok' | 'MISSED' => (ok ? 'ok' : 'MISSED');

export function printTable(): void {
  const widths = [48, 44, 8, 7];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join(' ')
      .trimEnd();
  console.log('');
  console.log(line(['metric', 'value', 'goal', 'verdict']));
  console.log(widths.map((w) => '-'.repeat(w)).join(' '));
  for (const r of rows) console.log(line([r.metric, r.value, r.goal ?? '', r.verdict ?? '']));
  console.log('');
}
