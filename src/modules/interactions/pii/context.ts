/**
 * Up to `n` characters of `text` before `index`, not reaching back past a line break: in a
 * transcript a cue word ("SSN", "email", "order") in an earlier turn says nothing about this one.
 */
export function textBefore(text: string, index: number, n: number): string {
  const from = Math.max(0, index - n, text.lastIndexOf('\n', index - 1) + 1);
  return text.slice(from, index);
}
