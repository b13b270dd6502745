// Typed argument parsers. Each returns null when the text is not that kind of value at all
// (so the parser can treat it as part of a name or free text), a failure when it clearly is
// meant as one but is wrong (a negative amount, 2026-02-30), or the value.
import { DateTime } from "luxon";
import type { ErrorParams } from "../../core/shared/errors.js";
import type { LocalDate } from "../../core/shared/time.js";
import type { Locale } from "../i18n/catalog/types.js";

export type GrammarParams = ErrorParams;
export type Parsed<T> = { ok: true; value: T } | { ok: false; key: string; params: GrammarParams } | null;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (key: string, params: GrammarParams): Parsed<never> => ({ ok: false, key, params });

/** Full-width digits and signs (Chinese IMEs) as ASCII; only ever applied to typed values, never names. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
}

function lookup<T>(table: ReadonlyMap<string, T>, text: string): T | undefined {
  return table.get(toHalfWidth(text).trim().toLowerCase());
}

function aliasTable<T extends string>(entries: Record<T, readonly string[]>): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const [value, words] of Object.entries(entries) as [T, readonly string[]][]) {
    for (const w of words) map.set(w.toLowerCase(), value);
  }
  return map;
}

// ---- people and channels -------------------------------------------------------------------

export interface UserRef {
  platformUserId: string;
  name?: string;
}

export type MentionTable = Record<string, { platformUserId: string; name?: string }>;

const SLACK_USER = /^<@([A-Za-z0-9]+)(?:\|([^>]*))?>$/;

/** Slack `<@U123|jane>` / `<@U123>`, or an `@…` key the platform resolved for us (Feishu `@_user_1`). */
export function parseMention(text: string, mentions: MentionTable | undefined): Parsed<UserRef> {
  const slack = SLACK_USER.exec(text);
  if (slack) return ok(withName({ platformUserId: slack[1]! }, slack[2]));
  if (!text.startsWith("@") && !text.startsWith("＠")) return null;
  const key = text.replace(/^＠/, "@");
  const known = mentions?.[key] ?? mentions?.[key.slice(1)];
  if (known) return ok(withName({ platformUserId: known.platformUserId }, known.name));
  return fail("grammar.unknown_mention", { value: text });
}

function withName(ref: UserRef, name: string | undefined): UserRef {
  const trimmed = name?.trim();
  return trimmed ? { ...ref, name: trimmed } : ref;
}

export type ChannelRef = { platformChannelId: string; name?: string } | { current: true };

const SLACK_CHANNEL = /^<#([A-Za-z0-9]+)(?:\|([^>]*))?>$/;
const FEISHU_CHAT = /^oc_[A-Za-z0-9]+$/;
const CURRENT_CHANNEL = new Set(["here", "this", "本群", "这里", "此群", "当前群", "本频道"]);

/** Slack `<#C123|general>`, a Feishu chat id `oc_…`, or "here" for the chat the command came from. */
export function parseChannel(text: string): Parsed<ChannelRef> {
  const slack = SLACK_CHANNEL.exec(text);
  if (slack) {
    const name = slack[2]?.trim();
    return ok(name ? { platformChannelId: slack[1]!, name } : { platformChannelId: slack[1]! });
  }
  if (FEISHU_CHAT.test(text)) return ok({ platformChannelId: text });
  if (CURRENT_CHANNEL.has(text.toLowerCase())) return ok({ current: true });
  if (text.startsWith("#") || text.startsWith("<#")) return fail("grammar.invalid_channel", { value: text });
  return null;
}

// ---- dates -----------------------------------------------------------------------------------

/**
 * How to read a day without a year ("12/1", "周一" needs none): a callback or a dinner is in
 * the future, a report period in the past.
 */
export type DateLean = "future" | "past";

export interface DateContext {
  today: LocalDate;
  lean: DateLean;
}

const RELATIVE_DAYS = aliasTable({
  "-1": ["yesterday", "昨天", "昨日"],
  "0": ["today", "今天", "今日", "now"],
  "1": ["tomorrow", "tmr", "明天", "明日"],
  "2": ["后天"],
  "3": ["大后天"],
});

const WEEKDAYS: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  const en = [
    ["mon", "monday"],
    ["tue", "tues", "tuesday"],
    ["wed", "wednesday"],
    ["thu", "thur", "thurs", "thursday"],
    ["fri", "friday"],
    ["sat", "saturday"],
    ["sun", "sunday"],
  ];
  const zhDigits = ["一", "二", "三", "四", "五", "六", "日"];
  en.forEach((words, i) => words.forEach((w) => map.set(w, i + 1)));
  zhDigits.forEach((d, i) => ["周", "星期", "礼拜"].forEach((p) => map.set(`${p}${d}`, i + 1)));
  for (const p of ["周", "星期", "礼拜"]) map.set(`${p}天`, 7);
  return map;
})();

const ISO_DAY = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const ZH_FULL_DAY = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/;
const MONTH_DAY = /^(\d{1,2})[-/](\d{1,2})$/;
const ZH_MONTH_DAY = /^(\d{1,2})月(\d{1,2})[日号]?$/;
const EN_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const EN_MONTHS: ReadonlyMap<string, number> = new Map([
  ...EN_MONTH_NAMES.flatMap((name, i): Array<[string, number]> => [
    [name, i + 1],
    [name.slice(0, 3), i + 1],
  ]),
  ["sept", 9],
]);
// "nov 20", "nov 20, 2025", "november 20th 2025" (how Accord shows an English day) and "20 nov 2025".
const EN_MONTH_FIRST = /^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(\d{4}))?$/;
const EN_DAY_FIRST = /^(\d{1,2})(?:st|nd|rd|th)?\s*([a-z]+)\.?,?(?:\s*(\d{4}))?$/;
// A weekday beside a day, as schedules show it: "11月20日 周五", "fri, nov 20", "2025-11-20 (fri)".
const WEEKDAY_AFTER = /^(.+?)[\s,，]*[(（]?(周[一二三四五六日天]|星期[一二三四五六日天]|礼拜[一二三四五六日天]|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)[)）]?$/;
const WEEKDAY_BEFORE = /^(周[一二三四五六日天]|星期[一二三四五六日天]|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)[\s,，]+(.+)$/;
const OFFSET = /^\+(\d{1,3})(d|day|days|天|日|w|wk|week|weeks|周|星期)$/i;
const ZH_AFTER = /^(\d{1,3})(天|周|个星期|星期)后$/;
const NEXT_WEEK = /^下(?:个)?(周|星期|礼拜)([一二三四五六日天])$/;
const EN_NEXT_WEEK = /^next\s+(?:week\s+)?([a-z]+)$/;

/**
 * A day the user typed, as a local date: 2026-12-01, 2026/12/1, 2026年12月1日, 12/1, 12-1,
 * 12月1日, today/今天, tomorrow/明天, 后天, +3d/+3天/+2w, 3天后, a weekday (mon, 周一, 星期一:
 * the next such day, never today) or 下周一 / next mon (that day of next week), and every way Accord
 * shows a day: Nov 20, Nov 20, 2025, 20 Nov 2025, 11月20日 周五, Fri, Nov 20 (a weekday beside a day
 * must be that day's). `today` must already be the tenant-local day, so "tomorrow" typed at 00:30
 * in Shanghai is right.
 */
export function parseDate(input: string, ctx: DateContext): Parsed<LocalDate> {
  // "Nov 20," as the day of "Nov 20, 10:00": the comma belongs to the sentence, not the day.
  const text = toHalfWidth(input).trim().toLowerCase().replace(/\s+/g, " ").replace(/[,，]$/, "");
  // A day with its weekday is that day; a weekday that does not match it is a mistake to point out.
  const withWeekday = WEEKDAY_AFTER.exec(text) ?? WEEKDAY_BEFORE.exec(text);
  if (withWeekday) {
    const [day, weekday] = WEEKDAYS.has(withWeekday[1]!) ? [withWeekday[2]!, withWeekday[1]!] : [withWeekday[1]!, withWeekday[2]!];
    const parsed = WEEKDAYS.has(day) ? null : calendarText(input, day, ctx);
    if (parsed?.ok) {
      return DateTime.fromISO(parsed.value, { zone: "utc" }).weekday === WEEKDAYS.get(weekday) ? parsed : fail("grammar.invalid_date", { value: input });
    }
    if (parsed) return parsed;
  }
  return calendarText(input, text, ctx);
}

function calendarText(input: string, text: string, ctx: DateContext): Parsed<LocalDate> {
  // Every token of a command may be probed as a date: a luxon DateTime is made only once the
  // text looks like one (it was most of the parse time of a long command).
  const today = () => DateTime.fromISO(ctx.today, { zone: "utc" });

  const relative = RELATIVE_DAYS.get(text);
  if (relative !== undefined) return ok(today().plus({ days: Number(relative) }).toISODate()!);

  const weekday = WEEKDAYS.get(text);
  if (weekday !== undefined) {
    // Leaning to the past (a visit that happened, a report), "Monday" is the last one.
    if (ctx.lean === "past") return ok(today().minus({ days: (today().weekday - weekday + 7) % 7 || 7 }).toISODate()!);
    const ahead = (weekday - today().weekday + 7) % 7 || 7;
    return ok(today().plus({ days: ahead }).toISODate()!);
  }

  const nextWeek = NEXT_WEEK.exec(text);
  const enNextWeek = EN_NEXT_WEEK.exec(text);
  const target = nextWeek ? WEEKDAYS.get(`周${nextWeek[2]}`) : enNextWeek ? WEEKDAYS.get(enNextWeek[1]!) : undefined;
  // "next mon" is 下周一: that day of next week.
  if (target !== undefined) return ok(today().startOf("week").plus({ weeks: 1, days: target - 1 }).toISODate()!);

  const offset = OFFSET.exec(text) ?? ZH_AFTER.exec(text);
  if (offset) {
    const n = Number(offset[1]);
    const weeks = /^(w|wk|week|weeks|周|星期|个星期)$/.test(offset[2]!);
    return ok(today().plus({ days: weeks ? n * 7 : n }).toISODate()!);
  }

  const full = ISO_DAY.exec(text) ?? ZH_FULL_DAY.exec(text);
  if (full) return calendarDay(input, Number(full[1]), Number(full[2]), Number(full[3]));

  const named = englishDay(text);
  if (named && named.year !== undefined) return calendarDay(input, named.year, named.month, named.day);

  const monthDay = MONTH_DAY.exec(text) ?? ZH_MONTH_DAY.exec(text);
  if (monthDay || named) {
    const month = named ? named.month : Number(monthDay![1]);
    const day = named ? named.day : Number(monthDay![2]);
    // A leap day exists only in some years; try the nearest years in the lean's direction.
    const step = ctx.lean === "future" ? 1 : -1;
    const base = today();
    for (let k = 0; k <= 8; k++) {
      const year = base.year + k * step;
      const candidate = DateTime.fromObject({ year, month, day }, { zone: "utc" });
      if (!candidate.isValid) {
        if (month < 1 || month > 12 || day < 1 || day > 31) break;
        continue;
      }
      const rightSide = ctx.lean === "future" ? candidate >= base : candidate <= base;
      if (rightSide) return ok(candidate.toISODate()!);
    }
    return fail("grammar.invalid_date", { value: input });
  }

  if (/^[+-]\d/.test(text) || /^\d{4}-\d/.test(text)) return fail("grammar.invalid_date", { value: input });
  return null;
}

/** "nov 20", "nov 20, 2025", "20 nov 2025": the month by its English name. */
function englishDay(text: string): { month: number; day: number; year?: number } | null {
  const first = EN_MONTH_FIRST.exec(text);
  const m = first ? { name: first[1]!, day: first[2]!, year: first[3] } : null;
  const second = m ? null : EN_DAY_FIRST.exec(text);
  const parts = m ?? (second ? { name: second[2]!, day: second[1]!, year: second[3] } : null);
  const month = parts ? EN_MONTHS.get(parts.name) : undefined;
  if (!parts || month === undefined) return null;
  return { month, day: Number(parts.day), ...(parts.year ? { year: Number(parts.year) } : {}) };
}

function calendarDay(input: string, year: number, month: number, day: number): Parsed<LocalDate> {
  const d = DateTime.fromObject({ year, month, day }, { zone: "utc" });
  return d.isValid ? ok(d.toISODate()!) : fail("grammar.invalid_date", { value: input });
}

// ---- money -----------------------------------------------------------------------------------

const MULTIPLIERS: Readonly<Record<string, bigint>> = { k: 1000n, 千: 1000n, w: 10000n, 万: 10000n };
// Guards against typos like an extra six zeros; no hospitality or annual purchase is this big.
const MAX_FEN = 1_000_000_000_000n * 100n;

/**
 * An amount of CNY as integer fen: 1200, 1,200, ¥1200, ￥1200, 1200元, 1.2k, 1.2万, 1200.50.
 * Refuses negatives and anything finer than a fen (1200.505, 1.23456k).
 */
export function parseAmount(input: string): Parsed<bigint> {
  let text = toHalfWidth(input).trim().toLowerCase();
  text = text.replace(/^(rmb|cny)/, "").replace(/^[¥￥]/, "");
  let negative = false;
  if (text.startsWith("-")) {
    negative = true;
    text = text.slice(1).replace(/^[¥￥]/, "");
  }
  text = text.replace(/(元|块|块钱|rmb|cny)$/, "");
  let multiplier = 1n;
  const suffix = text.slice(-1);
  if (MULTIPLIERS[suffix] !== undefined && text.length > 1) {
    multiplier = MULTIPLIERS[suffix]!;
    text = text.slice(0, -1);
  }
  // Digits and commas with at least one digit, then an optional fraction. Written as one
  // character class plus a separate digit test: `[\d,]*\d[\d,]*` backtracks quadratically on a
  // long run of digits that fails at its end, and this runs on every token of a command.
  if (!(/^[\d,]*(\.\d+)?$/.test(text) && /\d/.test(text))) return null;
  if (negative) return fail("grammar.amount_negative", { value: input });
  const [wholeRaw = "", frac = ""] = text.split(".");
  if (wholeRaw.includes(",") && !/^\d{1,3}(,\d{3})+$/.test(wholeRaw)) return fail("grammar.invalid_amount", { value: input });
  const whole = wholeRaw.replace(/,/g, "") || "0";
  const scale = 10n ** BigInt(frac.length);
  const numerator = (BigInt(whole) * scale + BigInt(frac || "0")) * multiplier * 100n;
  if (numerator % scale !== 0n) return fail("grammar.amount_too_precise", { value: input });
  const fen = numerator / scale;
  if (fen > MAX_FEN) return fail("grammar.amount_too_large", { value: input });
  return ok(fen);
}

// ---- enumerations ----------------------------------------------------------------------------

export type Severity = "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
export type Tier = "VIP" | "A" | "B" | "C";
export type Role = "SPECIALIST" | "SUPERVISOR" | "MANAGER" | "ADMIN";
export type HospitalityKind = "MEAL" | "BANQUET" | "GIFT" | "EVENT" | "TRAVEL";
export type DigestKind = "CALLBACKS" | "CHURN";
export type ChannelPurpose = "complaints" | "digests";
export type ReportScope = "me" | "team" | "tenant";

const SEVERITIES = aliasTable<Severity>({
  LOW: ["low", "低", "一般", "轻微"],
  MEDIUM: ["medium", "med", "中", "中等"],
  HIGH: ["high", "高", "严重"],
  CRITICAL: ["critical", "crit", "urgent", "紧急", "特急", "特别严重"],
});
const TIERS = aliasTable<Tier>({
  VIP: ["vip", "vip客户"],
  A: ["a", "一级", "a级"],
  B: ["b", "二级", "b级"],
  C: ["c", "潜在", "c级", "潜在客户"],
});
const ROLES = aliasTable<Role>({
  SPECIALIST: ["specialist", "客户经理", "专员", "客户关系专员"],
  SUPERVISOR: ["supervisor", "主管", "客户关系主管"],
  MANAGER: ["manager", "经理", "部门经理", "客户关系部经理"],
  ADMIN: ["admin", "管理员"],
});
const LOCALES = aliasTable<Locale>({
  "zh-CN": ["zh", "zh-cn", "zh_cn", "cn", "chinese", "中文", "汉语", "简体中文"],
  en: ["en", "en-us", "english", "英文", "英语"],
});
const HOSPITALITY_KINDS = aliasTable<HospitalityKind>({
  MEAL: ["meal", "用餐", "工作餐", "便餐"],
  BANQUET: ["banquet", "宴请", "宴会"],
  GIFT: ["gift", "礼品", "送礼"],
  EVENT: ["event", "活动"],
  TRAVEL: ["travel", "差旅", "出行"],
});
const DIGEST_KINDS = aliasTable<DigestKind>({
  CALLBACKS: ["callbacks", "callback", "回访"],
  CHURN: ["risk", "churn", "预警", "流失预警"],
});
const CHANNEL_PURPOSES = aliasTable<ChannelPurpose>({
  complaints: ["complaints", "complaint", "投诉"],
  digests: ["digests", "digest", "日报"],
});
const REPORT_SCOPES = aliasTable<ReportScope>({
  me: ["me", "mine", "my", "我", "我的", "个人"],
  team: ["team", "团队", "本组"],
  tenant: ["all", "tenant", "company", "全部", "全公司", "公司", "全部门"],
});

const enumParser =
  <T>(table: ReadonlyMap<string, T>) =>
  (text: string): Parsed<T> => {
    const v = lookup(table, text);
    return v === undefined ? null : ok(v);
  };

export const parseSeverity = enumParser(SEVERITIES);
export const parseTier = enumParser(TIERS);
export const parseRole = enumParser(ROLES);
export const parseLocaleWord = enumParser(LOCALES);
export const parseHospitalityKind = enumParser(HOSPITALITY_KINDS);
export const parseDigestKind = enumParser(DIGEST_KINDS);
export const parseChannelPurpose = enumParser(CHANNEL_PURPOSES);
export const parseReportScope = enumParser(REPORT_SCOPES);

/** "8人", "8位", "8pax", "8guests": the number of guests at a hospitality event. */
export function parseGuests(input: string): Parsed<number> {
  const m = /^(\d{1,4})\s*(人|位|pax|guests?)$/i.exec(toHalfWidth(input).trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? ok(n) : fail("grammar.invalid_guests", { value: input });
}

/** Own staff at the table: "陪同2人", "陪同 2人" (two tokens are joined by the caller), "2staff". */
export function parseStaff(input: string): Parsed<number> {
  const m = /^(?:陪同\s*(\d{1,4})\s*(?:人|位)?|(\d{1,4})\s*staff)$/i.exec(toHalfWidth(input).trim());
  if (!m) return null;
  const n = Number(m[1] ?? m[2]);
  return n >= 0 ? ok(n) : fail("grammar.invalid_guests", { value: input });
}

// ---- report periods --------------------------------------------------------------------------

export interface Period {
  from: LocalDate;
  to: LocalDate;
}

const PERIODS = aliasTable({
  week: ["week", "this-week", "本周", "这周"],
  lastWeek: ["last-week", "lastweek", "上周", "上个星期"],
  month: ["month", "this-month", "本月", "这个月"],
  lastMonth: ["last-month", "lastmonth", "上月", "上个月"],
  quarter: ["quarter", "this-quarter", "本季度", "本季"],
  year: ["year", "this-year", "今年", "本年"],
});

/** A named period ending no later than today: this week/月/季度/年 to date, or the whole last week/month. */
export function parsePeriod(input: string, today: LocalDate): Parsed<Period> {
  const name = lookup(PERIODS, input);
  if (!name) return null;
  const t = DateTime.fromISO(today, { zone: "utc" });
  const span = (from: DateTime, to: DateTime) => ok({ from: from.toISODate()!, to: to.toISODate()! });
  switch (name) {
    case "week":
      return span(t.startOf("week"), t);
    case "lastWeek":
      return span(t.minus({ weeks: 1 }).startOf("week"), t.minus({ weeks: 1 }).endOf("week"));
    case "month":
      return span(t.startOf("month"), t);
    case "lastMonth":
      return span(t.minus({ months: 1 }).startOf("month"), t.minus({ months: 1 }).endOf("month"));
    case "quarter":
      return span(t.startOf("quarter"), t);
    case "year":
      return span(t.startOf("year"), t);
  }
}

// ---- past moments, months, plan windows, calendar days (work calendar and contact plan) ------

export interface DateTimeValue {
  date: LocalDate;
  /** 'HH:mm' when the user said a time or a part of the day; absent for a bare day. */
  time?: string;
}

/** A part of the day without a clock time stands for a typical hour of it. */
const DAY_PARTS = aliasTable({
  "09:00": ["早上", "早晨", "清晨"],
  "10:00": ["上午", "morning", "am"],
  "12:00": ["中午", "noon", "midday"],
  "15:00": ["下午", "afternoon", "pm"],
  "19:00": ["晚上", "傍晚", "evening", "tonight", "night"],
});

const CLOCK = /^(\d{1,2})(?::(\d{2})|[点點時时](?:(\d{1,2})分?|半)?)$/;
const AMPM = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)$/i;

/** A time of day: 14:00, 14点, 3点半, 下午3点, 3pm, 下午 (a part of the day), as 'HH:mm'. */
export function parseTimeOfDay(input: string): Parsed<string> {
  const text = toHalfWidth(input).trim().toLowerCase();
  const part = DAY_PARTS.get(text);
  if (part) return ok(part);
  const hhmm = (h: number, m: number) => (h < 24 && m < 60 ? ok(`${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`) : fail("grammar.invalid_time", { value: input }));
  const ampm = AMPM.exec(text);
  if (ampm) {
    const h = Number(ampm[1]);
    if (h < 1 || h > 12) return fail("grammar.invalid_time", { value: input });
    return hhmm((h % 12) + (ampm[3] === "pm" ? 12 : 0), Number(ampm[2] ?? 0));
  }
  // "下午3点": the part of the day says whether 3 is 03:00 or 15:00.
  const prefixed = /^(早上|早晨|上午|中午|下午|晚上|傍晚)(.+)$/.exec(text);
  if (prefixed) {
    const clock = CLOCK.exec(prefixed[2]!);
    if (!clock) return null;
    let h = Number(clock[1]);
    const afternoon = ["中午", "下午", "晚上", "傍晚"].includes(prefixed[1]!);
    if (afternoon && h < 12) h += 12;
    return hhmm(h, clockMinutes(clock));
  }
  const clock = CLOCK.exec(text);
  if (!clock) return null;
  return hhmm(Number(clock[1]), clockMinutes(clock));
}

function clockMinutes(clock: RegExpExecArray): number {
  if (clock[2] !== undefined) return Number(clock[2]);
  if (clock[3] !== undefined) return Number(clock[3]);
  return clock[0].endsWith("半") ? 30 : 0;
}

/**
 * A day with an optional time, as typed for a visit that happened: "yesterday", "12/1 14:00",
 * "昨天下午", "昨天下午3点", "2026-12-01 9:30", "周一上午". Days come from parseDate (with the
 * context's lean), so there is one date grammar; the time from parseTimeOfDay. Null when the
 * text is not a moment at all.
 */
export function parseDateTime(input: string, ctx: DateContext): Parsed<DateTimeValue> {
  const text = toHalfWidth(input).trim();
  // The time is the last word; the day may be a few ("next mon 14:00", "Nov 20, 2025, 10:00").
  const spaced = /^(\S+(?:\s+\S+){0,3})\s+(\S+)$/.exec(text);
  if (spaced) {
    const date = parseDate(spaced[1]!, ctx);
    const time = parseTimeOfDay(spaced[2]!);
    if (date === null || time === null) return null;
    if (!date.ok) return date;
    if (!time.ok) return time;
    return ok({ date: date.value, time: time.value });
  }
  const whole = parseDate(text, ctx);
  if (whole !== null) return whole.ok ? ok({ date: whole.value }) : whole;
  // Chinese glues the time to the day: try every split, the longest day first. A moment is
  // short; longer words are free text (and are not worth a quadratic scan).
  const chars = [...text];
  if (chars.length > 16) return null;
  for (let cut = chars.length - 1; cut >= 1; cut--) {
    const date = parseDate(chars.slice(0, cut).join(""), ctx);
    if (date === null) continue;
    const time = parseTimeOfDay(chars.slice(cut).join(""));
    if (time === null) continue;
    if (!date.ok) return date;
    if (!time.ok) return time;
    return ok({ date: date.value, time: time.value });
  }
  return null;
}

/**
 * A month: 2026-10, 2026/10, 2026年10月, 10月, or a bare 10 (the next such month, this one
 * included), as 'YYYY-MM'; also "this/next month", 本月/下月.
 */
export function parseMonth(input: string, today: LocalDate): Parsed<string> {
  const text = toHalfWidth(input).trim().toLowerCase();
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const fmt = (y: number, m: number) => (m >= 1 && m <= 12 ? ok(`${y}-${String(m).padStart(2, "0")}`) : fail("grammar.invalid_month", { value: input }));
  if (["this-month", "本月", "这个月"].includes(text)) return fmt(year, month);
  if (["next-month", "next", "下月", "下个月"].includes(text)) return month === 12 ? fmt(year + 1, 1) : fmt(year, month + 1);
  const full = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(text);
  if (full) return fmt(Number(full[1]), Number(full[2]));
  const bare = /^(\d{1,2})月?$/.exec(text);
  if (bare) {
    const m = Number(bare[1]);
    return fmt(m < month ? year + 1 : year, m);
  }
  return null;
}

export type PlanWindow = "week" | "month" | "7d" | "30d";
export type PlanScope = "me" | "team";

const PLAN_WINDOWS = aliasTable<PlanWindow>({
  week: ["week", "this-week", "本周", "这周"],
  month: ["month", "this-month", "本月", "这个月"],
  "7d": ["7d", "7days", "7-days", "7天", "七天", "一周"],
  "30d": ["30d", "30days", "30-days", "30天", "三十天", "一个月"],
});
const PLAN_SCOPES = aliasTable<PlanScope>({
  me: ["me", "mine", "my", "我", "我的", "个人"],
  team: ["team", "团队", "本组", "全组"],
});
/** `admin calendar <date> <workday|holiday>`: true for a working day. */
const DAY_KINDS = aliasTable<"true" | "false">({
  true: ["workday", "working", "work", "工作日", "上班", "补班", "调休上班"],
  false: ["holiday", "off", "day-off", "rest", "休息日", "休息", "假日", "放假", "节假日"],
});

export const parsePlanWindow = enumParser(PLAN_WINDOWS);
export const parsePlanScope = enumParser(PLAN_SCOPES);
export function parseDayKind(text: string): Parsed<boolean> {
  const v = lookup(DAY_KINDS, text);
  return v === undefined ? null : ok(v === "true");
}
