// The customer book's commands (lists, search, edit, history, handover, contacts, records by
// number, deactivation): `customers …`, `customer find|edit|history|handover …`, `contact …`,
// `complaint #7`, `complaints closed …`, `hospitality #5`, `admin deactivate …`. Shares the
// helpers of parser.ts; the header there explains how names end.
import { parseCustomerStatus } from "../../core/customers/rules.js";
import type { CustomerStatus } from "@prisma/client";
import { CLOSED_WORDS, CONTACT_SUB, LIST_OPTIONS, LIST_SCOPES, OVERDUE_WORDS, matchWord } from "./aliases.js";
import type { Command, CommandOf } from "./commands.js";
import { defined, expect, failure, literal, looksLikeMention, mention, nameOf, type State } from "./parser.js";
import { joinWords, restText, type Token } from "./tokens.js";
import { parsePeriod, parseTier, type Parsed, type Tier } from "./values.js";

const RISKS: Readonly<Record<string, "HIGH" | "MEDIUM">> = { high: "HIGH", 高: "HIGH", medium: "MEDIUM", med: "MEDIUM", 中: "MEDIUM" };

/** `#7` / `＃7` alone: a record by its number. */
export function recordNumber(args: Token[]): number | null {
  if (args.length !== 1 || args[0]!.quoted) return null;
  const m = /^[#＃](\d{1,9})$/u.exec(args[0]!.text.trim());
  return m ? Number(m[1]) : null;
}

function list<T>(s: State, text: string, parse: (t: string) => T | null, invalidKey: string): T[] {
  const parts = text.split(/[,，、]/u).filter(Boolean);
  return parts.map((p) => {
    const v = parse(p);
    if (v === null) throw failure(s, invalidKey, { value: p });
    return v;
  });
}

const tierOf = (text: string): Tier | null => {
  const p: Parsed<Tier> = parseTier(text);
  return p?.ok ? p.value : null;
};

export function parseCustomersList(s: State, args: Token[]): Command {
  s.topic = "customers";
  const command: CommandOf<"customers.list"> = { kind: "customers.list" };
  const seen = new Set<string>();
  const once = (option: string, typed: string) => {
    if (seen.has(option)) throw failure(s, "grammar.duplicate_option", { option: typed });
    seen.add(option);
  };
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (looksLikeMention(token)) {
      once("owner", token.text);
      command.owner = mention(s, token);
      continue;
    }
    const word = token.quoted ? undefined : token.text.toLowerCase();
    const scope = word ? matchWord(LIST_SCOPES, word) : undefined;
    if (scope) {
      once("scope", token.text);
      command.scope = scope;
      continue;
    }
    if (word && OVERDUE_WORDS.includes(word)) {
      once("overdue", token.text);
      command.overdue = true;
      continue;
    }
    const option = word ? matchWord(LIST_OPTIONS, word) : undefined;
    if (!option) throw failure(s, "grammar.unexpected_argument", { value: token.text });
    once(option, token.text);
    const value = args[i + 1];
    if (!value) throw failure(s, "grammar.option_needs_value", { option: token.text });
    i += 1;
    if (option === "tier") command.tiers = list(s, value.text, tierOf, "grammar.invalid_tier");
    if (option === "status") command.statuses = list<CustomerStatus>(s, value.text, parseCustomerStatus, "grammar.invalid_status");
    if (option === "risk") {
      const risk = RISKS[value.text.toLowerCase()];
      if (!risk) throw failure(s, "grammar.invalid_risk", { value: value.text });
      command.risk = risk;
    }
    if (option === "owner") command.owner = mention(s, value);
    if (option === "region") command.region = literal(s, value);
    if (option === "industry") command.industry = literal(s, value);
  }
  return command;
}

export function parseCustomerFind(s: State, args: Token[]): Command {
  s.topic = "customer.find";
  return defined({ kind: "customer.find", query: args.length ? nameOf(s, args) : undefined });
}

export function parseCustomerEdit(s: State, args: Token[]): Command {
  s.topic = "customer.edit";
  return defined({ kind: "customer.edit", name: args.length ? nameOf(s, args) : undefined });
}

export function parseCustomerHistory(s: State, args: Token[]): Command {
  s.topic = "customer.history";
  return defined({ kind: "customer.history", name: args.length ? nameOf(s, args) : undefined });
}

/** `customer handover @from @to [all|tier X|region R] <reason>`. */
export function parseCustomerHandover(s: State, args: Token[]): Command {
  s.topic = "customer.handover";
  const command: CommandOf<"customer.handover"> = { kind: "customer.handover" };
  let i = 0;
  if (args[i] && looksLikeMention(args[i]!)) command.from = mention(s, args[i++]!);
  if (args[i] && looksLikeMention(args[i]!)) command.to = mention(s, args[i++]!);
  const word = args[i] && !args[i]!.quoted ? args[i]!.text.toLowerCase() : undefined;
  if (word && (word === "all" || word === "全部")) {
    command.selector = { all: true };
    i += 1;
  } else if (word && matchWord(LIST_OPTIONS, word) === "tier") {
    const value = args[i + 1];
    if (!value) throw failure(s, "grammar.option_needs_value", { option: args[i]!.text });
    command.selector = { tier: expect(s, parseTier(value.text), "grammar.invalid_tier", value.text) };
    i += 2;
  } else if (word && matchWord(LIST_OPTIONS, word) === "region") {
    const value = args[i + 1];
    if (!value) throw failure(s, "grammar.option_needs_value", { option: args[i]!.text });
    command.selector = { region: literal(s, value) };
    i += 2;
  }
  const reason = restText(s.text, args, i);
  if (reason) command.reason = reason;
  return command;
}

const PHONE = /^\+?[0-9][0-9\-()]{4,24}$/u;

/** `contacts <customer>` lists; `contact add|edit|remove|primary <customer> …`. */
export function parseContact(s: State, args: Token[]): Command {
  s.topic = "contact";
  const first = args[0];
  const sub = first && !first.quoted ? matchWord(CONTACT_SUB, first.text) : undefined;
  if (!sub) return defined({ kind: "contacts.list", customer: args.length ? nameOf(s, args) : undefined });
  const rest = args.slice(1);
  const customer = rest[0] ? literal(s, rest[0]) : undefined;
  if (sub === "add") {
    const command: CommandOf<"contact.add"> = defined({ kind: "contact.add", customer, name: rest[1] ? literal(s, rest[1]) : undefined });
    const title: string[] = [];
    for (const token of rest.slice(2)) {
      if (!token.quoted && token.text.includes("@") && !command.email) command.email = token.text;
      else if (!token.quoted && PHONE.test(token.text) && !command.phone) command.phone = token.text;
      else title.push(token.text);
    }
    if (title.length) command.title = title.join(" ");
    return command;
  }
  const contact = rest.length > 1 ? joinWords(rest.slice(1)) : undefined;
  const kind = sub === "edit" ? "contact.edit" : sub === "remove" ? "contact.remove" : "contact.primary";
  return defined({ kind, customer, contact });
}

/** `complaints` (open ones) or `complaints closed [period]`. */
export function parseComplaintsArgs(s: State, args: Token[]): Command {
  s.topic = "complaints";
  const first = args[0];
  if (!first) return { kind: "complaints.list" };
  if (first.quoted || !CLOSED_WORDS.includes(first.text.toLowerCase())) throw failure(s, "grammar.unexpected_argument", { value: first.text });
  const period = args[1];
  if (args[2]) throw failure(s, "grammar.unexpected_argument", { value: args[2].text });
  if (!period) return { kind: "complaints.closed" };
  const named = expect(s, parsePeriod(period.text, s.today), "grammar.invalid_period", period.text);
  return { kind: "complaints.closed", from: named.from, to: named.to };
}

/** `admin deactivate @member @successor`. */
export function parseAdminDeactivate(s: State, args: Token[]): Command {
  s.topic = "admin.deactivate";
  if (args[2]) throw failure(s, "grammar.unexpected_argument", { value: args[2].text });
  return defined({
    kind: "admin.deactivate",
    user: args[0] ? mention(s, args[0]) : undefined,
    successor: args[1] ? mention(s, args[1]) : undefined,
  });
}
