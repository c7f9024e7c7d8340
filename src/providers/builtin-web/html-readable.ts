/**
 * Readable text and Markdown from a parsed page. Both walk the DOM cheerio already built (no
 * second parse); the DOM is kept shallow enough for recursion by `nestingCutoff`, applied before
 * parsing: HTML parsers and selector engines get quadratic on pathologically deep markup (50 000
 * nested <div>s take parse5 about 35 s), which a hostile page could use to stall a worker.
 */

/** Deepest element nesting parsed; the rest of a deeper page is cut (real pages stay under ~100). */
export const MAX_NESTING = 512;

const VOID = new Set(
  'area base br col embed hr img input keygen link meta param source track wbr'.split(' '),
);
/** Elements whose end tag may be omitted: they do not nest in practice. */
const OPTIONAL_END = new Set(
  'p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rb rt rp'.split(' '),
);
/** Elements whose content is raw text, never markup. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed']);

/**
 * Where element nesting first gets deeper than `maxDepth` (an index into `html`), or null. A
 * linear scan estimating the depth (void elements, optional end tags, comments and raw text
 * skipped); it is a guard, not a parser.
 */
export function nestingCutoff(html: string, maxDepth = MAX_NESTING): number | null {
  let depth = 0;
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt < 0) return null;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) return null;
      i = end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) return null;
    i = gt + 1;
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(lt, Math.min(gt + 1, lt + 80)));
    if (!m) continue;
    const name = m[2].toLowerCase();
    if (m[1]) {
      if (!VOID.has(name) && !OPTIONAL_END.has(name) && depth > 0) depth--;
      continue;
    }
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = i;
      if (!close.exec(html)) return null;
      i = close.lastIndex;
      continue;
    }
    if (VOID.has(name) || OPTIONAL_END.has(name) || html[gt - 1] === '/') continue;
    if (++depth > maxDepth) return lt;
  }
}

/** Elements that are never readable content. */
const NOISE_TAGS = new Set(
  (
    'head title script style noscript template svg canvas iframe object embed link meta select ' +
    'input textarea button dialog nav'
  ).split(' '),
);
/** ARIA roles of navigation and pop-ups: boilerplate wherever they are. */
const NOISE_ROLES = new Set(['navigation', 'search', 'dialog', 'alertdialog']);
/** Consent banners and screen-reader helpers, by id or class. */
const NOISE_NAME =
  /(^|[\s_-])(cookie-?(consent|banner|notice|bar)|onetrust-consent-sdk|cybotcookiebotdialog|skip-link|screen-reader-text|sr-only|visually-hidden)([\s_-]|$)/i;

/** Page chrome that is boilerplate when it is mostly links (a hero <header> is content). */
const CHROME_TAGS = new Set(['header', 'footer', 'aside']);
const CHROME_ROLES = new Set(['banner', 'contentinfo', 'complementary']);

/** <main> (or the single <article>) is the content when it holds at least this much text. */
const MIN_MAIN_TEXT = 200;

const BLOCK = new Set(
  (
    'address article aside blockquote body br caption dd details div dl dt fieldset figcaption ' +
    'figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main nav ol p pre section ' +
    'summary table tbody tfoot thead tr ul'
  ).split(' '),
);

/** The parts of domhandler's node shape the walkers use (cheerio's nodes have them). */
export interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
  parent?: DomNode | null;
  prev?: DomNode | null;
  next?: DomNode | null;
}

/** Calls `fn` on every element of a subtree (iteratively, in document order). */
export function forEachElement(root: DomNode, fn: (el: DomNode) => void): void {
  const stack: DomNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'tag') fn(n);
    const kids = n.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Detaches nodes from the tree, one pass per parent (domhandler's parent/prev/next kept right). */
function detachAll(nodes: DomNode[]): void {
  const byParent = new Map<DomNode, Set<DomNode>>();
  for (const n of nodes) {
    if (!n.parent) continue;
    const set = byParent.get(n.parent) ?? new Set<DomNode>();
    set.add(n);
    byParent.set(n.parent, set);
  }
  for (const [parent, gone] of byParent) {
    const kept = (parent.children ?? []).filter((c) => !gone.has(c));
    kept.forEach((c, i) => {
      c.prev = kept[i - 1] ?? null;
      c.next = kept[i + 1] ?? null;
    });
    parent.children = kept;
    for (const g of gone) g.parent = g.prev = g.next = null;
  }
}

const collapse = (s: string) => s.replace(/[\s\u00a0\u200b]+/g, ' ').trim();

/**
 * Readable text of a DOM subtree: one line per block element, whitespace collapsed, empty lines
 * dropped.
 */
export function readableText(root: DomNode): string {
  const parts: string[] = [];
  const stack: Array<DomNode | '\n'> = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === '\n') {
      parts.push('\n');
      continue;
    }
    if (n.type === 'text') {
      // Source line breaks are not text line breaks; only blocks and <br> are.
      parts.push((n.data ?? '').replace(/[\t\n\r\f ]+/g, ' '));
      continue;
    }
    if (n.type !== 'tag' && n.type !== 'root') continue;
    if (n.name && BLOCK.has(n.name)) {
      parts.push('\n');
      stack.push('\n');
    } else if (n.name === 'td' || n.name === 'th') {
      // Cells of a row stay on the row's line.
      parts.push(' ');
    }
    const kids = n.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return parts.join('').split('\n').map(collapse).filter(Boolean).join('\n');
}

/** Marks list indentation until the final clean-up (which trims stray spaces at line starts). */
const INDENT = '\ue000';
/** Brackets a preformatted block's index until the final clean-up. */
const PRE = '\ue001';

const childrenOf = (n: DomNode) => n.children ?? [];
const kids = (n: DomNode, name: string) => childrenOf(n).filter((c) => c.name === name);

function rawText(n: DomNode): string {
  if (n.type === 'text') return n.data ?? '';
  return childrenOf(n).map(rawText).join('');
}

/** Wraps the trimmed inline content in a marker, keeping the spaces around it outside. */
function wrap(inner: string, mark: string): string {
  const t = inner.trim();
  if (!t) return inner;
  return `${inner.startsWith(' ') ? ' ' : ''}${mark}${t}${mark}${inner.endsWith(' ') ? ' ' : ''}`;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

class MarkdownWriter {
  readonly pre: string[] = [];

  render(n: DomNode): string {
    if (n.type === 'text') return (n.data ?? '').replace(/[\s\u00a0]+/g, ' ');
    if (n.type !== 'tag' && n.type !== 'root') return '';
    const name = n.name ?? '';
    const inner = () =>
      childrenOf(n)
        .map((c) => this.render(c))
        .join('');
    const block = (s: string) => `\n\n${s}\n\n`;
    const heading = /^h([1-6])$/.exec(name);
    if (heading) {
      const t = oneLine(inner());
      return t ? block(`${'#'.repeat(Number(heading[1]))} ${t}`) : '';
    }
    switch (name) {
      case 'br':
        return '\n';
      case 'hr':
        return block('---');
      case 'strong':
      case 'b':
        return wrap(inner(), '**');
      case 'em':
      case 'i':
        return wrap(inner(), '_');
      case 'code':
        return wrap(inner(), '`');
      case 'pre':
        this.pre.push(rawText(n).replace(/\n+$/, ''));
        return block(`${PRE}${this.pre.length - 1}${PRE}`);
      case 'a': {
        const t = oneLine(inner());
        const href = n.attribs?.href ?? '';
        if (!t) return '';
        return /^(https?|mailto|tel):/i.test(href) ? `[${t.replace(/[[\]]/g, '')}](${href})` : t;
      }
      case 'img': {
        const alt = collapse(n.attribs?.alt ?? '').replace(/[[\]]/g, '');
        const src = n.attribs?.src ?? '';
        // Data URIs can be megabytes of base64: keep the alt text only.
        return /^https?:\/\//i.test(src) ? `![${alt}](${src})` : alt;
      }
      case 'ul':
      case 'ol':
        return block(this.list(n, name === 'ol'));
      case 'blockquote': {
        const t = clean(inner());
        return t ? block(t.replace(/^/gm, '> ')) : '';
      }
      case 'table':
        return block(this.table(n));
      default:
        return BLOCK.has(name) ? block(inner()) : inner();
    }
  }

  private list(n: DomNode, ordered: boolean): string {
    return kids(n, 'li')
      .map((li, i) => {
        const marker = ordered ? `${i + 1}.` : '-';
        const body = clean(
          childrenOf(li)
            .map((c) => this.render(c))
            .join(''),
        );
        const pad = INDENT.repeat(marker.length + 1);
        return `${marker} ${body.replace(/\n(?=.)/g, `\n${pad}`)}`;
      })
      .filter((line) => line.trim().length > 2)
      .join('\n');
  }

  private table(n: DomNode): string {
    const rows = [n, ...kids(n, 'thead'), ...kids(n, 'tbody'), ...kids(n, 'tfoot')].flatMap((s) =>
      kids(s, 'tr'),
    );
    const lines: string[] = [];
    rows.forEach((tr, i) => {
      const cells = childrenOf(tr).filter((c) => c.name === 'td' || c.name === 'th');
      if (!cells.length) return;
      const text = cells.map((c) => oneLine(this.render(c)).replace(/\|/g, '\\|'));
      lines.push(`| ${text.join(' | ')} |`);
      if (i === 0 && cells.some((c) => c.name === 'th')) {
        lines.push(`| ${cells.map(() => '---').join(' | ')} |`);
      }
    });
    return lines.join('\n');
  }
}

const INDENTED_LINE = new RegExp(`^(${INDENT}*)\\s*(.*)$`);

/** Blank lines collapsed, spaces collapsed, stray spaces at line starts and ends removed. */
function clean(md: string): string {
  return md
    .split('\n')
    .map((line) => {
      const m = INDENTED_LINE.exec(line)!;
      return m[1] + m[2].replace(/ {2,}/g, ' ').trimEnd();
    })
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Markdown of a DOM subtree whose URLs are already absolute. */
export function toMarkdown(root: DomNode): string {
  const writer = new MarkdownWriter();
  return clean(writer.render(root))
    .replace(new RegExp(INDENT, 'g'), ' ')
    .replace(new RegExp(`${PRE}(\\d+)${PRE}`, 'g'), (_, i: string) => {
      return `\`\`\`\n${writer.pre[Number(i)]}\n\`\`\``;
    });
}

function isNoise(el: DomNode): boolean {
  const a = el.attribs ?? {};
  return (
    NOISE_TAGS.has(el.name ?? '') ||
    'hidden' in a ||
    a['aria-hidden'] === 'true' ||
    NOISE_ROLES.has(a.role ?? '') ||
    NOISE_NAME.test(a.id ?? '') ||
    NOISE_NAME.test(a.class ?? '')
  );
}

/** Non-space characters of a subtree's text, and of its text inside links. */
function textWeight(root: DomNode): { all: number; linked: number } {
  let all = 0;
  let linked = 0;
  const stack: Array<[DomNode, boolean]> = [[root, false]];
  while (stack.length) {
    const [n, inLink] = stack.pop()!;
    if (n.type === 'text') {
      const w = (n.data ?? '').replace(/\s+/g, '').length;
      all += w;
      if (inLink) linked += w;
      continue;
    }
    for (const c of childrenOf(n)) stack.push([c, inLink || n.name === 'a']);
  }
  return { all, linked };
}

/**
 * Strips the document down to its readable content, in place: noise, navigation and consent
 * banners removed, <main> (or a lone <article>) chosen when it is substantial, else <body>;
 * link-heavy headers, footers and asides inside it dropped. One walk over the DOM (selector
 * matching of many patterns over a large page is slow). Returns the content root.
 */
export function contentRoot(doc: DomNode): DomNode {
  const noise: DomNode[] = [];
  const chrome: DomNode[] = [];
  const articles: DomNode[] = [];
  let main: DomNode | undefined;
  let body: DomNode | undefined;
  const stack: DomNode[] = [doc];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'tag' || n.type === 'script' || n.type === 'style') {
      if (isNoise(n)) {
        noise.push(n);
        continue;
      }
      const role = n.attribs?.role ?? '';
      if (n.name === 'main' || role === 'main') main ??= n;
      else if (n.name === 'article') articles.push(n);
      else if (n.name === 'body') body ??= n;
      if (CHROME_TAGS.has(n.name ?? '') || CHROME_ROLES.has(role)) chrome.push(n);
    }
    const kids = childrenOf(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  detachAll(noise);
  let root = main;
  if (!root || textWeight(root).all < MIN_MAIN_TEXT) {
    root =
      articles.length === 1 && textWeight(articles[0]).all >= MIN_MAIN_TEXT ? articles[0] : body;
  }
  // parse5 (cheerio's HTML parser) always builds <html> and <body>; this is only a safeguard.
  root ??= doc;
  const inside = (n: DomNode) => {
    for (let p = n.parent; p; p = p.parent) if (p === root) return true;
    return false;
  };
  const boilerplate = chrome.filter((c) => {
    if (!inside(c)) return false;
    const w = textWeight(c);
    return w.all === 0 || w.linked / w.all > 0.5;
  });
  detachAll(boilerplate);
  return root;
}
