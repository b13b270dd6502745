// Splits command text into tokens. Quotes group words into one token so customer names with
// spaces can be typed; Slack turns "…" into “…” on most keyboards and Chinese IMEs produce
// 「…」 or “…”, so every common pair is accepted. Slack's <@U1|Jane Doe> and <#C1|general>
// are one token even when the label has spaces.

export interface Token {
  text: string;
  /** Typed in quotes: never a keyword, mention or typed value, always literal text. */
  quoted: boolean;
  /** Offsets into the tokenized text, so free text can be taken verbatim (newlines kept). */
  start: number;
  end: number;
}

export type TokenizeResult =
  | { ok: true; tokens: Token[] }
  | { ok: false; key: "grammar.unclosed_quote"; params: { quote: string } };

const CLOSING: Readonly<Record<string, readonly string[]>> = {
  '"': ['"'],
  "'": ["'"],
  "“": ["”", "“"],
  "”": ["”"],
  "‘": ["’"],
  "「": ["」"],
  "『": ["』"],
};

const isSpace = (ch: string) => /\s/.test(ch);

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const closers = CLOSING[ch];
    if (closers) {
      const close = findFirst(text, closers, i + 1);
      if (close < 0) return { ok: false, key: "grammar.unclosed_quote", params: { quote: ch } };
      tokens.push({ text: text.slice(i + 1, close).trim(), quoted: true, start: i, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (ch === "<") {
      const close = text.indexOf(">", i + 1);
      if (close > 0 && /^<[@#!]/.test(text.slice(i, i + 2))) {
        tokens.push({ text: text.slice(i, close + 1), quoted: false, start: i, end: close + 1 });
        i = close + 1;
        continue;
      }
    }
    let j = i;
    while (j < text.length && !isSpace(text[j]!)) j++;
    tokens.push({ text: text.slice(i, j), quoted: false, start: i, end: j });
    i = j;
  }
  return { ok: true, tokens };
}

function findFirst(text: string, candidates: readonly string[], from: number): number {
  let best = -1;
  for (const c of candidates) {
    const at = text.indexOf(c, from);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/**
 * Free text starting at `tokens[from]`, verbatim from the original text (spacing, quotes and
 * line breaks kept), except that a single quoted token yields its inner text.
 */
export function restText(text: string, tokens: readonly Token[], from: number): string | undefined {
  const first = tokens[from];
  if (!first) return undefined;
  if (from === tokens.length - 1 && first.quoted) return first.text || undefined;
  const raw = text.slice(first.start, tokens[tokens.length - 1]!.end).trim();
  return raw || undefined;
}

/** A multi-word name typed without quotes, normalized to single spaces. */
export function joinWords(tokens: readonly Token[]): string | undefined {
  const joined = tokens
    .map((t) => t.text)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return joined || undefined;
}

const EN_WEEKDAY = /^(mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)$/i;

/**
 * English says "next mon" in two words where Chinese says 下周一 in one: the pair becomes one
 * token (its offsets span both), so every typed-date probe sees the whole day and a customer
 * name before it does not swallow "next" ("callback 华为技术 next mon …").
 */
export function joinNextWeekday(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (!token.quoted && next && !next.quoted && token.text.toLowerCase() === "next" && EN_WEEKDAY.test(next.text)) {
      out.push({ text: `${token.text} ${next.text}`, quoted: false, start: token.start, end: next.end });
      i++;
      continue;
    }
    out.push(token);
  }
  return out;
}

const MONTH_NAME = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)\.?,?$/i;
const DAY_OF_MONTH = /^\d{1,2}(st|nd|rd|th)?,?$/i;
const YEAR = /^\d{4},?$/;
const EN_WEEKDAY_COMMA = /^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday),$/i;
const ZH_DAY = /^(\d{4}年)?\d{1,2}月\d{1,2}[日号]$/;
const ZH_WEEKDAY = /^[(（]?(周|星期|礼拜)[一二三四五六日天][)）]?$/;

/**
 * A day as Accord shows it takes a few words: "Nov 20", "Nov 20, 2025", "20 Nov 2025",
 * "Fri, Nov 20", "11月20日 周五". Each becomes one token (offsets spanning its words), so what a
 * member copies from a card reads back as one day in a command ("callback Acme Nov 20 …").
 */
export function joinShownDays(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  const plain = (i: number, re: RegExp) => {
    const t = tokens[i];
    return t !== undefined && !t.quoted && re.test(t.text);
  };
  for (let i = 0; i < tokens.length; i++) {
    let width = 0;
    const lead = plain(i, EN_WEEKDAY_COMMA) && plain(i + 1, MONTH_NAME) ? 1 : 0;
    const at = i + lead;
    if (plain(at, MONTH_NAME) && plain(at + 1, DAY_OF_MONTH)) width = lead + 2 + (plain(at + 2, YEAR) ? 1 : 0);
    else if (!lead && plain(i, /^\d{1,2}$/) && plain(i + 1, MONTH_NAME)) width = plain(i + 2, YEAR) ? 3 : 2;
    else if (!lead && plain(i, ZH_DAY) && plain(i + 1, ZH_WEEKDAY)) width = 2;
    if (width === 0) {
      out.push(tokens[i]!);
      continue;
    }
    const words = tokens.slice(i, i + width);
    // A trailing comma ends the sentence's clause, not the day ("Nov 20, 2025, at …").
    out.push({ text: words.map((w) => w.text).join(" ").replace(/,$/, ""), quoted: false, start: words[0]!.start, end: words[width - 1]!.end });
    i += width - 1;
  }
  return out;
}
