// Shortcuts: a chat message turned into a visit note or a complaint (Slack message shortcuts),
// and the forms people open without typing a command (Slack global shortcuts, the Feishu bot
// menu). Each opens the very form its command opens, prefilled: the message's text, who wrote
// it, a link to it (stored with the record) and the customer guessed from the channel's name or
// the text, offered in a chooser with the member's own customers.
import { normalizeName } from "../../../core/customers/rules.js";
import { DESCRIPTION_MAX } from "../../../core/complaints/schemas.js";
import type { Reply } from "../../port.js";
import type { Session } from "../../session.js";
import { noticeView } from "../../builders/common.js";
import { registerForm } from "../complaints.js";
import { lookupForm } from "../customers.js";
import { requestForm } from "../hospitality/index.js";
import { visitForm } from "../visits.js";

export const SHORTCUT_KINDS = ["visit_note", "complaint", "hospitality", "find_customer"] as const;
export type ShortcutKind = (typeof SHORTCUT_KINDS)[number];

/** The message a message shortcut was used on, as the platform described it (text already decoded). */
export interface ShortcutMessage {
  text: string;
  authorName?: string;
  /** Permalink to the message (Slack chat.getPermalink). */
  link?: string;
  /** The channel's name, without "#". */
  channelName?: string;
}

/** Slack's static select offers at most 100 options; the guesses come first. */
const MAX_CHOICES = 100;
const OWN_CUSTOMERS = 50;
const SUMMARY_MAX = 2000;

export interface CustomerGuess {
  choices: string[];
  guess?: string;
  source?: "channel" | "text";
}

/**
 * Customers a message is probably about: names the channel's name contains or is part of
 * ("#acme-trading" → Acme Trading), then names found in the text, then the member's own customers.
 */
export async function guessCustomers(session: Session, message: Pick<ShortcutMessage, "text" | "channelName">): Promise<CustomerGuess> {
  const db = session.deps.db;
  const tenantId = session.tenant.id;
  const channelKey = message.channelName ? normalizeName(message.channelName.replace(/[-_.]+/g, " ")) : "";
  const textKey = normalizeName(message.text.slice(0, 4000));
  const [byChannel, byText, own] = await Promise.all([
    channelKey.length >= 2
      ? db.$queryRaw<Array<{ name: string }>>`
          SELECT name FROM "Customer"
          WHERE "tenantId" = ${tenantId} AND status <> 'CHURNED'
            AND (strpos(${channelKey}, "nameKey") > 0 OR strpos("nameKey", ${channelKey}) > 0
                 OR strpos(${channelKey.replace(/\s+/g, "")}, replace("nameKey", ' ', '')) > 0)
          ORDER BY length("nameKey") DESC LIMIT 5`
      : Promise.resolve([]),
    textKey.length >= 2
      ? db.$queryRaw<Array<{ name: string }>>`
          SELECT name FROM "Customer"
          WHERE "tenantId" = ${tenantId} AND status <> 'CHURNED' AND length("nameKey") >= 2 AND strpos(${textKey}, "nameKey") > 0
          ORDER BY length("nameKey") DESC LIMIT 5`
      : Promise.resolve([]),
    db.customer.findMany({ where: { tenantId, ownerId: session.member.id, status: { not: "CHURNED" } }, select: { name: true }, orderBy: { name: "asc" }, take: OWN_CUSTOMERS }),
  ]);
  const choices = [...new Set([...byChannel, ...byText, ...own].map((c) => c.name))].slice(0, MAX_CHOICES);
  const guess = byChannel[0]?.name ?? byText[0]?.name;
  const source = byChannel[0] ? ("channel" as const) : byText[0] ? ("text" as const) : undefined;
  return { choices, ...(guess ? { guess } : {}), ...(source ? { source } : {}) };
}

function clipText(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

function introOf(session: Session, message: ShortcutMessage, guess: CustomerGuess): string {
  const where = message.channelName ? session.t("shortcut.in_channel", { channel: message.channelName }) : "";
  const author = message.authorName ?? "—";
  const from = message.link
    ? session.t("shortcut.from_message", { author, where, link: message.link })
    : session.t("shortcut.from_message_nolink", { author, where });
  return guess.source ? `${from}\n${session.t("shortcut.guessed", { source: session.t(`shortcut.source.${guess.source}`) })}` : from;
}

export async function shortcutReply(session: Session, kind: ShortcutKind, message?: ShortcutMessage): Promise<Reply> {
  switch (kind) {
    case "visit_note":
    case "complaint": {
      if (!message) {
        return kind === "visit_note"
          ? { kind: "form", form: visitForm(session, {}) }
          : { kind: "form", form: registerForm(session, {}) };
      }
      const guess = await guessCustomers(session, message);
      const common = {
        choices: guess.choices,
        ...(guess.guess ? { customer: guess.guess } : {}),
        sourceLink: message.link ?? "",
        intro: introOf(session, message, guess),
      };
      return kind === "visit_note"
        ? { kind: "form", form: visitForm(session, { ...common, summary: clipText(message.text, SUMMARY_MAX) }) }
        : { kind: "form", form: registerForm(session, { ...common, description: clipText(message.text, DESCRIPTION_MAX) }) };
    }
    case "hospitality":
      return { kind: "form", form: requestForm(session, {}) };
    case "find_customer":
      return { kind: "form", form: lookupForm(session) };
    default:
      return { kind: "view", view: noticeView(session, session.t("shortcut.unknown"), "warning") };
  }
}
