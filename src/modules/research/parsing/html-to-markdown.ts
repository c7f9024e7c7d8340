import type { AnyNode, Element } from 'domhandler';
import { externalUrl, hashtagOf, profileUrl } from './linkedin-urls';

const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'video',
  'iframe',
  'input',
  'textarea',
  'select',
  'form',
  'head',
  'title',
  'meta',
  'link',
]);
const BLOCK = new Set([
  'div',
  'section',
  'article',
  'header',
  'footer',
  'aside',
  'main',
  'nav',
  'ul',
  'ol',
  'table',
  'tr',
  'figure',
  'figcaption',
  'dl',
  'dt',
  'dd',
  'h2',
]);
const PARAGRAPH = new Set(['p', 'blockquote', 'pre']);
/** Deeper markup is not rendered (real feed items are ~60 levels deep; this guards the stack). */
const MAX_DEPTH = 400;

function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** Emoji drawn as images keep their alt text; other images are decoration or previews. */
function imageText(el: Element): string {
  const alt = (el.attribs.alt ?? '').trim();
  return alt && alt.length <= 8 && !/[a-z]/i.test(alt) ? alt : '';
}

/** Card and actor parts (title, headline, time) read best on lines of their own. */
const LINE_CLASS = /(__|-)(title|description|sub-description|subtitle|headline)$/;

/** A link around several lines (an actor's name, headline and time) links its first line. */
function renderLink(el: Element, inner: string): string {
  const lines = inner.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0 && lines.slice(first + 1).some((l) => l.trim() !== '')) {
    lines[first] = renderLink(el, lines[first]);
    return lines.join('\n');
  }
  const text = inner
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^#{1,6} /, '');
  const href = el.attribs.href;
  const tag = hashtagOf(href);
  if (tag) return text.replace(/^hashtag/i, '') || tag;
  const profile = profileUrl(href);
  if (profile) return text ? `[${text}](${profile.url})` : '';
  const external = externalUrl(href);
  if (!external) return inner;
  if (!text || text === external || external.startsWith(text.replace(/…$/, '')))
    return `<${external}>`;
  return `[${text}](${external})`;
}

/**
 * Children in order. Two elements side by side with no whitespace between them ("<span>2nd
 * </span><span>Head of Growth</span>") are separate pieces on screen (CSS puts them on their
 * own lines); a space keeps their words apart. Text next to an element joins as written.
 */
function joinChildren(children: AnyNode[], depth: number): string {
  let out = '';
  let prevElement = false;
  for (const c of children) {
    const r = render(c, depth);
    if (!r) continue;
    const element = isElement(c);
    if (element && prevElement && /\S$/.test(out) && /^\S/.test(r)) out += ' ';
    out += r;
    prevElement = element;
  }
  return out;
}

function render(node: AnyNode, depth: number): string {
  const out = renderNode(node, depth);
  if (!isElement(node) || !out.trim()) return out;
  const lineLike = (node.attribs.class ?? '').split(/\s+/).some((t) => LINE_CLASS.test(t));
  return lineLike ? `\n${out}\n` : out;
}

function renderNode(node: AnyNode, depth: number): string {
  if (node.type === 'text') return (node as unknown as { data: string }).data.replace(/\s+/g, ' ');
  if (!isElement(node) || depth > MAX_DEPTH) return '';
  const name = node.name.toLowerCase();
  if (SKIP.has(name)) return '';
  if (name === 'br') return '\n';
  if (name === 'img') return imageText(node);
  const inner = joinChildren(node.children, depth + 1);
  if (name === 'a') return renderLink(node, inner);
  // A count button shows "1,234"; its label says what is counted ("1,234 reactions").
  const label = node.attribs['aria-label'] ?? '';
  if (name === 'button' && /^[\d.,\s]+[km]?$/i.test(inner.trim()) && /\d/.test(label)) return label;
  if (name === 'strong' || name === 'b') return inner.trim() ? `**${inner.trim()}**` : inner;
  if (name === 'em' || (name === 'i' && inner.trim()))
    return inner.trim() ? `*${inner.trim()}*` : inner;
  if (name === 'li') {
    const body = inner.trim();
    // An entry holding a nested list is that list, not an entry of its own ("- - x").
    return !body ? '' : body.startsWith('- ') ? `\n${body}` : `\n- ${body}`;
  }
  const h = /^h([1-6])$/.exec(name);
  if (h && name !== 'h2')
    return inner.trim() ? `\n\n${'#'.repeat(Number(h[1]))} ${inner.trim()}\n\n` : '';
  if (PARAGRAPH.has(name)) return `\n\n${inner}\n\n`;
  if (BLOCK.has(name)) return `\n${inner}\n`;
  return inner;
}

/** Tidies rendered Markdown: trimmed lines, at most one blank line in a row, "hashtag#x" → "#x". */
export function tidyMarkdown(md: string): string {
  return md
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/hashtag#/gi, '#')
    .replace(
      /\s*(?:…|\.\.\.)\s*(?:see more|more|mehr anzeigen|mehr|voir plus|ver más|ver mais)\s*$/gim,
      '…',
    )
    .trim();
}

/**
 * Markdown of DOM nodes as LinkedIn renders post text: line breaks kept, mentions as links to
 * the normalised profile, hashtags as plain "#tag", outbound links unwrapped and de-tracked,
 * LinkedIn-internal links as their text. Buttons, SVGs, scripts and forms are dropped.
 */
export function toMarkdown(nodes: AnyNode | AnyNode[]): string {
  const list = Array.isArray(nodes) ? nodes : [nodes];
  // A feed item is itself an <li>: its content, not a one-entry list.
  const rendered = list.map((n) =>
    isElement(n) && n.name === 'li' ? joinChildren(n.children, 1) : render(n, 0),
  );
  return tidyMarkdown(rendered.join('\n'));
}
