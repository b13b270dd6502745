// The one input-hygiene rule for every text that enters Accord: command text and DMs, form
// fields, CSV cells, settings values. Button payloads are ids only and are refused outright when
// they hold anything else (conversation/views/payload.ts), so they need no cleaning, only the
// length bound.
//
// Why each step:
// - NFC: "é" typed as e + U+0301 and as U+00E9 must be the same customer name.
// - C0/C1 controls: PostgreSQL refuses NUL in text ("invalid byte sequence 0x00") and ESC
//   sequences are executed by the terminal when the CLI or console prints a name (ESC[2J).
//   Newline and tab survive only in multi-line fields.
// - Lone surrogates cannot be encoded as UTF-8: replaced by U+FFFD so the rest of the text
//   survives and the database never sees them.
// - Bidi overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) reorder what is
//   displayed after them ("Trojan Source"): a name could show as something else. Removed from
//   every text; names also lose the invisible marks (LRM, RLM, ALM) so two names that look the
//   same are the same.
export type TextShape =
  /** One line of free text (a reason, a title): newlines and tabs become spaces. */
  | "line"
  /** A description or a whole command: newlines and tabs kept. */
  | "multiline"
  /** A name (customer, contact, member): one line, no invisible bidi marks. */
  | "name";

/**
 * Lengths in characters (code points). Command text is the whole `/crm …` line or message;
 * descriptions are complaint texts, visit summaries and the like.
 */
export const TEXT_LIMITS = {
  command: 4000,
  name: 200,
  line: 500,
  description: 4000,
  /** One CSV cell (the longest field a CSV column feeds is a description). */
  csvCell: 4000,
  /** A settings value typed in `admin set`. */
  setting: 200,
} as const;

export type TextLimit = keyof typeof TEXT_LIMITS;

// C0 except TAB (09), LF (0A), CR (0D), plus DEL and C1. Character classes without nested
// quantifiers: every pass below is one linear scan.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const BIDI_MARKS = /[\u200E\u200F\u061C]/g;
const LINE_BREAKS = /\r\n?|[\n\u2028\u2029\u0085]/g;
const ONE_LINE_SPACE = /[\t\n]/g;
// Without the u flag a regex sees UTF-16 units, so an unpaired half is matchable (lib ES2023
// has no String.prototype.toWellFormed type).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Printable ASCII, CJK punctuation, ideographs and full-width forms are NFC-stable and hold
// nothing to remove: most of what anyone types, and most CSV cells, skip the work below.
const ALREADY_CLEAN = /^[\u0020-\u007E\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60]*$/;

/** The cleaned text (not trimmed: trimming is the caller's business, e.g. verbatim free text). */
export function cleanText(input: string, shape: TextShape): string {
  if (ALREADY_CLEAN.test(input)) return input;
  let text = input.replace(LONE_SURROGATE, "\uFFFD").normalize("NFC");
  text = text.replace(LINE_BREAKS, "\n").replace(CONTROLS, "").replace(BIDI_CONTROLS, "");
  if (shape !== "multiline") text = text.replace(ONE_LINE_SPACE, " ");
  if (shape === "name") text = text.replace(BIDI_MARKS, "");
  return text;
}

/** Length in characters as the user counts them (a CJK character or an emoji is one). */
export function textLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export type CleanResult = { ok: true; text: string } | { ok: false; code: "input.too_long"; params: { max: number } };

/**
 * Cleans and bounds one text. The length check runs on the raw input first (a 150 KB Feishu
 * message is refused without normalizing it), then on the cleaned text.
 */
export function cleanBounded(input: string, shape: TextShape, limit: TextLimit | number): CleanResult {
  const max = typeof limit === "number" ? limit : TEXT_LIMITS[limit];
  // Cheap bound before any work: cleaning only removes characters and NFC expands by at most
  // 3×, so a raw text this long is refused without looking closer (it would only fit if it
  // were mostly controls, which nobody types).
  if (input.length > max * 4) return { ok: false, code: "input.too_long", params: { max } };
  const text = cleanText(input, shape);
  if (textLength(text) > max) return { ok: false, code: "input.too_long", params: { max } };
  return { ok: true, text };
}

/** Whether a text holds anything cleanText would remove or change (for CSV warnings). */
export function needsCleaning(input: string, shape: TextShape): boolean {
  return cleanText(input, shape) !== input;
}

/** A NUL character: a binary or mis-decoded CSV row rather than text anyone typed. */
export function hasNul(input: string): boolean {
  return input.includes("\u0000");
}
