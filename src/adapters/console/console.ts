// The local console: the same commands and views as Slack and Feishu, in a terminal, on the
// demo tenant. Buttons are numbered choices (type the number to click; see screen.ts), forms ask
// one field at a time (form-dialogue.ts), @name mentions a member (mentions.ts), and outbox
// messages addressed to anyone are printed as they are delivered, so one person can play the
// whole department with /as.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import readline from "node:readline";
import type { OutboxMessage } from "@prisma/client";
import type { Db } from "../../db/client.js";
import { t, type Locale } from "../../conversation/i18n/index.js";
import type { ActionReply, Conversation, PlatformUser, Reply } from "../../conversation/port.js";
import type { MentionTable } from "../../conversation/grammar/values.js";
import { renderText, renderTextConfirm, type TextChoice } from "../../conversation/render/text.js";
import type { DeliveryResult } from "../../scheduler/outbox-worker.js";
import { FormDialogue } from "./form-dialogue.js";
import { resolveMentions } from "./mentions.js";
import { ConsoleScreens, type EntityKey } from "./screen.js";

export interface ConsoleMember {
  platformUserId: string;
  name: string;
  role: string;
}

export interface ConsoleOptions {
  conversation: Conversation;
  db: Db;
  tenantId: string;
  tenantExternalId: string;
  tenantName: string;
  locale: Locale;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Who you are at start (a platform user id of the demo tenant). */
  startAs: string;
  /** Delivers pending outbox rows (through `sender` below); called after every interaction. */
  flushOutbox: () => Promise<void>;
}

export interface ConsoleSession {
  /** The CONSOLE platform's outbox sender: prints the message. */
  sender: (message: OutboxMessage) => Promise<DeliveryResult>;
  /** Resolves when the user quits (or input ends). */
  closed: Promise<void>;
  close(): void;
}

/** A command waiting for the member to say which of several members an @name means. */
interface PendingMention {
  text: string;
  query: string;
  candidates: ConsoleMember[];
  resolved: MentionTable;
}

export function startConsole(options: ConsoleOptions): ConsoleSession {
  const { conversation, db, output } = options;
  const locale = options.locale;
  const write = (text: string) => output.write(text.endsWith("\n") ? text : `${text}\n`);
  const screens = new ConsoleScreens();
  let pendingForm: FormDialogue | undefined;
  let pendingConfirm: { choice: TextChoice; retire: () => void } | undefined;
  let pendingMention: PendingMention | undefined;
  let me: ConsoleMember | undefined;
  let deliveryCounter = 0;

  const rl = readline.createInterface({
    input: options.input,
    output,
    terminal: Boolean((options.input as NodeJS.ReadStream).isTTY),
  });
  // Take the iterator now: lines typed while the session starts (or piped in) would otherwise
  // be emitted before anyone listens, and lost.
  const lines = rl[Symbol.asyncIterator]();

  async function members(): Promise<ConsoleMember[]> {
    const rows = await db.memberIdentity.findMany({
      where: { tenantId: options.tenantId, platform: "CONSOLE" },
      include: { member: true },
      orderBy: { member: { displayName: "asc" } },
    });
    return rows
      .filter((r) => r.member.active)
      .map((r) => ({ platformUserId: r.platformUserId, name: r.member.displayName, role: r.member.role }));
  }

  const roleLabel = (role: string) => t(locale, `enum.${role}`);
  const memberLine = (m: ConsoleMember) => t(locale, "console.member_line", { name: m.name, role: roleLabel(m.role), id: m.platformUserId });

  function user(): PlatformUser {
    return {
      platform: "CONSOLE",
      tenantExternalId: options.tenantExternalId,
      tenantName: options.tenantName,
      platformUserId: me!.platformUserId,
      displayName: me!.name,
    };
  }

  function prompt(): void {
    if (pendingForm) {
      rl.setPrompt(`${pendingForm.prompt()}\n> `);
    } else if (pendingConfirm?.choice.confirm) {
      rl.setPrompt(`${renderTextConfirm(pendingConfirm.choice.confirm)}\n> `);
    } else if (pendingMention) {
      const choices = pendingMention.candidates.map((m, i) => `  [${i + 1}] ${memberLine(m)}`);
      rl.setPrompt(`${t(locale, "console.mention_choose", { query: pendingMention.query })}\n${choices.join("\n")}\n> `);
    } else {
      rl.setPrompt(t(locale, "console.prompt", { name: me?.name ?? "?" }));
    }
    rl.prompt();
  }

  /** Prints a view on the current member's screen; its buttons join the live numbers. */
  function present(view: Parameters<ConsoleScreens["present"]>[1], entity?: EntityKey): void {
    write(screens.present(me!.platformUserId, view, entity));
  }

  function show(reply: Reply): void {
    if (reply.kind === "view") {
      present(reply.view, reply.card);
    } else if (reply.kind === "form") {
      pendingForm = new FormDialogue(reply.form, locale, conversation);
      write(pendingForm.opening());
    } else if (reply.kind === "file") {
      // The console has no chat to send a file to: it goes to a fresh temp directory, path printed.
      const path = join(mkdtempSync(join(tmpdir(), "accord-")), reply.file.name);
      writeFileSync(path, reply.file.bytes);
      write(`${renderText(reply.view).text}\n${t(locale, "report.file.console", { path })}`);
    } else {
      for (const message of Object.values(reply.errors)) write(message);
    }
  }

  function showActionReply(result: ActionReply): void {
    if (result.updatedCard) present(result.updatedCard.view, result.updatedCard);
    show(result.reply);
  }

  async function switchTo(query: string): Promise<void> {
    const all = await members();
    const q = query.trim().toLowerCase();
    const exact = all.filter((m) => m.name.toLowerCase() === q || m.platformUserId.toLowerCase() === q);
    const matches = exact.length > 0 ? exact : all.filter((m) => m.name.toLowerCase().includes(q));
    if (matches.length === 0) {
      write(t(locale, "console.no_member", { query }));
    } else if (matches.length > 1) {
      write(t(locale, "console.ambiguous_member", { query, names: matches.map(memberLine).join(locale === "en" ? "; " : "；") }));
    } else {
      // Each member keeps their own screen: switching back finds their numbers still there.
      me = matches[0]!;
      write(t(locale, "console.switched", { name: me.name, role: roleLabel(me.role) }));
    }
  }

  async function click(choice: TextChoice, retire: () => void): Promise<void> {
    const result = await conversation.action({ user: user(), actionId: choice.actionId, payload: choice.payload });
    // The clicked card is replaced: its numbers go with it.
    if (result.updatedCard) retire();
    showActionReply(result);
  }

  async function runCommand(text: string, resolved: MentionTable = {}): Promise<void> {
    const mentions = resolveMentions(text, await members(), resolved);
    if (mentions.kind === "choose") {
      pendingMention = { text, query: mentions.query, candidates: mentions.candidates, resolved: mentions.resolved };
      return;
    }
    const hasMentions = Object.keys(mentions.mentions).length > 0;
    show(await conversation.command({ user: user(), text, ...(hasMentions ? { mentions: mentions.mentions } : {}) }));
  }

  async function handle(line: string): Promise<boolean> {
    if (pendingForm) {
      const outcome = await pendingForm.answer(user(), line);
      if (outcome.kind !== "asking") pendingForm = undefined;
      for (const l of outcome.lines) write(l);
      if (outcome.kind === "done") showActionReply(outcome.result);
      return true;
    }
    const text = line.trim();
    if (pendingConfirm) {
      const { choice, retire } = pendingConfirm;
      pendingConfirm = undefined;
      if (/^(y|yes|是|确认)$/i.test(text)) await click(choice, retire);
      else write(t(locale, "console.confirm_cancelled"));
      return true;
    }
    if (pendingMention) {
      const pending = pendingMention;
      pendingMention = undefined;
      const picked = /^\d+$/.test(text) ? pending.candidates[Number(text) - 1] : undefined;
      if (!picked) {
        write(t(locale, "console.confirm_cancelled"));
        return true;
      }
      await runCommand(pending.text, { ...pending.resolved, [`@${pending.query}`]: { platformUserId: picked.platformUserId, name: picked.name } });
      return true;
    }
    if (text === "") return true;
    if (text === "/quit" || text === "/exit") return false;
    if (text === "/who") {
      const all = await members();
      write(`${t(locale, "console.members_title")}\n${all.map((m) => `  ${memberLine(m)}`).join("\n")}`);
      return true;
    }
    if (text === "/as" || text.startsWith("/as ")) {
      await switchTo(text.slice(3));
      return true;
    }
    if (/^\d+$/.test(text)) {
      const found = screens.find(me!.platformUserId, Number(text));
      if (!found) {
        const range = screens.ranges(me!.platformUserId);
        write(range === "" ? t(locale, "console.no_choices") : t(locale, "console.no_choice", { number: text, range }));
        return true;
      }
      if (found.choice.confirm) {
        pendingConfirm = found;
        return true;
      }
      await click(found.choice, found.retire);
      return true;
    }
    if (text.startsWith("/") && !/^\/crm(\s|$)/i.test(text)) {
      write(t(locale, "console.unknown_console_command", { command: text.split(/\s/)[0]! }));
      return true;
    }
    await runCommand(text.replace(/^\/crm\s*/i, ""));
    return true;
  }

  // Waiting at the prompt (nothing of a line in hand): a delivery printed now arrives in the
  // background, so it goes above the prompt, which is drawn again with whatever was being typed.
  let idle = false;
  function printAside(text: string): void {
    if (!idle) {
      write(text);
      return;
    }
    readline.clearLine(output, 0);
    readline.cursorTo(output, 0);
    write(text);
    rl.prompt(true);
  }

  const sender = async (message: OutboxMessage): Promise<DeliveryResult> => {
    const delivery = await conversation.renderDelivery(message);
    if (!delivery) return { ok: true };
    let heading: string;
    if (delivery.to.kind === "member") {
      const all = await members();
      const recipient = all.find((m) => m.platformUserId === (delivery.to as { platformUserId: string }).platformUserId);
      heading = t(locale, "console.delivery_to_member", { name: recipient?.name ?? delivery.to.platformUserId });
    } else {
      heading = t(locale, "console.delivery_to_channel", { channel: delivery.to.channelId });
    }
    // A message with buttons joins its recipient's screen (the current member's for a channel
    // post): its numbers click like any other card's.
    const owner = delivery.to.kind === "member" ? delivery.to.platformUserId : (me?.platformUserId ?? "");
    printAside(`${heading}\n${screens.present(owner, delivery.view)}`);
    deliveryCounter += 1;
    return { ok: true, platformMessageId: `console-${deliveryCounter}`, channel: delivery.to.kind === "member" ? delivery.to.platformUserId : delivery.to.channelId };
  };

  const closed = (async () => {
    const all = await members();
    me = all.find((m) => m.platformUserId === options.startAs) ?? all[0];
    write(t(locale, "console.welcome", { tenant: options.tenantName, name: me?.name ?? "?", role: roleLabel(me?.role ?? "") }));
    prompt();
    idle = true;
    for await (const line of { [Symbol.asyncIterator]: () => lines }) {
      idle = false;
      let keepGoing = true;
      try {
        keepGoing = await handle(line);
        await options.flushOutbox();
      } catch (err) {
        write(`! ${(err as Error).message}`);
      }
      if (!keepGoing) break;
      prompt();
      idle = true;
    }
    idle = false;
    write(t(locale, "console.bye"));
    rl.close();
  })();

  return { sender, closed, close: () => rl.close() };
}
