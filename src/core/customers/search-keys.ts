// The keys a customer name is searched by, computed once when the name is written (never per
// query): nameKey for exact, prefix and substring matches, and the name in pinyin — whole
// syllables run together and their initials — so "huawei" and "hwjs" both find 华为技术.
// pinyin-pro picks the reading of a polyphonic character from its neighbours (重庆 → chongqing).
import { pinyin } from "pinyin-pro";
import { normalizeName } from "./rules.js";

export interface NameSearchKeys {
  nameKey: string;
  namePinyin: string;
  nameInitials: string;
}

const CJK = /[\u3400-\u9fff]/u;
const SEPARATORS = /[\s\-_·・.,，。()（）]+/gu;

/** Pinyin keys of an already normalised name: lower-case, separators dropped, non-Chinese kept. */
function pinyinKeys(key: string): { full: string; initials: string } {
  if (!CJK.test(key)) {
    const compact = key.replace(SEPARATORS, "");
    // A Latin name's "initials" are its words' first letters ("acme robotics" → "ar").
    const initials = key
      .split(SEPARATORS)
      .filter(Boolean)
      .map((w) => w[0])
      .join("");
    return { full: compact, initials };
  }
  const syllables = pinyin(key, { toneType: "none", type: "array", nonZh: "consecutive", v: true });
  const full = syllables.join("").replace(SEPARATORS, "").toLowerCase();
  const initials = syllables
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (CJK.test(s) ? s : /^[a-z]+$/u.test(s) && s.length <= 6 ? s[0] : s.replace(SEPARATORS, "")))
    .join("")
    .toLowerCase();
  return { full, initials };
}

export function nameSearchKeys(name: string): NameSearchKeys {
  const nameKey = normalizeName(name);
  const { full, initials } = pinyinKeys(nameKey);
  return { nameKey, namePinyin: full, nameInitials: initials };
}

/**
 * Whether a query can be pinyin: Latin letters only (spaces allowed, as in "hua wei"). The query
 * in the form the pinyin columns hold, or null.
 */
export function pinyinQueryOf(query: string): string | null {
  const compact = normalizeName(query).replace(SEPARATORS, "");
  return /^[a-z]+$/u.test(compact) ? compact : null;
}
