// Command text → Command. One grammar for Slack (`/crm …`), Feishu (text to the bot, `/crm`
// optional, Chinese keywords) and the console. Nothing here knows the platform: mentions
// arrive already resolved in ctx.mentions where the platform uses placeholders (Feishu @_user_1).
//
// Names followed by more arguments. Customer names may contain spaces and are often Chinese.
// A quoted name ends at its closing quote. An unquoted name ends right before the first word
// that parses as the next typed argument: the severity in `complaint`, the date in `callback`,
// the amount in `hospitality`, the tier in `customer tier`. So `投诉 华为 技术 高 设备故障` is
// customer "华为 技术", severity HIGH. A name that itself equals such a word (a customer called
// "360" in `hospitality`) must be quoted. `visit <customer> [summary]` has no typed argument to
// stop at, so several unquoted words are returned as `words` and the caller, which has the
// database, resolves them with splitCustomerAndText().
import { InvalidInputError } from "../../core/shared/errors.js";
import { cleanBounded } from "../../core/shared/hygiene.js";
import { defaultTenantSettings } from "../../core/tenants/settings.js";
import { localDateOf, type LocalDate } from "../../core/shared/time.js";
import { settingKeyByName } from "../builders/settings.js";
import { normalizeLocale } from "../i18n/index.js";
import type { Locale } from "../i18n/catalog/types.js";
import {
  ADMIN_SUB,
  allAliases,
  CREDIT_SUB,
  CUSTOMER_ADD_OPTIONS,
  AUTO_TIER,
  CUSTOMER_SUB,
  matchWord,
  NO_SUPERVISOR,
  PLAN_REGION_WORDS,
  REGION_SUB,
  suggestAlias,
  VISIT_PLAN_WORDS,
  SURVEY_OPTIONS,
  SURVEY_SUB,
  TOP_LEVEL,
  type TopLevelWord,
} from "./aliases.js";
import { commandSchema, type Command, type CommandOf, type HelpTopicId } from "./commands.js";
import { usageLines } from "./help.js";
import {
  parseAdminDeactivate,
  parseComplaintsArgs,
  parseContact,
  parseCustomerEdit,
  parseCustomerFind,
  parseCustomerHandover,
  parseCustomerHistory,
  parseCustomersList,
  recordNumber,
} from "./book.js";
import { joinNextWeekday, joinShownDays, joinWords, restText, tokenize, type Token } from "./tokens.js";
import {
  parseAmount,
  parseChannel,
  parseChannelPurpose,
  parseDate,
  parseDateTime,
  parseDayKind,
  parseDigestKind,
  parseMonth,
  parsePlanScope,
  parsePlanWindow,
  parseGuests,
  parseHospitalityKind,
  parseLocaleWord,
  parseMention,
  parsePeriod,
  parseReportScope,
  parseRole,
  parseSeverity,
  parseStaff,
  parseTier,
  type ChannelRef,
  type GrammarParams,
  type MentionTable,
  type Parsed,
  type UserRef,
} from "./values.js";

export interface ParseContext {
  now: Date;
  /** The tenant's zone: "today", "tomorrow" and weekdays are days there. */
  timeZone: string;
  /** The member's language, for the usage shown with an error. */
  locale: Locale | string;
  /** Platform mention placeholders resolved by the adapter, e.g. Feishu {"@_user_1": {platformUserId: "ou_…"}}. */
  mentions?: MentionTable;
}

export interface ParseError {
  /** i18n key of the message (grammar catalog), with its params. */
  key: string;
  params: GrammarParams;
  /** The correct usage of the command that failed, or of every command when none was recognized. */
  usage: string[];
  /** The help topic the usage belongs to (absent for the overall help). */
  topic?: HelpTopicId;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: ParseError };

class GrammarFailure extends InvalidInputError {
  constructor(
    code: string,
    params: GrammarParams,
    readonly topic: HelpTopicId | undefined,
  ) {
    super(code, params);
  }
}

export interface State {
  text: string;
  ctx: ParseContext;
  today: LocalDate;
  topic: HelpTopicId | undefined;
}

const PREFIX = /^[/／]crm(?=\s|$)/i;

export function parseCommand(input: string, ctx: ParseContext): ParseResult {
  const locale = normalizeLocale(ctx.locale) ?? "zh-CN";
  // The edge for command text and DMs: cleaned and bounded before any token is looked at, so
  // no step below ever sees more than TEXT_LIMITS.command characters.
  const cleaned = cleanBounded(input, "multiline", "command");
  const text = cleaned.ok ? cleaned.text.trim().replace(PREFIX, "") : "";
  const state: State = { text, ctx, today: localDateOf(ctx.now, ctx.timeZone), topic: undefined };
  try {
    if (!cleaned.ok) throw failure(state, "grammar.too_long", cleaned.params);
    const command = parseTokens(state);
    const checked = commandSchema.safeParse(command);
    if (!checked.success) {
      const tooLong = checked.error.issues.find((i) => i.code === "too_big");
      throw failure(state, tooLong ? "grammar.too_long" : "grammar.invalid_input", tooLong ? { max: Number(tooLong.maximum) } : {});
    }
    return { ok: true, command: checked.data };
  } catch (err) {
    if (!(err instanceof GrammarFailure)) throw err;
    const error: ParseError = { key: err.code, params: err.params, usage: usageLines(locale, err.topic) };
    if (err.topic) error.topic = err.topic;
    return { ok: false, error };
  }
}

export function failure(s: State, key: string, params: GrammarParams = {}): GrammarFailure {
  return new GrammarFailure(key, params, s.topic);
}

function parseTokens(s: State): Command {
  const tokenized = tokenize(s.text);
  if (!tokenized.ok) throw failure(s, tokenized.key, tokenized.params);
  const tokens = joinShownDays(joinNextWeekday(tokenized.tokens));
  const head = tokens[0];
  if (!head) return { kind: "help" };
  const word = head.quoted ? undefined : topLevelWord(head, tokens);
  if (!word) {
    const typed = head.text.replace(/^[/／]/, "");
    const suggestion = head.quoted ? undefined : suggestAlias(typed, allAliases(TOP_LEVEL));
    throw suggestion
      ? failure(s, "grammar.unknown_command_suggest", { input: typed, suggestion })
      : failure(s, "grammar.unknown_command", { input: typed });
  }
  const args = tokens.slice(1);
  return TOP_LEVEL_PARSERS[word](s, args);
}

/**
 * The subcommand of the first token. Feishu users often type the keyword glued to the name
 * ("客户华为"), so a token that starts with a Chinese keyword is split after it; the token list
 * is edited in place so the rest of the parse sees two tokens.
 */
function topLevelWord(head: Token, tokens: Token[]): TopLevelWord | undefined {
  const bare = head.text.replace(/^[/／]/, "");
  const exact = matchWord(TOP_LEVEL, bare);
  if (exact) return exact;
  const glued = (Object.entries(TOP_LEVEL) as [TopLevelWord, readonly string[]][])
    .flatMap(([w, aliases]) => aliases.filter((a) => /^[\u3400-\u9fff]/.test(a) && bare.startsWith(a)).map((a) => ({ w, a })))
    .sort((x, y) => y.a.length - x.a.length)[0];
  if (!glued) return undefined;
  const cut = head.end - (bare.length - glued.a.length);
  tokens.splice(0, 1, { ...head, text: glued.a, end: cut }, { text: bare.slice(glued.a.length), quoted: false, start: cut, end: head.end });
  return glued.w;
}

type ArgsParser = (s: State, args: Token[]) => Command;

const TOP_LEVEL_PARSERS: Readonly<Record<TopLevelWord, ArgsParser>> = {
  help: parseHelp,
  customer: parseCustomer,
  visit: parseVisit,
  callbacks: (s, args) => noArgs(s, "callbacks", args, { kind: "callbacks.list" }),
  callback: parseCallbackSchedule,
  callbackOrList: (s, args) => (args.length ? parseCallbackSchedule(s, args) : { kind: "callbacks.list" }),
  complaint: parseComplaint,
  complaints: parseComplaintsArgs,
  hospitality: parseHospitality,
  approvals: (s, args) => noArgs(s, "approvals", args, { kind: "approvals.list" }),
  risk: (s, args) => noArgs(s, "risk", args, { kind: "risk.list" }),
  digest: parseDigest,
  report: parseReport,
  admin: parseAdmin,
  lang: parseLang,
  credit: parseCredit,
  away: parseAway,
  customers: parseCustomersList,
  contact: parseContact,
  plan: parsePlan,
  calendar: parseCalendar,
  survey: parseSurvey,
};

// ---- helpers -------------------------------------------------------------------------------

function noArgs(s: State, topic: HelpTopicId, args: Token[], command: Command): Command {
  s.topic = topic;
  if (args[0]) throw failure(s, "grammar.unexpected_argument", { value: args[0].text });
  return command;
}

/** The value of a Parsed<T>, or the failure it carries, or `invalidKey` when it is not that kind of value at all. */
export function expect<T>(s: State, parsed: Parsed<T>, invalidKey: string, value: string): T {
  if (parsed === null) throw failure(s, invalidKey, { value });
  if (!parsed.ok) throw failure(s, parsed.key, parsed.params);
  return parsed.value;
}

export function literal(s: State, token: Token): string {
  if (!token.text) throw failure(s, "grammar.empty_quote");
  return token.text;
}

/** A name made of the given tokens: one (possibly quoted) token verbatim, several joined. */
export function nameOf(s: State, tokens: Token[]): string | undefined {
  if (tokens.length === 1) return literal(s, tokens[0]!);
  return joinWords(tokens);
}

export const looksLikeMention = (t: Token) => !t.quoted && /^(<@|@|＠)/.test(t.text);

/**
 * A customer name followed by a typed argument (see the header). Returns the name (absent when
 * the first word already is the typed argument, so a form can ask for the customer) and the
 * index of the typed argument.
 */
export function nameBefore(s: State, args: Token[], probe: (text: string) => Parsed<unknown>, missingKey: string): { name?: string; at: number } {
  const first = args[0];
  if (!first) return { at: 0 };
  if (first.quoted) return { name: literal(s, first), at: 1 };
  const at = args.findIndex((t) => !t.quoted && probe(t.text) !== null);
  if (at === 0) return { at: 0 };
  if (at > 0) return { name: joinWords(args.slice(0, at))!, at };
  if (args.length === 1) return { name: first.text, at: 1 };
  throw failure(s, missingKey, { text: joinWords(args)! });
}

export function valueAt<T>(s: State, args: Token[], at: number, parse: (text: string) => Parsed<T>, invalidKey: string): T | undefined {
  const token = args[at];
  return token ? expect(s, parse(token.text), invalidKey, token.text) : undefined;
}

export function mention(s: State, token: Token): UserRef {
  return expect(s, parseMention(token.text, s.ctx.mentions), "grammar.expected_mention", token.text);
}

export function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

// ---- help ------------------------------------------------------------------------------------

function parseHelp(s: State, args: Token[]): Command {
  s.topic = undefined;
  if (!args.length) return { kind: "help" };
  const words = args.map((a) => a.text.replace(/^[/／]/, ""));
  const unknown = () => {
    const suggestion = suggestAlias(words[0]!, allAliases(TOP_LEVEL));
    return suggestion
      ? failure(s, "grammar.unknown_help_topic_suggest", { input: words.join(" "), suggestion })
      : failure(s, "grammar.unknown_help_topic", { input: words.join(" ") });
  };
  const top = matchWord(TOP_LEVEL, words[0]!);
  if (!top) throw unknown();
  let topic: HelpTopicId;
  let used = 1;
  if (top === "customer") {
    const sub = words[1] ? matchWord(CUSTOMER_SUB, words[1]) : undefined;
    topic = sub ? `customer.${sub}` : "customer";
    used = sub ? 2 : 1;
  } else if (top === "admin") {
    const sub = words[1] ? matchWord(ADMIN_SUB, words[1]) : undefined;
    topic = sub ? `admin.${sub}` : "admin";
    used = sub ? 2 : 1;
  } else if (top === "visit" && words[1] && VISIT_PLAN_WORDS.includes(words[1].toLowerCase())) {
    topic = "visit.plan";
    used = 2;
  } else {
    topic = top === "callbackOrList" ? "callbacks" : top;
  }
  if (words.length > used) throw unknown();
  return { kind: "help", topic };
}

// ---- customers -------------------------------------------------------------------------------

function parseCustomer(s: State, args: Token[]): Command {
  s.topic = "customer";
  const first = args[0];
  const sub = first && !first.quoted ? matchWord(CUSTOMER_SUB, first.text) : undefined;
  if (sub === "add") return parseCustomerAdd(s, args.slice(1));
  if (sub === "assign") return parseCustomerAssign(s, args.slice(1));
  if (sub === "tier") return parseCustomerTier(s, args.slice(1));
  if (sub === "find") return parseCustomerFind(s, args.slice(1));
  if (sub === "edit") return parseCustomerEdit(s, args.slice(1));
  if (sub === "history") return parseCustomerHistory(s, args.slice(1));
  if (sub === "handover") return parseCustomerHandover(s, args.slice(1));
  if (first?.quoted && args[1]) throw failure(s, "grammar.unexpected_argument", { value: args[1].text });
  return defined({ kind: "customer.show", name: args.length ? nameOf(s, args) : undefined });
}

function parseCustomerAdd(s: State, args: Token[]): Command {
  s.topic = "customer.add";
  const isOption = (t: Token) => looksLikeMention(t) || (!t.quoted && matchWord(CUSTOMER_ADD_OPTIONS, t.text) !== undefined);
  let i = 0;
  while (i < args.length && !isOption(args[i]!)) i++;
  const command: CommandOf<"customer.add"> = { kind: "customer.add" };
  if (i > 0) command.name = nameOf(s, args.slice(0, i));
  const seen = new Set<string>();
  const once = (option: string, typed: string) => {
    if (seen.has(option)) throw failure(s, "grammar.duplicate_option", { option: typed });
    seen.add(option);
  };
  while (i < args.length) {
    const token = args[i]!;
    if (looksLikeMention(token)) {
      once("owner", token.text);
      command.owner = mention(s, token);
      i += 1;
      continue;
    }
    const option = token.quoted ? undefined : matchWord(CUSTOMER_ADD_OPTIONS, token.text);
    if (!option) throw failure(s, "grammar.unexpected_argument", { value: token.text });
    once(option, token.text);
    const value = args[i + 1];
    if (!value) throw failure(s, "grammar.option_needs_value", { option: token.text });
    if (option === "tier") command.tier = expect(s, parseTier(value.text), "grammar.invalid_tier", value.text);
    if (option === "owner") command.owner = mention(s, value);
    if (option === "annual") command.annualFen = expect(s, parseAmount(value.text), "grammar.invalid_amount", value.text);
    i += 2;
  }
  return command;
}

function parseCustomerAssign(s: State, args: Token[]): Command {
  s.topic = "customer.assign";
  const mentions = args.filter(looksLikeMention);
  if (mentions.length > 1) throw failure(s, "grammar.too_many_mentions", { value: mentions[1]!.text });
  // `assign <name> @member <reason>`; the older `assign @member <name>` has no reason.
  const at = args.findIndex(looksLikeMention);
  const before = at < 0 ? args : args.slice(0, at);
  const after = at < 0 ? [] : args.slice(at + 1);
  const nameTokens = before.length ? before : after;
  return defined({
    kind: "customer.assign",
    name: nameTokens.length ? nameOf(s, nameTokens) : undefined,
    owner: mentions[0] ? mention(s, mentions[0]) : undefined,
    reason: at >= 0 && before.length ? restText(s.text, args, at + 1) : undefined,
  });
}

function parseCustomerTier(s: State, args: Token[]): Command {
  s.topic = "customer.tier";
  const last = args[args.length - 1];
  if (last && !last.quoted && args.length >= 2 && AUTO_TIER.includes(last.text.toLowerCase())) {
    return { kind: "customer.tier_auto", name: nameOf(s, args.slice(0, -1))! };
  }
  const { name, at } = nameBefore(s, args, parseTier, "grammar.tier_missing");
  return defined({
    kind: "customer.tier",
    name,
    tier: valueAt(s, args, at, parseTier, "grammar.invalid_tier"),
    reason: restText(s.text, args, at + 1),
  });
}

// ---- visits, callbacks, complaints, hospitality ----------------------------------------------

function parseVisit(s: State, args: Token[]): Command {
  s.topic = "visit";
  const first = args[0];
  if (!first) return { kind: "visit.log" };
  if (!first.quoted && VISIT_PLAN_WORDS.includes(first.text.toLowerCase())) return parseVisitPlan(s, args.slice(1));
  const when = visitMoment(s, args);
  if (when) {
    const customer = first.quoted ? literal(s, first) : joinWords(args.slice(0, when.at))!;
    return defined({
      kind: "visit.log",
      customer,
      occurredOn: when.value.date,
      occurredTime: when.value.time,
      summary: restText(s.text, args, when.at + when.width),
    });
  }
  if (first.quoted) return defined({ kind: "visit.log", customer: literal(s, first), summary: restText(s.text, args, 1) });
  if (args.length === 1) return { kind: "visit.log", customer: first.text };
  return { kind: "visit.log", words: args.map((a) => literal(s, a)) };
}

/**
 * `visit <customer> [date] [summary]`: the first moment after the customer's name ("yesterday",
 * "12/1 14:00", "昨天下午") says when the visit happened; a quoted name must be followed by it
 * directly. Dates lean to the past: a visit that happened. Null when there is none.
 */
function visitMoment(s: State, args: Token[]): { at: number; width: number; value: { date: LocalDate; time?: string } } | null {
  const ctx = { today: s.today, lean: "past" as const };
  const last = args[0]!.quoted ? 1 : args.length - 1;
  for (let i = 1; i <= last && i < args.length; i++) {
    const token = args[i]!;
    if (token.quoted) continue;
    const next = args[i + 1];
    if (next && !next.quoted) {
      const pair = parseDateTime(`${token.text} ${next.text}`, ctx);
      if (pair?.ok) return { at: i, width: 2, value: pair.value };
    }
    const single = parseDateTime(token.text, ctx);
    if (single === null) continue;
    if (!single.ok) throw failure(s, single.key, single.params);
    return { at: i, width: 1, value: single.value };
  }
  return null;
}

function parseVisitPlan(s: State, args: Token[]): Command {
  s.topic = "visit.plan";
  const date = (text: string) => parseDate(text, { today: s.today, lean: "future" });
  const { name, at } = nameBefore(s, args, date, "grammar.date_missing");
  return defined({
    kind: "visit.plan",
    customer: name,
    date: valueAt(s, args, at, date, "grammar.invalid_date"),
    purpose: restText(s.text, args, at + 1),
  });
}

function parseCallbackSchedule(s: State, args: Token[]): Command {
  s.topic = "callback";
  const date = (text: string) => parseDate(text, { today: s.today, lean: "future" });
  const { name, at } = nameBefore(s, args, date, "grammar.date_missing");
  return defined({
    kind: "callback.schedule",
    customer: name,
    dueDate: valueAt(s, args, at, date, "grammar.invalid_date"),
    note: restText(s.text, args, at + 1),
  });
}

function parseComplaint(s: State, args: Token[]): Command {
  s.topic = "complaint";
  const number = recordNumber(args);
  if (number !== null) return { kind: "complaint.show", number };
  const { name, at } = nameBefore(s, args, parseSeverity, "grammar.severity_missing");
  return defined({
    kind: "complaint.register",
    customer: name,
    severity: valueAt(s, args, at, parseSeverity, "grammar.invalid_severity"),
    description: restText(s.text, args, at + 1),
  });
}

function parseHospitality(s: State, args: Token[]): Command {
  s.topic = "hospitality";
  const number = recordNumber(args);
  if (number !== null) return { kind: "hospitality.show", number };
  const { name, at } = nameBefore(s, args, parseAmount, "grammar.amount_missing");
  const amountFen = valueAt(s, args, at, parseAmount, "grammar.invalid_amount");
  if (amountFen === 0n) throw failure(s, "grammar.amount_not_positive", { value: args[at]!.text });
  const date = valueAt(s, args, at + 1, (text) => parseDate(text, { today: s.today, lean: "future" }), "grammar.invalid_date");
  const command: CommandOf<"hospitality.request"> = defined({ kind: "hospitality.request", customer: name, amountFen, date });
  // The kind of hospitality and the number of guests may lead the purpose ("宴请 8人 年度答谢").
  let i = at + 2;
  for (; i < args.length && i < at + 5; i++) {
    const token = args[i]!;
    if (token.quoted) break;
    // 陪同 2人 (two words) or 陪同2人 / 2staff (one): the requester's own people at the table.
    const next = args[i + 1];
    const staffPair = command.staff === undefined && token.text === "陪同" && next && !next.quoted ? parseStaff(`陪同${next.text}`) : null;
    if (staffPair) {
      command.staff = expect(s, staffPair, "grammar.invalid_guests", `${token.text} ${next!.text}`);
      i++;
      continue;
    }
    const staff = command.staff === undefined ? parseStaff(token.text) : null;
    if (staff) {
      command.staff = expect(s, staff, "grammar.invalid_guests", token.text);
      continue;
    }
    const kind = command.hospitalityKind === undefined ? parseHospitalityKind(token.text) : null;
    if (kind?.ok) {
      command.hospitalityKind = kind.value;
      continue;
    }
    const guests = command.guests === undefined ? parseGuests(token.text) : null;
    if (guests === null) break;
    command.guests = expect(s, guests, "grammar.invalid_guests", token.text);
  }
  const purpose = restText(s.text, args, i);
  if (purpose) command.purpose = purpose;
  return command;
}

// ---- lists, digest, report -------------------------------------------------------------------

function parseDigest(s: State, args: Token[]): Command {
  s.topic = "digest";
  if (args[1]) throw failure(s, "grammar.unexpected_argument", { value: args[1].text });
  return defined({ kind: "digest.preview", digest: valueAt(s, args, 0, parseDigestKind, "grammar.invalid_digest") });
}

/** `report … xlsx` / `报表 … 导出`: the report as an Excel file. */
const REPORT_FILE_WORDS = new Set(["xlsx", "excel", "--xlsx", "file", "导出", "文件", "表格"]);

function parseReport(s: State, args: Token[]): Command {
  s.topic = "report";
  const command: CommandOf<"report.kpi"> = { kind: "report.kpi" };
  const dates: LocalDate[] = [];
  let period = false;
  for (const token of args) {
    if (REPORT_FILE_WORDS.has(token.text.toLowerCase())) {
      if (command.file) throw failure(s, "grammar.unexpected_argument", { value: token.text });
      command.file = true;
      continue;
    }
    const scope = parseReportScope(token.text);
    if (scope?.ok) {
      if (command.scope) throw failure(s, "grammar.unexpected_argument", { value: token.text });
      command.scope = scope.value;
      continue;
    }
    const named = parsePeriod(token.text, s.today);
    if (named?.ok) {
      if (period || dates.length) throw failure(s, "grammar.unexpected_argument", { value: token.text });
      period = true;
      command.from = named.value.from;
      command.to = named.value.to;
      continue;
    }
    const date = expect(s, parseDate(token.text, { today: s.today, lean: "past" }), "grammar.invalid_report_argument", token.text);
    if (period || dates.length === 2) throw failure(s, "grammar.unexpected_argument", { value: token.text });
    dates.push(date);
  }
  if (dates[0]) command.from = dates[0];
  if (dates[1]) command.to = dates[1];
  if (command.from && command.to && command.from > command.to) {
    throw failure(s, "grammar.date_range_inverted", { from: command.from, to: command.to });
  }
  return command;
}

// ---- survey ----------------------------------------------------------------------------------

/**
 * `survey` lists my survey tasks; `survey start <name> [VIP A …] [region 华东 …] [dimensions 需求 …]`
 * starts a campaign (tier words are recognised as tiers; region and dimension lists follow their
 * keyword); `survey results <name>`.
 */
function parseSurvey(s: State, args: Token[]): Command {
  s.topic = "survey";
  const first = args[0];
  if (!first) return { kind: "survey.list" };
  const sub = first.quoted ? undefined : matchWord(SURVEY_SUB, first.text);
  if (!sub) throw failure(s, "grammar.unexpected_argument", { value: first.text });
  const nameToken = args[1];
  if (!nameToken) throw failure(s, "survey.name_required", {});
  const name = literal(s, nameToken);
  if (sub === "results") {
    if (args[2]) throw failure(s, "grammar.unexpected_argument", { value: args[2].text });
    return { kind: "survey.results", name };
  }
  const command: CommandOf<"survey.start"> = { kind: "survey.start", name, tiers: [], regions: [], dimensions: [] };
  let list: "region" | "dimensions" | null = null;
  for (const token of args.slice(2)) {
    const option = token.quoted ? undefined : matchWord(SURVEY_OPTIONS, token.text);
    if (option) {
      list = option;
      continue;
    }
    if (list === "region") command.regions.push(literal(s, token));
    else if (list === "dimensions") command.dimensions.push(literal(s, token));
    else {
      const tier = parseTier(token.text);
      if (!tier?.ok) throw failure(s, "survey.invalid_tier", { value: token.text });
      command.tiers.push(tier.value);
    }
  }
  return command;
}

// ---- admin and language ----------------------------------------------------------------------

function parseAdmin(s: State, args: Token[]): Command {
  s.topic = "admin";
  const first = args[0];
  if (!first) throw failure(s, "grammar.missing_subcommand", {});
  const sub = first.quoted ? undefined : matchWord(ADMIN_SUB, first.text);
  if (!sub) {
    const suggestion = suggestAlias(first.text, allAliases(ADMIN_SUB));
    throw suggestion
      ? failure(s, "grammar.unknown_subcommand_suggest", { input: first.text, suggestion })
      : failure(s, "grammar.unknown_subcommand", { input: first.text });
  }
  const rest = args.slice(1);
  if (sub === "role") return parseAdminRole(s, rest);
  if (sub === "supervisor") return parseAdminSupervisor(s, rest);
  if (sub === "channel") return parseAdminChannel(s, rest);
  if (sub === "deactivate") return parseAdminDeactivate(s, rest);
  if (sub === "calendar") return parseAdminCalendar(s, rest);
  if (sub === "region") return parseAdminRegion(s, rest);
  return parseAdminSettings(s, rest);
}

// ---- work calendar, regions, contact plan ----------------------------------------------------

function parseAdminCalendar(s: State, args: Token[]): Command {
  s.topic = "admin.calendar";
  const date = valueAt(s, args, 0, (text) => parseDate(text, { today: s.today, lean: "future" }), "grammar.invalid_date");
  const working = valueAt(s, args, 1, parseDayKind, "grammar.invalid_day_kind");
  return defined({ kind: "admin.calendar", date, working, name: restText(s.text, args, 2) });
}

function parseAdminRegion(s: State, args: Token[]): Command {
  s.topic = "admin.region";
  const first = args[0];
  if (!first) return { kind: "admin.region", action: "list" };
  const action = first.quoted ? undefined : matchWord(REGION_SUB, first.text);
  if (!action) throw failure(s, "grammar.invalid_region_action", { value: first.text });
  const rest = args.slice(1);
  if (action === "list") return noArgs(s, "admin.region", rest, { kind: "admin.region", action });
  if (action === "assign") {
    const user = rest[0] ? mention(s, rest[0]) : undefined;
    return defined({ kind: "admin.region", action, user, names: rest.slice(1).map((t) => literal(s, t)) });
  }
  return defined({ kind: "admin.region", action, name: rest.length ? nameOf(s, rest) : undefined });
}

function parseCalendar(s: State, args: Token[]): Command {
  s.topic = "calendar";
  if (args[1]) throw failure(s, "grammar.unexpected_argument", { value: args[1].text });
  return defined({ kind: "calendar.show", month: valueAt(s, args, 0, (text) => parseMonth(text, s.today), "grammar.invalid_month") });
}

function parsePlan(s: State, args: Token[]): Command {
  s.topic = "plan";
  const command: CommandOf<"plan.show"> = { kind: "plan.show" };
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (!token.quoted && PLAN_REGION_WORDS.includes(token.text.toLowerCase())) {
      if (command.region || !args[i + 1]) throw failure(s, "grammar.option_needs_value", { option: token.text });
      command.region = nameOf(s, args.slice(i + 1));
      break;
    }
    const window = command.window ? null : parsePlanWindow(token.text);
    if (window?.ok) {
      command.window = window.value;
      continue;
    }
    const scope = command.scope ? null : parsePlanScope(token.text);
    if (scope?.ok) {
      command.scope = scope.value;
      continue;
    }
    throw failure(s, "grammar.invalid_plan_argument", { value: token.text });
  }
  return command;
}

function parseAdminRole(s: State, args: Token[]): Command {
  s.topic = "admin.role";
  const command: CommandOf<"admin.role"> = { kind: "admin.role" };
  for (const token of args) {
    if (looksLikeMention(token)) {
      if (command.user) throw failure(s, "grammar.too_many_mentions", { value: token.text });
      command.user = mention(s, token);
      continue;
    }
    const role = parseRole(token.text);
    if (role?.ok && !command.role) {
      command.role = role.value;
      continue;
    }
    throw failure(s, command.role ? "grammar.unexpected_argument" : "grammar.invalid_role", { value: token.text });
  }
  return command;
}

function parseAdminSupervisor(s: State, args: Token[]): Command {
  s.topic = "admin.supervisor";
  const command: CommandOf<"admin.supervisor"> = { kind: "admin.supervisor" };
  for (const token of args) {
    const clears = !token.quoted && NO_SUPERVISOR.includes(token.text.toLowerCase());
    if (command.supervisor !== undefined) throw failure(s, looksLikeMention(token) ? "grammar.too_many_mentions" : "grammar.unexpected_argument", { value: token.text });
    if (command.user && clears) {
      command.supervisor = null;
      continue;
    }
    const ref = mention(s, token);
    if (command.user) command.supervisor = ref;
    else command.user = ref;
  }
  return command;
}

function parseAdminChannel(s: State, args: Token[]): Command {
  s.topic = "admin.channel";
  const command: CommandOf<"admin.channel"> = { kind: "admin.channel" };
  for (const token of args) {
    const purpose = command.purpose ? null : parseChannelPurpose(token.text);
    if (purpose?.ok) {
      command.purpose = purpose.value;
      continue;
    }
    if (!command.purpose) throw failure(s, "grammar.invalid_channel_purpose", { value: token.text });
    if (command.channel) throw failure(s, "grammar.unexpected_argument", { value: token.text });
    command.channel = expect<ChannelRef>(s, parseChannel(token.text), "grammar.invalid_channel", token.text);
  }
  return command;
}

/** Every settable key: the tenant's zone and language, and each leaf of TenantSettings as a dotted path. */
export const settingKeys: readonly string[] = ["timeZone", "locale", ...leafPaths(defaultTenantSettings, "")];

const SETTING_ALIASES: Readonly<Record<string, string>> = {
  timezone: "timeZone",
  tz: "timeZone",
  时区: "timeZone",
  language: "locale",
  语言: "locale",
  回访日报时间: "digests.callbacksAt",
  预警日报时间: "digests.churnAt",
  "hospitality.finalapprover": "hospitality.finalApproverId",
  "credit.finalapprover": "credit.finalApproverId",
  终审人: "hospitality.finalApproverId",
  招待终审人: "hospitality.finalApproverId",
  信用终审人: "credit.finalApproverId",
};

function leafPaths(value: unknown, prefix: string): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

function parseAdminSettings(s: State, args: Token[]): Command {
  s.topic = "admin.settings";
  const first = args[0];
  if (!first) return { kind: "admin.settings" };
  const typed = first.text;
  const key =
    SETTING_ALIASES[typed.toLowerCase()] ?? settingKeys.find((k) => k.toLowerCase() === typed.toLowerCase()) ?? settingKeyByName(typed);
  if (!key) {
    const suggestion = suggestAlias(typed, settingKeys);
    throw suggestion
      ? failure(s, "grammar.unknown_setting_suggest", { key: typed, suggestion })
      : failure(s, "grammar.unknown_setting", { key: typed });
  }
  const second = args[1];
  if (key.endsWith("ApproverId") && second && looksLikeMention(second)) {
    if (args[2]) throw failure(s, "grammar.unexpected_argument", { value: args[2].text });
    return { kind: "admin.settings", key, member: mention(s, second) };
  }
  return defined({ kind: "admin.settings", key, value: restText(s.text, args, 1) });
}

function parseLang(s: State, args: Token[]): Command {
  s.topic = "lang";
  if (args[1]) throw failure(s, "grammar.unexpected_argument", { value: args[1].text });
  return defined({ kind: "member.lang", locale: valueAt(s, args, 0, parseLocaleWord, "grammar.invalid_locale") });
}

// ---- credit and absence ----------------------------------------------------------------------

const CREDIT_RATING_WORD = /^(AAA|AA|A|BBB|BB|B|CCC|CC|C|D)[+\-－＋]?$/iu;

function parseRatingWord(text: string): Parsed<string> {
  return CREDIT_RATING_WORD.test(text.trim()) ? { ok: true, value: text.trim().toUpperCase().replace("－", "-").replace("＋", "+") } : null;
}

function parseCredit(s: State, args: Token[]): Command {
  s.topic = "credit";
  const first = args[0];
  const sub = first && !first.quoted ? matchWord(CREDIT_SUB, first.text) : undefined;
  if (sub === "request") {
    s.topic = "credit.request";
    const rest = args.slice(1);
    const { name, at } = nameBefore(s, rest, parseAmount, "grammar.amount_missing");
    return defined({
      kind: "credit.request",
      customer: name,
      amountFen: valueAt(s, rest, at, parseAmount, "grammar.invalid_amount"),
      reason: restText(s.text, rest, at + 1),
    });
  }
  if (sub === "review") {
    s.topic = "credit.review";
    const rest = args.slice(1);
    const { name, at } = nameBefore(s, rest, parseRatingWord, "grammar.rating_missing");
    return defined({
      kind: "credit.review",
      customer: name,
      rating: valueAt(s, rest, at, parseRatingWord, "grammar.invalid_rating"),
      summary: restText(s.text, rest, at + 1),
    });
  }
  return defined({ kind: "credit.show", customer: args.length ? nameOf(s, args) : undefined });
}

function parseAway(s: State, args: Token[]): Command {
  s.topic = "away";
  const date = (text: string) => parseDate(text, { today: s.today, lean: "future" });
  const command: CommandOf<"member.away"> = defined({
    kind: "member.away",
    from: valueAt(s, args, 0, date, "grammar.invalid_date"),
    to: valueAt(s, args, 1, date, "grammar.invalid_date"),
  });
  if (args[2]) command.delegate = mention(s, args[2]);
  if (args[3]) throw failure(s, "grammar.unexpected_argument", { value: args[3].text });
  if (command.from && command.to && command.from > command.to) {
    throw failure(s, "grammar.date_range_inverted", { from: command.from, to: command.to });
  }
  return command;
}

// ---- visit names -----------------------------------------------------------------------------

/** Every way the leading words of `words` could be a customer name, longest first (for one set-based lookup). */
export function customerNameCandidates(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let n = words.length; n >= 1; n--) out.push(words.slice(0, n).join(" "));
  return out;
}

/**
 * Splits `visit` words into the customer and the summary: the longest leading run of words that
 * `isCustomerName` confirms. The caller owns the lookup (case-insensitive, unambiguous prefix,
 * whatever the customers area decides), typically by loading customerNameCandidates(words) in
 * one query. Null when no prefix is a customer.
 */
export function splitCustomerAndText(
  words: readonly string[],
  isCustomerName: (candidate: string) => boolean,
): { customer: string; summary?: string } | null {
  for (let n = words.length; n >= 1; n--) {
    const customer = words.slice(0, n).join(" ");
    if (isCustomerName(customer)) {
      const summary = words.slice(n).join(" ");
      return summary ? { customer, summary } : { customer };
    }
  }
  return null;
}
