/**
 * Column dependencies: a question may cite another column's value of the same entity as
 * `{{column:<id>}}`. Pure functions: the references of a question, a definition-time cycle check
 * over the stored graph, and the substitution (the evaluator computes what a question cites
 * depth first, so dependencies always come before what cites them).
 */

/** Column ids: what the seed's client sends (uuids, slugs). */
export const COLUMN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

const REF = /\{\{\s*column:\s*([A-Za-z0-9][A-Za-z0-9._:-]{0,254})\s*\}\}/g;

/** The distinct column ids a question cites, in order of first mention. */
export function columnRefs(question: string): string[] {
  const out: string[] = [];
  for (const m of question.matchAll(REF)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/**
 * The cycle that defining `id` with `refs` would close, as a path `id → … → id`, or null. `graph`
 * holds the stored columns' references (a stored definition of `id` itself is replaced).
 */
export function findCycle(
  id: string,
  refs: string[],
  graph: ReadonlyMap<string, readonly string[]>,
): string[] | null {
  const edges = (n: string) => (n === id ? refs : (graph.get(n) ?? []));
  const onPath: string[] = [];
  const done = new Set<string>();
  const visit = (n: string): string[] | null => {
    const at = onPath.indexOf(n);
    if (at >= 0) return [...onPath.slice(at), n];
    if (done.has(n)) return null;
    onPath.push(n);
    for (const m of edges(n)) {
      const c = visit(m);
      if (c) return c;
    }
    onPath.pop();
    done.add(n);
    return null;
  };
  return visit(id);
}

/** The question with each `{{column:<id>}}` replaced by that column's value (as text). */
export function substituteRefs(question: string, values: ReadonlyMap<string, string>): string {
  return question.replace(REF, (whole, id: string) => values.get(id) ?? whole);
}
