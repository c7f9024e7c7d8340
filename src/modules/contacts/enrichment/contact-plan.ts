import { chunks } from '../../../common/map-limit';
import type { PersonLookupInput } from '../../../providers/person/person.types';
import { ContactInput, mergeLookups, normaliseContact } from '../contact-keys';

/** People per `person.enrich` call (Apollo's people/bulk_match takes at most 10). */
export const VENDOR_BATCH = 10;

/** One unique contact, as sent to the vendor. */
export interface PlannedContact {
  key: string;
  lookup: PersonLookupInput;
}

/** Where a unique contact's answer is: its batch and its position in it. */
export interface Slot {
  batch: number;
  index: number;
}

export interface ContactPlan {
  /** Per input contact, the key of its unique contact (null: it identifies no one). */
  keys: Array<string | null>;
  /** Per input contact, the input index of the first one with the same key (itself if first). */
  firstOf: number[];
  /** The unique contacts in batches of VENDOR_BATCH, in key order. */
  batches: PlannedContact[][];
  slots: Map<string, Slot>;
  unique: number;
  /** Input contacts that repeat an earlier one. */
  duplicates: number;
}

/**
 * The contacts deduplicated (by normalised email, else LinkedIn URL, else name and employer) and
 * sorted by that key into vendor batches. The batches depend only on the set of contacts, never on
 * their order or repetitions, so a re-run of the same contacts asks the vendor exactly the same
 * questions — answered by the provider cache, at no cost — and a retry finds the batches its
 * checkpoints name.
 */
export function planContacts(contacts: ContactInput[], batchSize = VENDOR_BATCH): ContactPlan {
  const groups = new Map<string, PersonLookupInput[]>();
  const first = new Map<string, number>();
  const keys: Array<string | null> = [];
  const firstOf: number[] = [];
  let duplicates = 0;
  contacts.forEach((c, i) => {
    const n = normaliseContact(c);
    keys.push(n?.key ?? null);
    if (!n) return firstOf.push(i);
    const seen = first.get(n.key);
    if (seen === undefined) first.set(n.key, i);
    else duplicates++;
    firstOf.push(seen ?? i);
    const group = groups.get(n.key);
    if (group) group.push(n.lookup);
    else groups.set(n.key, [n.lookup]);
  });
  const unique = [...groups.keys()]
    .sort()
    .map((key) => ({ key, lookup: mergeLookups(groups.get(key)!) }));
  const batches = chunks(unique, batchSize);
  const slots = new Map<string, Slot>();
  batches.forEach((b, batch) => b.forEach((c, index) => slots.set(c.key, { batch, index })));
  return { keys, firstOf, batches, slots, unique: unique.length, duplicates };
}
