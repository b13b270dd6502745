// The local console: the same commands and views as Slack and Feishu, in a terminal, on the
// demo tenant. Buttons are numbered choices (type the number to click), forms ask one field at
// a time, and outbox messages addressed to anyone are printed as they are delivered, so one
// person can play the whole department with /as.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import readline from "node:readline";
import type { OutboxMessage } from "@prisma/client";
import type { Db } from "../../db/client.js";
import { t, type Locale } from "../../conversation/i18n/index.js";
import type { ActionReply, Conversation, PlatformUser, Reply } from "../../conversation/port.js";
import {
  renderText,
  renderTextConfirm,
  renderTextForm,
  type TextFormStep,
  resolveTextAnswer,
  type TextChoice,
  type TextForm,
} from "../../conversation/render/text.js";
import type { DeliveryResult } from "../../scheduler/outbox-worker.js";

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

interface PendingForm {
  form: TextForm;
  index: number;
  values: Record<string, string | undefined>;
}

export function startConsole(options: ConsoleOptions): ConsoleSession {
  const { conversation, db, output } = options;
  const locale = options.locale;
  const write = (text: string) => output.write(text.endsWith("\n") ? text : `${text}\n`);
  let choices: TextChoice[] = [];
  let pendingForm: PendingForm | undefined;
  let pendingConfirm: TextChoice | undefined;
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
      const step = pendingForm.form.steps[pendingForm.index]!;
      rl.setPrompt(`${step.prompt}\n> `);
    } else if (pendingConfirm?.confirm) {
      rl.setPrompt(`${renderTextConfirm(pendingConfirm.confirm)}\n> `);
    } else {
      rl.setPrompt(t(locale, "console.prompt", { name: me?.name ?? "?" }));
    }
    rl.prompt();
  }

  // The fields of the last form shown, so its errors name fields by their labels.
  let lastFormSteps: readonly TextFormStep[] = [];

  function show(reply: Reply): void {
    if (reply.kind === "view") {
      const rendered = renderText(reply.view);
      choices = rendered.choices;
      write(rendered.text);
    } else if (reply.kind === "form") {
      const form = renderTextForm(reply.form);
      pendingForm = { form, index: 0, values: {} };
      lastFormSteps = form.steps;
      write([`== ${form.title} ==`, form.intro, t(locale, "console.form_cancel_hint")].filter(Boolean).join("\n"));
    } else if (reply.kind === "file") {
      // The console has no chat to send a file to: it goes to a fresh temp directory, path printed.
      const path = join(mkdtempSync(join(tmpdir(), "accord-")), reply.file.name);
      writeFileSync(path, reply.file.bytes);
      write(`${renderText(reply.view).text}\n${t(locale, "report.file.console", { path })}`);
    } else {
      for (const [name, message] of Object.entries(reply.errors)) {
        const field = lastFormSteps.find((step) => step.name === name)?.label ?? name;
        write(t(locale, "console.form_field_error", { field, message }));
      }
    }
  }

  function showActionReply(result: ActionReply): void {
    if (result.updatedCard) write(renderText(result.updatedCard.view).text);
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
      write(t(locale, "console.ambiguous_member", { query, names: matches.map((m) => m.name).join(", ") }));
    } else {
      me = matches[0]!;
      choices = [];
      write(t(locale, "console.switched", { name: me.name, role: roleLabel(me.role) }));
    }
  }

  async function click(choice: TextChoice): Promise<void> {
    showActionReply(await conversation.action({ user: user(), actionId: choice.actionId, payload: choice.payload }));
  }

  async function answerForm(line: string): Promise<void> {
    const pending = pendingForm!;
    if (line.trim() === "/cancel") {
      pendingForm = undefined;
      write(t(locale, "console.form_cancelled"));
      return;
    }
    const step = pending.form.steps[pending.index]!;
    const value = resolveTextAnswer(step, line);
    if (step.required && (value === undefined || value.trim() === "")) {
      write(t(locale, "console.form_required", { label: step.prompt.split("\n")[0]!.replace(/ \*.*$/, "") }));
      return;
    }
    pending.values[step.name] = value;
    pending.index += 1;
    if (pending.index < pending.form.steps.length) return;
    pendingForm = undefined;
    const result = await conversation.submit({
      user: user(),
      actionId: pending.form.actionId,
      payload: pending.form.payload,
      values: pending.values,
    });
    if (result.reply.kind === "form_errors") {
      show(result.reply);
      // Ask again, starting from the first field in error, keeping what was right.
      const firstBad = pending.form.steps.findIndex((s) => s.name in (result.reply as { errors: Record<string, string> }).errors);
      pendingForm = { ...pending, index: Math.max(0, firstBad) };
      return;
    }
    showActionReply(result);
  }

  async function handle(line: string): Promise<boolean> {
    if (pendingForm) {
      await answerForm(line);
      return true;
    }
    const text = line.trim();
    if (pendingConfirm) {
      const choice = pendingConfirm;
      pendingConfirm = undefined;
      if (/^(y|yes|是|确认)$/i.test(text)) await click(choice);
      else write(t(locale, "console.confirm_cancelled"));
      return true;
    }
    if (text === "") return true;
    if (text === "/quit" || text === "/exit") return false;
    if (text === "/who") {
      const all = await members();
      write(`${t(locale, "console.members_title")}:\n${all.map((m) => `  ${m.name} (${roleLabel(m.role)}) — ${m.platformUserId}`).join("\n")}`);
      return true;
    }
    if (text === "/as" || text.startsWith("/as ")) {
      await switchTo(text.slice(3));
      return true;
    }
    if (/^\d+$/.test(text)) {
      const choice = choices.find((c) => c.number === Number(text));
      if (!choice) {
        write(
          choices.length === 0
            ? t(locale, "console.no_choices")
            : t(locale, "console.no_choice", { number: text, range: `1–${choices.length}` }),
        );
        return true;
      }
      if (choice.confirm) {
        pendingConfirm = choice;
        return true;
      }
      await click(choice);
      return true;
    }
    if (text.startsWith("/") && !/^\/crm(\s|$)/i.test(text)) {
      write(t(locale, "console.unknown_console_command", { command: text.split(/\s/)[0]! }));
      return true;
    }
    show(await conversation.command({ user: user(), text: text.replace(/^\/crm\s*/i, "") }));
    return true;
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
    const rendered = renderText(delivery.view);
    // A message with buttons becomes what the numbers on screen click, like any other view.
    if (rendered.choices.length > 0) choices = rendered.choices;
    write(`${heading}\n${rendered.text}`);
    deliveryCounter += 1;
    return { ok: true, platformMessageId: `console-${deliveryCounter}`, channel: delivery.to.kind === "member" ? delivery.to.platformUserId : delivery.to.channelId };
  };

  const closed = (async () => {
    const all = await members();
    me = all.find((m) => m.platformUserId === options.startAs) ?? all[0];
    write(t(locale, "console.welcome", { tenant: options.tenantName, name: me?.name ?? "?", role: roleLabel(me?.role ?? "") }));
    prompt();
    for await (const line of { [Symbol.asyncIterator]: () => lines }) {
      let keepGoing = true;
      try {
        keepGoing = await handle(line);
        await options.flushOutbox();
      } catch (err) {
        write(`! ${(err as Error).message}`);
      }
      if (!keepGoing) break;
      prompt();
    }
    write(t(locale, "console.bye"));
    rl.close();
  })();

  return { sender, closed, close: () => rl.close() };
}
