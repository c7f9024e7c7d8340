import type { DomNode } from '../html-readable';
import { clean, isTitleLike, LINK_LABEL, nameIn, splitNameTitle } from './person-text';

/**
 * One pass over a parsed page: every element's place in document order, and the page's text
 * cut into units (the smallest blocks: a heading, a paragraph, a cell, a caption, a run of
 * inline text between blocks), each classified as a name, a title, a name with its title, or
 * other text. The card and list readers work on this index instead of on markup.
 */

export type UnitKind = 'name' | 'title' | 'person' | 'people' | 'text';

export interface TextUnit {
  /** The block (or, for a run of inline text between blocks, the block holding it). */
  el: DomNode;
  /** Document order of the unit's first node. */
  order: number;
  text: string;
  kind: UnitKind;
  name?: string;
  title?: string;
  /** The text's pieces (lines, and the parts its inline elements make), when more than one. */
  parts?: string[];
  /** `people`: one line per person ("Jane Doe, CEO<br>John Roe, CTO"). */
  people?: Array<{ name: string; title: string }>;
  heading: boolean;
}

export interface PageIndex {
  units: TextUnit[];
  /** Every element's range in document order: its own number, and the last of its subtree. */
  span: Map<DomNode, { start: number; end: number }>;
  images: Array<{ el: DomNode; order: number }>;
  anchors: Array<{ el: DomNode; order: number; href: string }>;
  /** <time> elements (dated items: posts, news, comments). */
  times: Array<{ order: number }>;
  /** Headings that are neither a name nor a title: the sections' headings. */
  headings: TextUnit[];
}

const BLOCK = new Set(
  (
    'address article aside blockquote caption dd details div dl dt fieldset figcaption figure ' +
    'footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table ' +
    'tbody td tfoot th thead tr ul'
  ).split(' '),
);
const SKIP = new Set(
  'script style noscript template svg nav button select textarea iframe head dialog'.split(' '),
);
const CHROME = /cookie|consent|gdpr|breadcrumb|navbar|site-?nav|menu|skip-?link/i;
const HEADING = /^h[1-6]$/;

const attr = (el: DomNode, name: string) => el.attribs?.[name] ?? '';
const kids = (el: DomNode) => el.children ?? [];

/** Page chrome that never holds the team: navigation, banners, and site-wide headers/footers. */
function skipped(el: DomNode): boolean {
  const name = el.name ?? '';
  if (el.type === 'script' || el.type === 'style') return true;
  if (el.type !== 'tag') return false;
  if (SKIP.has(name) || attr(el, 'role') === 'navigation' || 'hidden' in (el.attribs ?? {})) {
    return true;
  }
  if (CHROME.test(`${attr(el, 'class')} ${attr(el, 'id')}`)) return true;
  if (name === 'header' || name === 'footer') {
    let links = 0;
    const stack = [...kids(el)];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.name === 'nav') return true;
      if (n.name === 'a' && ++links > 8) return true;
      stack.push(...kids(n));
    }
  }
  return false;
}

/** The text pieces of inline nodes: lines (split at <br>), each cut into the parts its elements make. */
function linesOf(nodes: DomNode[]): string[][] {
  // One wrapper element around everything ("<a><span>Jane</span><span>CEO</span></a>"): its children.
  let list = nodes.filter((n) => n.type !== 'text' || clean(n.data));
  while (list.length === 1 && list[0].type === 'tag' && list[0].name !== 'br') {
    list = kids(list[0]).filter((n) => n.type !== 'text' || clean(n.data));
  }
  const lines: Array<Map<number, string>> = [new Map()];
  const collect = (n: DomNode, part: number): void => {
    if (n.type === 'text') {
      const line = lines[lines.length - 1];
      line.set(part, `${line.get(part) ?? ''}${n.data ?? ''}`);
    } else if (n.type === 'tag') {
      if (n.name === 'br') lines.push(new Map());
      else if (!SKIP.has(n.name ?? '')) for (const c of kids(n)) collect(c, part);
    }
  };
  list.forEach((n, i) => collect(n, i));
  return lines
    .map((l) => [...l.values()].map((p) => clean(p).replace(/^[,;:|·•–—-]\s*/, '')).filter(Boolean))
    .filter((l) => l.length);
}

/** A name and the title that goes with it among pieces in order (the first title after the name, else before). */
function pairIn(
  pieces: string[],
  titles: readonly string[],
): { name: string; title: string } | null {
  const at = pieces.findIndex((p) => nameIn(p));
  if (at < 0) return null;
  const after = pieces.slice(at + 1).find((p) => isTitleLike(p, titles));
  const title =
    after ??
    pieces
      .slice(0, at)
      .reverse()
      .find((p) => isTitleLike(p, titles));
  return title ? { name: nameIn(pieces[at])!, title } : null;
}

/** What a unit's text is. */
function classify(text: string, lines: string[][], titles: readonly string[]): Partial<TextUnit> {
  if (text.length > 300) return { kind: 'text' };
  const name = nameIn(text);
  if (name) return { kind: 'name', name };
  if (lines.length >= 2) {
    const each = lines.map((l) => splitNameTitle(l.join(' '), titles) ?? pairIn(l, titles));
    const people = each.filter((p): p is { name: string; title: string } => !!p);
    if (people.length >= 2) return { kind: 'people', people };
    const pair = pairIn(
      lines.map((l) => l.join(' ')),
      titles,
    );
    if (pair) return { kind: 'person', ...pair };
  }
  const split = splitNameTitle(text, titles) ?? (lines[0] ? pairIn(lines[0], titles) : null);
  if (split) return { kind: 'person', ...split };
  if (!isTitleLike(text, titles)) return { kind: 'text' };
  // The title without the labels of links beside it ("Head of Design · LinkedIn · Email").
  const title = lines
    .flat()
    .filter((p) => !LINK_LABEL.test(p))
    .join(' ');
  return { kind: 'title', title: isTitleLike(title, titles) ? title : text };
}

/** Indexes a parsed page (the root of cheerio's DOM). */
export function indexPage(root: DomNode, titles: readonly string[] = []): PageIndex {
  const index: PageIndex = {
    units: [],
    span: new Map(),
    images: [],
    anchors: [],
    times: [],
    headings: [],
  };
  let order = 0;
  const addUnit = (el: DomNode, nodes: DomNode[], at: number) => {
    const lines = linesOf(nodes);
    const text = clean(lines.map((l) => l.join(' ')).join(' '));
    if (!text) return;
    const c = classify(text, lines, titles);
    index.units.push({
      el,
      order: at,
      text,
      kind: c.kind ?? 'text',
      ...(c.name ? { name: c.name } : {}),
      ...(c.title ? { title: c.title } : {}),
      ...(c.people ? { people: c.people } : {}),
      ...(lines.flat().length > 1 ? { parts: lines.flat() } : {}),
      heading: HEADING.test(el.name ?? ''),
    });
  };
  /** Visits an element; true when its subtree holds a block element (it is not a unit itself). */
  const visit = (el: DomNode, depth: number): boolean => {
    const start = order++;
    const name = el.name ?? '';
    if (name === 'img' || /background(?:-image)?\s*:[^;]*url\(/i.test(attr(el, 'style'))) {
      index.images.push({ el, order: start });
    }
    if (name === 'a' && attr(el, 'href'))
      index.anchors.push({ el, order: start, href: attr(el, 'href') });
    if (name === 'time') index.times.push({ order: start });
    let hasBlock = false;
    const childBlock: boolean[] = [];
    const starts: number[] = [];
    for (const c of kids(el)) {
      if (c.type !== 'tag' || skipped(c) || depth > 400) {
        starts.push(order++);
        childBlock.push(false);
        continue;
      }
      starts.push(order);
      const b = visit(c, depth + 1);
      const isBlock = b || BLOCK.has(c.name ?? '');
      childBlock.push(b);
      hasBlock ||= isBlock;
    }
    index.span.set(el, { start, end: order - 1 });
    if (!hasBlock) return false;
    // A block holding blocks: each leaf block child is a unit, and so is each run of inline
    // nodes between them.
    let run: DomNode[] = [];
    let runStart = 0;
    const flush = () => {
      if (run.length) addUnit(el, run, runStart);
      run = [];
    };
    kids(el).forEach((c, i) => {
      const isTag = c.type === 'tag';
      if (isTag && skipped(c)) return flush();
      if (isTag && (childBlock[i] || BLOCK.has(c.name ?? ''))) {
        flush();
        if (!childBlock[i]) addUnit(c, kids(c), starts[i]);
        return;
      }
      if (c.type === 'text' || isTag) {
        if (!run.length) runStart = starts[i];
        run.push(c);
      }
    });
    flush();
    return true;
  };
  if (!visit(root, 0)) addUnit(root, kids(root), 0);
  index.units.sort((a, b) => a.order - b.order);
  index.headings = index.units.filter(
    (u) => u.heading && (u.kind === 'text' || u.kind === 'people'),
  );
  return index;
}

/** The first position in `list` (sorted by order) whose order is ≥ `order`. */
function lowerBound(list: Array<{ order: number }>, order: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].order < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The items of `list` (sorted by order) numbered from `start` to `end`. */
export function between<T extends { order: number }>(list: T[], start: number, end: number): T[] {
  return list.slice(lowerBound(list, start), lowerBound(list, end + 1));
}

/** The items of `list` (sorted by order) inside element `el`. */
export function inside<T extends { order: number }>(index: PageIndex, list: T[], el: DomNode): T[] {
  const s = index.span.get(el);
  return s ? between(list, s.start, s.end) : [];
}

/** The last item of `list` (sorted by order) numbered before `order`. */
export function lastBefore<T extends { order: number }>(list: T[], order: number): T | undefined {
  return list[lowerBound(list, order) - 1];
}
