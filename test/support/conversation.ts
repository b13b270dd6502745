// What the conversation end-to-end tests share: the real Conversation on the real core at a fixed
// instant, console users for the members of a scene, and readers of replies as people see them
// (the plain-text rendering), failing with the whole reply when it is not what the test expects.
import type { Role, Tier } from "@prisma/client";
import { syncCadenceCallback } from "../../src/core/callbacks/cadence.js";
import { normalizeName } from "../../src/core/customers/rules.js";
import { toDateColumn } from "../../src/core/shared/time.js";
import { defaultTenantSettings } from "../../src/core/tenants/settings.js";
import type { Admission } from "../../src/conversation/admission.js";
import { createConversation } from "../../src/conversation/conversation.js";
import type { Locale } from "../../src/conversation/i18n/index.js";
import type { ActionReply, Conversation, PlatformUser, Reply } from "../../src/conversation/port.js";
import { renderText, type TextChoice } from "../../src/conversation/render/text.js";
import type { Form } from "../../src/conversation/views/form.js";
import type { View } from "../../src/conversation/views/view.js";
import type { Db } from "../../src/db/client.js";
import { depsAt, makeMember } from "./fixtures.js";

/** The conversation layer over the real core, its clock standing still at `now`, tenants in Shanghai. */
export function conversationAt(db: Db, now: string | Date, options: { admins?: string[]; defaultLocale?: Locale; admission?: Admission } = {}) {
  const deps = depsAt(db, now);
  const conversation = createConversation({
    deps,
    admins: options.admins ?? [],
    defaultTimeZone: "Asia/Shanghai",
    defaultLocale: options.defaultLocale ?? "en",
    ...(options.admission ? { admission: options.admission } : {}),
  });
  return { deps, conversation };
}

// -----------------------------------------------------------------------------------------------
// People

/**
 * Members of a console tenant whose platform user id is U-<name>-<n> (`n` keeps scenes of one
 * file apart), and the PlatformUser each of them talks as.
 */
export function consoleMembers(db: Db, tenant: { id: string; externalId: string }, n: number) {
  const platformUserId = (name: string) => `U-${name.toLowerCase()}-${n}`;
  return {
    add: (name: string, options: { role?: Role; supervisorId?: string | null } = {}) =>
      makeMember(db, tenant.id, { ...options, name, platformUserId: platformUserId(name) }),
    as: (m: { displayName: string }): PlatformUser => ({
      platform: "CONSOLE",
      tenantExternalId: tenant.externalId,
      platformUserId: platformUserId(m.displayName),
    }),
  };
}

export type TeamMember = "alice" | "li" | "wang" | "bob" | "boss";

/**
 * A new console tenant met through the conversation: each user's first command registers them (as
 * SPECIALIST, Boss as ADMIN when "boss" is among the conversation's admins); then the org chart is
 * set: Alice (account manager) reports to Li (supervisor), who reports to Wang (department
 * manager); Bob is an account manager outside that team.
 */
export async function registerConsoleTeam(db: Db, conversation: Conversation, tenantExternalId: string, names: Record<TeamMember, string>) {
  const user = (platformUserId: TeamMember): PlatformUser => ({
    platform: "CONSOLE",
    tenantExternalId,
    platformUserId,
    displayName: names[platformUserId],
  });
  const users = { alice: user("alice"), li: user("li"), wang: user("wang"), bob: user("bob"), boss: user("boss") };
  for (const u of Object.values(users)) await conversation.command({ user: u, text: "help" });
  const tenant = await db.tenant.findUniqueOrThrow({ where: { platform_externalId: { platform: "CONSOLE", externalId: tenantExternalId } } });
  const member = (id: TeamMember) =>
    db.member.findFirstOrThrow({ where: { tenantId: tenant.id, identities: { some: { platformUserId: id } } } });
  const wang = await db.member.update({ where: { id: (await member("wang")).id }, data: { role: "MANAGER" } });
  const li = await db.member.update({ where: { id: (await member("li")).id }, data: { role: "SUPERVISOR", supervisorId: wang.id } });
  const alice = await db.member.update({ where: { id: (await member("alice")).id }, data: { supervisorId: li.id } });
  const bob = await member("bob");
  const boss = await member("boss");
  return { tenant, users, members: { alice, li, wang, bob, boss } };
}

/** An ACTIVE customer with its cadence callback (tiers VIP/A/B), optionally moved to `cadenceDue`. */
export async function customerWithCadence(
  db: Db,
  customer: { tenantId: string; ownerId: string; name: string; tier: Tier; today: string; cadenceDue?: string | undefined },
) {
  const { tenantId, ownerId, name, tier } = customer;
  const row = await db.customer.create({ data: { tenantId, name, nameKey: normalizeName(name), ownerId, tier, status: "ACTIVE" } });
  const sync = await db.$transaction((tx) => syncCadenceCallback(tx, defaultTenantSettings, row, customer.today));
  const cadenceId = sync.action === "created" ? sync.callbackId : null;
  if (cadenceId && customer.cadenceDue) await db.callback.update({ where: { id: cadenceId }, data: { dueOn: toDateColumn(customer.cadenceDue) } });
  return { ...row, cadenceId };
}

// -----------------------------------------------------------------------------------------------
// Replies

export function viewOf(reply: Reply): View {
  if (reply.kind !== "view") throw new Error(`expected a view, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply.view;
}

export function formOf(reply: Reply): Form {
  if (reply.kind !== "form") throw new Error(`expected a form, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply.form;
}

export function errorsOf(reply: Reply): Record<string, string> {
  if (reply.kind !== "form_errors") throw new Error(`expected form errors, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply.errors;
}

export const textOf = (view: View) => renderText(view).text;
export const labelsOf = (view: View) => renderText(view).choices.map((c) => c.label);

/** The text of a reply that must be a view. */
export function replyText(reply: Reply): string {
  return textOf(viewOf(reply));
}

/** The `index`-th button of a view with this action id. */
export function choiceByAction(view: View, actionId: string, index = 0): TextChoice {
  const found = renderText(view).choices.filter((c) => c.actionId === actionId)[index];
  if (!found) throw new Error(`no ${actionId} choice #${index} in:\n${textOf(view)}`);
  return found;
}

/** The `nth` button of a view with this label. */
export function choiceByLabel(view: View, label: string, nth = 0): TextChoice {
  const found = renderText(view).choices.filter((c) => c.label === label)[nth];
  if (!found) throw new Error(`no choice "${label}" in:\n${textOf(view)}`);
  return found;
}

// -----------------------------------------------------------------------------------------------
// Acting

export function click(conversation: Conversation, user: PlatformUser, c: Pick<TextChoice, "actionId" | "payload">): Promise<ActionReply> {
  return conversation.action({ user, actionId: c.actionId, payload: c.payload });
}

export function submit(conversation: Conversation, user: PlatformUser, form: Form, values: Record<string, string | undefined>): Promise<ActionReply> {
  return conversation.submit({ user, actionId: form.actionId, payload: form.payload, values });
}
