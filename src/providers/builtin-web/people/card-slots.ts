import type { DomNode } from '../html-readable';
import { clean, LINK_LABEL, nameIn } from './person-text';

/**
 * What repeated markup teaches: where a page's cards keep the title. Once two or more cards of a
 * page hold a recognised title in the same slot (the same tag-and-class path from the card), the
 * text in that slot of a sibling card is its title even without a role word ("Architectural
 * Technologist", "Partnerships"); likewise a list item "Name – text" among items "Name – Title".
 */

/** An element's tag and its classes (those without digits, sorted). */
export function signature(el: DomNode): string {
  const classes = (el.attribs?.class ?? '')
    .split(/\s+/)
    .filter((c) => c && !/\d/.test(c))
    .sort();
  return [el.name ?? '', ...classes].join('.');
}

/** The path of signatures from `card` (excluded) down to `el`, or null when `el` is outside it. */
export function slotPath(card: DomNode, el: DomNode): string | null {
  const parts: string[] = [];
  let n: DomNode | null | undefined = el;
  for (; n && n !== card; n = n.parent) parts.push(signature(n));
  return n === card ? parts.reverse().join('>') : null;
}

/** Name and title slots seen together in cards: how many cards of each signature use them. */
export class TitleSlots {
  private readonly seen = new Map<string, number>();

  private key(card: DomNode, nameEl: DomNode, titleEl: DomNode): string | null {
    const name = slotPath(card, nameEl);
    const title = slotPath(card, titleEl);
    if (name === null || title === null || name === title) return null;
    return `${signature(card)}\u0000${name}\u0000${title}`;
  }

  add(card: DomNode, nameEl: DomNode, titleEl: DomNode): void {
    const key = this.key(card, nameEl, titleEl);
    if (key) this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
  }

  /** Whether two or more cards like `card` keep their title where `titleEl` is. */
  has(card: DomNode, nameEl: DomNode, titleEl: DomNode): boolean {
    const key = this.key(card, nameEl, titleEl);
    return !!key && (this.seen.get(key) ?? 0) >= 2;
  }
}

/**
 * A text that can stand in a title slot: short, not a sentence, an address or a link's label.
 * (It may look like a name: "Architectural Technologist" is two capitalised words.)
 */
export function slotText(text: string): boolean {
  const t = clean(text);
  return (
    t.length >= 2 &&
    t.length <= 100 &&
    t.split(' ').length <= 10 &&
    !/[.!?]$/.test(t) &&
    !LINK_LABEL.test(t) &&
    !/@|https?:|www\./.test(t)
  );
}

/** A unit's text without the labels of the links beside it ("Senior Texter · E-Mail"). */
export function withoutLinkLabels(unit: { text: string; parts?: string[] }): string {
  return unit.parts ? unit.parts.filter((p) => !LINK_LABEL.test(p)).join(' ') : unit.text;
}

const LOOSE_SEPARATORS = [/\s+[–—-]\s+/, /\s*[|·•]\s*/, /:\s+/, /,\s+/];

/** "Rosa Martinez – Registered Dental Hygienist": a name, a separator and a short text. */
export function looseNameTitle(text: string): { name: string; title: string } | null {
  const t = clean(text);
  if (t.length > 120) return null;
  for (const sep of LOOSE_SEPARATORS) {
    const m = sep.exec(t);
    if (!m) continue;
    const name = nameIn(t.slice(0, m.index));
    const title = t.slice(m.index + m[0].length).trim();
    if (name && slotText(title)) return { name, title };
  }
  return null;
}
