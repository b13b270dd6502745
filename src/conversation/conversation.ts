// The Conversation behind every adapter: identify the speaker, parse, route to the area that
// owns the command / button / form / intent, and turn domain errors into views in the
// member's language. Areas live in ./areas; this file holds no business rule.
import type { OutboxMessage, Platform } from "@prisma/client";
import type { CoreDeps } from "../core/shared/context.js";
import { isDomainError } from "../core/shared/errors.js";
import { alertChannelUnreachable } from "../core/tenants/channel-alerts.js";
import { loadTenant } from "../core/tenants/tenants.js";
import type { ActionHandler, CardRenderer, CommandHandler, ConversationArea, FormHandler, IntentRenderer } from "./area.js";
import { BusyError, createAdmission, DEFAULT_ADMISSION, type Admission, type AdmissionOptions } from "./admission.js";
import { allAreas } from "./areas/index.js";
import { myDayView } from "./areas/home/myday.js";
import { SHORTCUT_KINDS, shortcutReply, type ShortcutKind } from "./areas/home/shortcuts.js";
import { dayParams, errorView, noticeView } from "./builders/common.js";
import { customerOptions, settleCustomerDefaults } from "./customer-field.js";
import { checkFormField } from "./field-check.js";
import { parseCommand, type Command } from "./grammar/index.js";
import { resolveLocale, t as translate, type Locale } from "./i18n/index.js";
import type { ActionReply, CommandRequest, Conversation, Delivery, Reply } from "./port.js";
import { sessionForMember, sessionForPlatformUser, type Session, type SessionFactoryOptions } from "./session.js";
import { maskViewForChannel } from "./views/mask.js";
import { decodeButtonPayload } from "./views/payload.js";
import type { View } from "./views/view.js";

export interface ConversationOptions {
  deps: CoreDeps;
  /** Platform user ids bootstrapped as ADMIN (ACCORD_ADMINS). */
  admins: readonly string[];
  defaultTimeZone: string;
  defaultLocale: Locale;
  /** Reports failures that are ours (not the user's), e.g. to the logger. */
  onInternalError?: (err: unknown, context: Record<string, unknown>) => void;
  /** Told how long each command, click and form submission took (metrics). */
  onTimed?: (timing: ConversationTiming) => void;
  /** Limits on concurrent work (./admission.ts), or one shared admission; false turns it off. */
  admission?: AdmissionOptions | Admission | false;
  areas?: readonly ConversationArea[];
}

export interface ConversationTiming {
  kind: "command" | "action" | "submit";
  /** The command kind ("customer.show"; "unparsed" when the text did not parse), the action or form id ("unknown" when none handles it). */
  name: string;
  platform: Platform;
  seconds: number;
  /** The call threw instead of answering (the adapter shows its apology). */
  failed: boolean;
  /** Of the failed: shed under overload (answered "busy"), never worked on. */
  shed?: boolean;
}

interface Registry {
  commands: Map<string, CommandHandler>;
  actions: Map<string, ActionHandler>;
  forms: Map<string, FormHandler>;
  intents: Map<string, IntentRenderer>;
  cards: Map<string, CardRenderer>;
  anyCustomerForms: Set<string>;
}

function buildRegistry(areas: readonly ConversationArea[]): Registry {
  const registry: Registry = { commands: new Map(), actions: new Map(), forms: new Map(), intents: new Map(), cards: new Map(), anyCustomerForms: new Set() };
  const add = <T>(map: Map<string, T>, entries: Record<string, T | undefined> | undefined, what: string) => {
    for (const [key, value] of Object.entries(entries ?? {})) {
      if (!value) continue;
      if (map.has(key)) throw new Error(`two conversation areas handle ${what} ${key}`);
      map.set(key, value);
    }
  };
  for (const area of areas) {
    add(registry.commands, area.commands as Record<string, CommandHandler>, "command");
    add(registry.actions, area.actions, "action");
    add(registry.forms, area.forms, "form");
    add(registry.intents, area.intents, "intent");
    add(registry.cards, area.cards, "card");
    for (const form of area.anyCustomerForms ?? []) registry.anyCustomerForms.add(form);
  }
  return registry;
}

export function createConversation(options: ConversationOptions): Conversation {
  const registry = buildRegistry(options.areas ?? allAreas);
  const factory: SessionFactoryOptions = {
    deps: options.deps,
    admins: options.admins,
    defaultTimeZone: options.defaultTimeZone,
    defaultLocale: options.defaultLocale,
  };
  // What each command request turned out to be, for onTimed: known only once it is parsed.
  const commandKinds = new WeakMap<CommandRequest, string>();

  function failure(session: Session, err: unknown, context: Record<string, unknown>): View {
    if (!isDomainError(err)) options.onInternalError?.(err, { ...context, tenantId: session.tenant.id, memberId: session.member.id });
    return errorView(session, err);
  }

  async function runCommand(session: Session, command: Command): Promise<Reply> {
    const handler = registry.commands.get(command.kind);
    if (!handler) return { kind: "view", view: noticeView(session, session.t("views.unknown_action"), "warning") };
    return settled(session, await (handler as (s: Session, c: Command) => Promise<Reply>)(session, command));
  }

  /** A form is sent with its prefilled customer names settled (customer-field.ts). */
  async function settled(session: Session, reply: Reply): Promise<Reply> {
    return reply.kind === "form" ? { ...reply, form: await settleCustomerDefaults(session, reply.form) } : reply;
  }

  async function settledAnswer(session: Session, answer: ActionReply): Promise<ActionReply> {
    return answer.reply.kind === "form" ? { ...answer, reply: await settled(session, answer.reply) } : answer;
  }

  const conversation: Conversation = {
    async command(request) {
      const base = await sessionForPlatformUser(factory, request.user);
      const session: Session = {
        ...base,
        ...(request.channelId ? { channelId: request.channelId } : {}),
        ...(request.channels ? { channels: request.channels } : {}),
      };
      const parsed = parseCommand(request.text, {
        now: session.now,
        timeZone: session.tenant.timeZone,
        locale: session.locale,
        ...(request.mentions ? { mentions: request.mentions } : {}),
      });
      if (!parsed.ok) {
        const { key, params, usage } = parsed.error;
        const text = [session.t(key, dayParams(session, params as Record<string, string | number>)), "", ...usage.map((u) => `• ${u}`)].join("\n");
        return { kind: "view", view: noticeView(session, text, "warning") };
      }
      commandKinds.set(request, parsed.command.kind);
      if (session.member.active === false) return { kind: "view", view: inactiveView(session) };
      try {
        return await runCommand(session, parsed.command);
      } catch (err) {
        return { kind: "view", view: failure(session, err, { command: parsed.command.kind }) };
      }
    },

    async action(request) {
      const session = await sessionForPlatformUser(factory, request.user);
      const decoded = decodeButtonPayload(request.payload, { now: session.now, memberId: session.member.id });
      if (!decoded.ok) {
        return { reply: { kind: "view", view: noticeView(session, session.t(decoded.code), "warning") } };
      }
      const handler = registry.actions.get(request.actionId);
      if (!handler) return { reply: { kind: "view", view: noticeView(session, session.t("views.unknown_action"), "warning") } };
      if (session.member.active === false) return { reply: { kind: "view", view: inactiveView(session) } };
      try {
        return await settledAnswer(session, await handler(session, decoded.payload));
      } catch (err) {
        return { reply: { kind: "view", view: failure(session, err, { action: request.actionId }) } };
      }
    },

    async submit(request) {
      const session = await sessionForPlatformUser(factory, request.user);
      const decoded = decodeButtonPayload(request.payload, { now: session.now, memberId: session.member.id });
      if (!decoded.ok) {
        return { reply: { kind: "view", view: noticeView(session, session.t(decoded.code), "warning") } };
      }
      const handler = registry.forms.get(request.actionId);
      if (!handler) return { reply: { kind: "view", view: noticeView(session, session.t("views.unknown_action"), "warning") } };
      if (session.member.active === false) return { reply: { kind: "view", view: inactiveView(session) } };
      try {
        return await settledAnswer(session, await handler(session, request.values, decoded.payload));
      } catch (err) {
        return { reply: { kind: "view", view: failure(session, err, { form: request.actionId }) } };
      }
    },

    async checkField(request) {
      const session = await sessionForPlatformUser(factory, request.user);
      const decoded = decodeButtonPayload(request.payload, { now: session.now, memberId: session.member.id });
      if (!decoded.ok) return { kind: "error", message: session.t(decoded.code) };
      if (!registry.forms.has(request.actionId)) return { kind: "error", message: session.t("views.unknown_action") };
      return checkFormField(session, request.field, request.value);
    },

    async customerOptions(request) {
      const session = await sessionForPlatformUser(factory, request.user);
      // Only the member the form was opened for is answered, while the form is valid.
      const decoded = decodeButtonPayload(request.payload, { now: session.now, memberId: session.member.id });
      if (!decoded.ok || !registry.forms.has(request.actionId) || session.member.active === false) return [];
      return customerOptions(session, request.query, { required: request.required, anyOwner: registry.anyCustomerForms.has(request.actionId) });
    },

    async myDay(user) {
      const session = await sessionForPlatformUser(factory, user);
      if (session.member.active === false) return inactiveView(session);
      try {
        return await myDayView(session);
      } catch (err) {
        return failure(session, err, { view: "my_day" });
      }
    },

    async shortcut(request) {
      const session = await sessionForPlatformUser(factory, request.user);
      if (session.member.active === false) return { kind: "view", view: inactiveView(session) };
      const kind = SHORTCUT_KINDS.find((k) => k === request.kind) as ShortcutKind | undefined;
      if (!kind) return { kind: "view", view: noticeView(session, session.t("shortcut.unknown"), "warning") };
      try {
        return await settled(session, await shortcutReply(session, kind, request.message));
      } catch (err) {
        return { kind: "view", view: failure(session, err, { shortcut: kind }) };
      }
    },

    async renderDelivery(message: OutboxMessage): Promise<Delivery | null> {
      const intent = message.payload as Record<string, unknown>;
      const render = registry.intents.get(String(intent.kind));
      if (!render) {
        options.onInternalError?.(new Error(`no renderer for intent ${String(intent.kind)}`), { outboxId: message.id });
        return null;
      }
      if (message.target.startsWith("member:")) {
        const memberId = message.target.slice("member:".length);
        const session = await sessionForMember(factory, message.tenantId, memberId);
        if (!session) return null;
        const platformUserId = await session.platformUserIdOf(memberId);
        if (!platformUserId) return null;
        const view = await render(session, intent, message);
        return view ? { view, to: { kind: "member", platformUserId } } : null;
      }
      const purpose = message.target.slice("channel:".length) as "complaints" | "digests";
      const tenant = await loadTenant(options.deps.db, message.tenantId);
      const channelId = tenant.settings.channels[purpose];
      if (!channelId) return null;
      // Channel posts are written for the whole channel: in the tenant's language, as seen by
      // the system (no member-specific buttons), via a session of the tenant's first admin.
      const admin = await options.deps.db.member.findFirst({
        where: { tenantId: tenant.id, active: true },
        orderBy: [{ role: "desc" }, { createdAt: "asc" }],
      });
      if (!admin) return null;
      const session = await sessionForMember(factory, tenant.id, admin.id);
      if (!session) return null;
      const channelLocale = resolveLocale(null, tenant.locale);
      const channelSession: Session = { ...session, locale: channelLocale, t: (k, p) => translate(channelLocale, k, p) };
      const view = await render(channelSession, { ...intent, audience: "channel" }, message);
      // The whole channel reads it: contact details typed into free text are masked.
      return view ? { view: maskViewForChannel(view), to: { kind: "channel", channelId } } : null;
    },

    async channelUnreachable(report) {
      await alertChannelUnreachable(options.deps, report);
    },

    async renderEntityCard(tenantId, entityType, entityId) {
      const render = registry.cards.get(entityType);
      if (!render) return null;
      const admin = await options.deps.db.member.findFirst({
        where: { tenantId, active: true },
        orderBy: [{ role: "desc" }, { createdAt: "asc" }],
      });
      if (!admin) return null;
      const session = await sessionForMember(factory, tenantId, admin.id);
      return session ? render(session, entityId) : null;
    },
  };

  const admission = options.admission;
  const admitted =
    admission === false
      ? conversation
      : admit(conversation, admission && "run" in admission ? admission : createAdmission(admission ?? DEFAULT_ADMISSION));
  const observe = options.onTimed;
  if (!observe) return admitted;
  // Wall-clock time on purpose: this is how long the user waited, not domain time (deps.clock
  // may be a test's frozen clock).
  const timed = async <T>(kind: ConversationTiming["kind"], platform: Platform, name: () => string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let failed = false;
    let shed = false;
    try {
      return await work();
    } catch (err) {
      failed = true;
      shed = err instanceof BusyError;
      throw err;
    } finally {
      observe({ kind, name: name(), platform, seconds: (performance.now() - started) / 1000, failed, ...(shed ? { shed } : {}) });
    }
  };
  // Only registered ids become names: a payload's id is untrusted and would be a label without bound.
  return {
    ...admitted,
    command: (request) => timed("command", request.user.platform, () => commandKinds.get(request) ?? "unparsed", () => admitted.command(request)),
    action: (request) =>
      timed("action", request.user.platform, () => (registry.actions.has(request.actionId) ? request.actionId : "unknown"), () => admitted.action(request)),
    submit: (request) =>
      timed("submit", request.user.platform, () => (registry.forms.has(request.actionId) ? request.actionId : "unknown"), () => admitted.submit(request)),
  };
}

/** A deactivated member (admin deactivate) is answered, politely, and nothing runs. */
function inactiveView(session: Session): View {
  return noticeView(session, session.t("member.inactive_refusal"), "info");
}

/** Commands, clicks and submissions wait for their turn; background rendering does not. */
function admit(conversation: Conversation, admission: Admission): Conversation {
  return {
    ...conversation,
    command: (request) => admission.run(() => conversation.command(request)),
    action: (request) => admission.run(() => conversation.action(request)),
    submit: (request) => admission.run(() => conversation.submit(request)),
    checkField: (request) => admission.run(() => conversation.checkField(request)),
    customerOptions: (request) => admission.run(() => conversation.customerOptions(request)),
    myDay: (user) => admission.run(() => conversation.myDay(user)),
    shortcut: (request) => admission.run(() => conversation.shortcut(request)),
  };
}

export type { ActionReply };
