// Platform limits and the truncation every renderer shares. A view that breaks a limit is cut
// with a visible "…" / "N more", never refused: a card that shows 20 of 500 visits beats an
// API error and no card at all.
import type { ListBlock, ViewBlock } from "../views/view.js";

/**
 * Slack Block Kit. Sources: docs.slack.dev/reference/block-kit (blocks, block elements,
 * composition objects) and docs.slack.dev/reference/views/modal-views.
 */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  // docs.slack.dev/surfaces/app-home: a Home tab view holds at most 100 blocks (and 250 kB).
  homeBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  // Text objects are capped at 3000 characters where a block documents no smaller number.
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputMax: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  // Slack truncates `text` at 40,000 characters and advises 4,000; a notification line needs less.
  fallbackText: 3000,
} as const;

/**
 * Feishu/Lark card JSON 2.0. Sources (open.feishu.cn/document/…/feishu-cards/):
 * card-json-v2-structure ("一张卡片最多支持 200 个元素或组件", counting text elements such as
 * plain_text), im-v1/message/create ("卡片及富文本消息请求体最大不能超过 30KB"),
 * card-json-v2-components/interactive-components/{button,input,date-picker,
 * single-select-user-picker} (button text ≤ 100, placeholder ≤ 100, input max_length ≤ 1000),
 * card-json-v2-structure (header text_tag_list: at most 3 tags shown).
 */
export const FEISHU_LIMITS = {
  cardElements: 200,
  // The 30 KB counts the whole request, in which the card travels as an escaped JSON string;
  // 2 KB stay free for receive_id, msg_type and uuid.
  cardBytes: 28 * 1024,
  buttonText: 100,
  placeholder: 100,
  inputMaxLength: 1000,
  headerTags: 3,
  // No documented numbers below; our caps keep one element from eating the 30 KB alone.
  headerTitle: 150,
  headerSubtitle: 150,
  tagText: 40,
  markdownText: 5000,
  summaryText: 100,
} as const;

/** The local console has no hard limits; this only keeps a screen readable. */
export const TEXT_LIMITS = {
  listItems: 50,
} as const;

export const ELLIPSIS = "…";

/** Cuts `text` to at most `max` UTF-16 units, ending with "…"; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}

/**
 * The longest prefix of `source` (plus "…") whose serialization fits `max`; escaping makes the
 * serialized form longer than the source, so the cut is searched, not computed.
 */
export function fitSerialized(source: string, max: number, serialize: (source: string) => string): string {
  const whole = serialize(source);
  if (whole.length <= max) return whole;
  const chars = [...source];
  let low = 0;
  let high = chars.length - 1;
  let best = serialize(ELLIPSIS);
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = serialize(chars.slice(0, middle).join("").trimEnd() + ELLIPSIS);
    if (candidate.length <= max) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best.length <= max ? best : clip(best, max);
}

// ---------------------------------------------------------------------------------------------
// Fitting a rendered view into a budget (Slack: blocks; Feishu: elements and bytes).

/** A run of rendered platform elements that is kept or dropped as a whole. */
export interface Unit<T> {
  elements: T[];
  /** Index of the list this unit belongs to (its title or one of its items). */
  list?: number;
  /** An item of that list: the only kind of unit that is dropped in normal operation. */
  item?: boolean;
}

/**
 * A view's blocks as units to fit: each list as the units `renderList` makes of it (lists
 * numbered in view order), every other block as one unit of its rendered elements; and how many
 * items of each list the view never passed.
 */
export function viewUnits<T>(
  blocks: readonly ViewBlock[],
  renderList: (block: ListBlock, list: number) => Unit<T>[],
  renderBlock: (block: Exclude<ViewBlock, ListBlock>) => T[],
): { units: Unit<T>[]; hiddenBeyond: number[] } {
  const units: Unit<T>[] = [];
  const hiddenBeyond: number[] = [];
  let listIndex = 0;
  for (const block of blocks) {
    if (block.kind === "list") {
      units.push(...renderList(block, listIndex));
      hiddenBeyond[listIndex] = Math.max(0, (block.totalCount ?? block.items.length) - block.items.length);
      listIndex += 1;
    } else {
      units.push({ elements: renderBlock(block) });
    }
  }
  return { units, hiddenBeyond };
}

export interface FitInput<T> {
  units: Unit<T>[];
  /** Items of each list the view never passed (totalCount beyond its items), by list index. */
  hiddenBeyond: number[];
  /** What the elements cost, one number per budget dimension. */
  cost: (elements: T[]) => number[];
  /** What the surroundings (header, card skeleton) already use. */
  base: number[];
  limits: number[];
  /** The "N more" note for `count` hidden entries. */
  note: (count: number) => T[];
}

/**
 * Keeps every non-item unit and as many leading items of each list (earlier lists first) as the
 * budget allows, with a "N more" note after each list that lost anything. If even the fixed
 * part does not fit (a pathological view), it keeps a prefix of the view and ends with a note.
 */
export function fitUnits<T>(input: FitInput<T>): T[] {
  const { units, cost, limits } = input;
  const noteCost = cost(input.note(99_999));
  const unitCost = units.map((unit) => cost(unit.elements));
  const listCount = Math.max(input.hiddenBeyond.length, ...units.map((unit) => (unit.list ?? -1) + 1));
  const hidden = Array.from({ length: listCount }, (_, list) => input.hiddenBeyond[list] ?? 0);
  const noted = hidden.map((count) => count > 0);

  let total = input.base.slice();
  units.forEach((unit, index) => {
    if (!unit.item) total = add(total, unitCost[index]!);
  });
  noted.forEach((needed) => {
    if (needed) total = add(total, noteCost);
  });
  if (!fits(total, limits)) return fitPrefix(input, unitCost, noteCost);

  const kept = units.map((unit) => !unit.item);
  const all = units.reduce((sum, unit, index) => (unit.item ? add(sum, unitCost[index]!) : sum), total);
  if (fits(all, limits)) {
    units.forEach((_, index) => (kept[index] = true));
  } else {
    // Something must go: reserve a note for every list that has items, then keep leading items
    // in view order while they fit. A reserved note that ends up unused is a few wasted bytes;
    // not reserving could leave a later list no room to say it was cut.
    for (let list = 0; list < listCount; list += 1) {
      const hasItems = units.some((unit) => unit.item && unit.list === list);
      if (hasItems && !noted[list]) total = add(total, noteCost);
    }
    if (!fits(total, limits)) return fitPrefix(input, unitCost, noteCost);
    const full = new Set<number>();
    units.forEach((unit, index) => {
      if (!unit.item) return;
      const list = unit.list!;
      const next = add(total, unitCost[index]!);
      if (!full.has(list) && fits(next, limits)) {
        kept[index] = true;
        total = next;
      } else {
        full.add(list);
        hidden[list] = hidden[list]! + 1;
      }
    });
  }

  const out: T[] = [];
  units.forEach((unit, index) => {
    if (kept[index]) out.push(...unit.elements);
    const next = units[index + 1];
    const endsList = unit.list !== undefined && next?.list !== unit.list;
    if (endsList && hidden[unit.list!]! > 0) out.push(...input.note(hidden[unit.list!]!));
  });
  return out;
}

function fitPrefix<T>(input: FitInput<T>, unitCost: number[][], noteCost: number[]): T[] {
  const out: T[] = [];
  let total = add(input.base, noteCost);
  let index = 0;
  for (; index < input.units.length; index += 1) {
    const next = add(total, unitCost[index]!);
    if (!fits(next, input.limits)) break;
    out.push(...input.units[index]!.elements);
    total = next;
  }
  const dropped = input.units.length - index + input.hiddenBeyond.reduce((sum, count) => sum + count, 0);
  if (dropped > 0) out.push(...input.note(dropped));
  return out;
}

function add(a: number[], b: number[]): number[] {
  return a.map((value, i) => value + (b[i] ?? 0));
}

function fits(total: number[], limits: number[]): boolean {
  return total.every((value, i) => value <= limits[i]!);
}
