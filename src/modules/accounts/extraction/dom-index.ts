import type { CheerioAPI } from 'cheerio';
import type { DomRule, Needle } from './technology-fingerprints';

/**
 * What a page's elements have — tag names, attribute names, attribute values — gathered in one
 * walk, so that the fingerprint selectors that cannot match (nearly all of them) are ruled out
 * without running them.
 */
export class DomIndex {
  private readonly tags = new Set<string>();
  private readonly values = new Map<string, string[]>();
  private readonly exact = new Map<string, Set<string>>();
  private readonly joined = new Map<string, string>();

  constructor($: CheerioAPI) {
    $('*').each((_, node) => {
      const el = node as { name?: string; attribs?: Record<string, string> };
      if (el.name) this.tags.add(el.name.toLowerCase());
      for (const [name, value] of Object.entries(el.attribs ?? {})) {
        const key = name.toLowerCase();
        const list = this.values.get(key);
        if (list) list.push(value.toLowerCase());
        else this.values.set(key, [value.toLowerCase()]);
      }
    });
  }

  /** Whether some alternative of the rule's selector has everything it needs on this page. */
  possible(rule: DomRule): boolean {
    return rule.needles.some((alternative) => alternative.every((n) => this.has(n)));
  }

  private has(n: Needle): boolean {
    if ('tag' in n) return this.tags.has(n.tag);
    if (!('value' in n)) return this.values.has(n.attr);
    if (!this.values.has(n.attr)) return false;
    return n.exact
      ? this.exactValues(n.attr).has(n.value)
      : this.allValues(n.attr).includes(n.value);
  }

  /** Whole values and their whitespace-separated tokens (`.class`, `[a~=v]`, `#id`, `[a=v]`). */
  private exactValues(attr: string): Set<string> {
    let set = this.exact.get(attr);
    if (!set) {
      set = new Set();
      for (const v of this.values.get(attr) ?? []) {
        set.add(v);
        for (const token of v.split(/\s+/)) if (token) set.add(token);
      }
      this.exact.set(attr, set);
    }
    return set;
  }

  private allValues(attr: string): string {
    let all = this.joined.get(attr);
    if (all == null) {
      all = (this.values.get(attr) ?? []).join('\n');
      this.joined.set(attr, all);
    }
    return all;
  }
}
