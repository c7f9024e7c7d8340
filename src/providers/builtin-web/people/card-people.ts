import type { DomNode } from '../html-readable';
import { bioIn, inTeamSection, isByline, isTestimonial, linkedinIn, photoIn } from './card-context';
import { looseNameTitle, slotText, TitleSlots, withoutLinkLabels } from './card-slots';
import { between, inside, type PageIndex, type TextUnit } from './page-index';

/**
 * People read from the layout of a page, whatever its markup: a name and a title in one
 * container that holds no one else (a card: heading + paragraph, figure + figcaption, a table
 * row, a list item "Name – Title"), or, in a flat run of blocks (dt/dd, h3 + p one after the
 * other), a name and the title that follows it before the next name. A title without a role
 * word is taken from the slot where the page's other cards keep theirs. A card counts when the
 * page repeats it (≥ 2 alike under a common ancestor), a lone card only on a team page; off a
 * team page, only in a section about people (or with a LinkedIn profile). Testimonials and
 * bylines are left out here; employers are checked by the caller.
 */

export interface CardPerson {
  name: string;
  title?: string;
  linkedin_url?: string;
  photo_url?: string;
  about?: string;
  /** Document order of the name. */
  order: number;
}

interface Candidate {
  name: string;
  title?: string;
  order: number;
  /** The card element, or null in a flat run. */
  card: DomNode | null;
  /** Keys of the groups the card could belong to (alike cards under one ancestor). */
  keys: string[];
  range: [number, number];
  nameEl: DomNode;
}

interface Climb {
  /** The smallest container holding the name and a title, and that title. */
  pick?: { card: DomNode; title: TextUnit };
  /** The first container that also holds someone else (a flat run, when no card was found). */
  flat?: DomNode;
  /** The smallest container with a LinkedIn profile link. */
  linkedinCard?: DomNode;
  /** The containers climbed through, smallest first. */
  path: DomNode[];
}

const TOP = new Set(['body', 'html', 'main']);
const isTop = (el: DomNode | null | undefined) =>
  !el || el.type !== 'tag' || TOP.has(el.name ?? '');
const PEOPLE_KINDS = new Set(['name', 'person', 'people']);
/** Names considered on one page at most (a directory of thousands is not a team page). */
const MAX_NAMES = 1000;

export function cardPeople(
  index: PageIndex,
  base: string,
  opts: { teamPage: boolean },
): CardPerson[] {
  const people = index.units.filter((u) => PEOPLE_KINDS.has(u.kind)).slice(0, MAX_NAMES);
  const titles = index.units.filter((u) => u.kind === 'title');
  const ids = new Map<DomNode, number>();
  const id = (el: DomNode) => ids.get(el) ?? ids.set(el, ids.size).get(el)!;
  /** Name-like texts found to sit in a card's title slot: titles, not people. */
  const titled = new Set<TextUnit>();
  const others = (el: DomNode, self: TextUnit) =>
    inside(index, people, el).some((p) => p !== self && !titled.has(p));
  const span = (el: DomNode): [number, number] => {
    const s = index.span.get(el);
    return s ? [s.start, s.end] : [0, -1];
  };
  /** Widest ancestor (up to 4 levels) that still holds no one else: photo and links sit there. */
  const widen = (el: DomNode, self: TextUnit): DomNode => {
    let card = el;
    for (let i = 0; i < 4 && !isTop(card.parent) && !others(card.parent!, self); i++) {
      card = card.parent!;
    }
    return card;
  };
  /** Group keys: the ancestor 1–3 levels up and the tag path down to the card. */
  const keysOf = (card: DomNode): string[] => {
    const keys: string[] = [];
    let path = card.name ?? '';
    let a = card.parent;
    for (let level = 1; level <= 3 && a && !isTop(a); level++) {
      keys.push(`${id(a)}|${path}`);
      path = `${a.name}>${path}`;
      a = a.parent;
    }
    return keys;
  };
  const found: Candidate[] = [];
  const inCard = (u: TextUnit, card: DomNode, title?: string) => {
    const wide = widen(card, u);
    found.push({
      name: u.name!,
      title,
      order: u.order,
      card: wide,
      keys: keysOf(wide),
      range: span(wide),
      nameEl: u.el,
    });
  };
  /** From a name up to the smallest container with a title and no one else in it. */
  const climb = (u: TextUnit): Climb => {
    const out: Climb = { path: [] };
    let a: DomNode | null | undefined = u.el;
    for (let level = 0; a && !isTop(a) && level < 6; level++, a = a.parent) {
      if (others(a, u)) {
        out.flat = a;
        break;
      }
      out.path.push(a);
      const near = inside(index, titles, a);
      if (near.length) {
        out.pick = { card: a, title: near.find((x) => x.order > u.order) ?? near.at(-1)! };
        break;
      }
      const [s, e] = span(a);
      if (!out.linkedinCard && linkedinIn(index, s, e)) out.linkedinCard = a;
    }
    return out;
  };

  const slots = new TitleSlots();
  const pending: Array<{ u: TextUnit; c: Climb }> = [];
  for (const u of people) {
    if (u.kind === 'people') {
      const keys = [`list|${id(u.el)}`];
      for (const p of u.people ?? []) {
        found.push({ ...p, order: u.order, card: u.el, keys, range: span(u.el), nameEl: u.el });
      }
    } else if (u.kind === 'person') {
      inCard(u, u.el, u.title);
    } else {
      const c = climb(u);
      if (c.pick) {
        slots.add(c.pick.card, u.el, c.pick.title.el);
        inCard(u, c.pick.card, c.pick.title.title);
      } else pending.push({ u, c });
    }
  }

  /** The title in the slot where alike cards keep theirs, in a container of `u` and no one else. */
  const slotted = (u: TextUnit): { card: DomNode; title: TextUnit } | null => {
    let a: DomNode | null | undefined = u.el;
    for (let level = 0; a && !isTop(a) && level < 6; level++, a = a.parent) {
      const card = a;
      const title = inside(index, index.units, card).find(
        (x) =>
          x !== u &&
          !titled.has(x) &&
          (x.kind === 'text' || x.kind === 'title' || x.kind === 'name') &&
          slotText(withoutLinkLabels(x)) &&
          slots.has(card, u.el, x.el),
      );
      const crowd = inside(index, people, card).filter(
        (p) => p !== u && p !== title && !titled.has(p),
      );
      if (crowd.length) return null;
      if (title) return { card, title };
    }
    return null;
  };
  for (const { u, c } of pending) {
    if (titled.has(u)) continue;
    const slot = slotted(u);
    if (slot) {
      titled.add(slot.title);
      inCard(u, slot.card, withoutLinkLabels(slot.title));
      continue;
    }
    if (c.flat) {
      // A flat run: the title that follows the name before the next name.
      const next = between(people, u.order + 1, Infinity)[0]?.order ?? Infinity;
      const end = Math.min(next - 1, span(c.flat)[1]);
      const t = between(titles, u.order + 1, end)[0];
      if (t || (!c.linkedinCard && linkedinIn(index, u.order, end))) {
        const keys = [`flat|${id(c.flat)}`];
        found.push({
          name: u.name!,
          title: t?.title,
          order: u.order,
          card: null,
          keys,
          range: [u.order, end],
          nameEl: u.el,
        });
        continue;
      }
    }
    if (c.linkedinCard) inCard(u, c.linkedinCard);
  }

  // List items "Name – text" beside at least two items "Name – Title" of the same list.
  const listed = new Map<string, number>();
  const listKey = (u: TextUnit) => `${id(u.el.parent ?? u.el)}|${u.el.name}`;
  for (const u of people)
    if (u.kind === 'person') listed.set(listKey(u), (listed.get(listKey(u)) ?? 0) + 1);
  for (const u of index.units) {
    if (u.kind !== 'text' || (listed.get(listKey(u)) ?? 0) < 2) continue;
    const p = looseNameTitle(u.text);
    if (p) inCard({ ...u, name: p.name }, u.el, p.title);
  }

  // Cards the page repeats: a key shared by two or more.
  const counts = new Map<string, number>();
  for (const c of found) for (const k of c.keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const out: CardPerson[] = [];
  for (const c of found) {
    const repeated = c.keys.some((k) => (counts.get(k) ?? 0) >= 2);
    if (!repeated && !(opts.teamPage && c.title)) continue;
    const el = c.card ?? c.nameEl;
    const at = c.card ? c.range[0] : c.order;
    const [s, e] = c.range;
    const linkedin = linkedinIn(index, s, e);
    // Off a team page, cards count in a section about people (feature and plan cards do not).
    if (!opts.teamPage && !linkedin && !inTeamSection(index, at)) continue;
    if (isTestimonial(index, el, at)) continue;
    if (isByline(index, el)) continue;
    const photo = photoIn(index, s, e, c.name, base);
    const about = bioIn(index, s, e);
    out.push({
      name: c.name,
      ...(c.title ? { title: c.title } : {}),
      ...(linkedin ? { linkedin_url: linkedin } : {}),
      ...(photo ? { photo_url: photo } : {}),
      ...(about ? { about } : {}),
      order: c.order,
    });
  }
  return out.sort((a, b) => a.order - b.order);
}
