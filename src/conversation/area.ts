// What one area of the conversation layer (customers, visits, complaints, …) contributes:
// command handlers by command kind, button handlers and form handlers by action id, renderers
// for outbox intents by intent kind, and the current card of an entity type. conversation.ts
// merges every area; areas never know which platform they serve.
import type { OutboxMessage } from "@prisma/client";
import type { Command } from "./grammar/index.js";
import type { ActionReply, Reply } from "./port.js";
import type { Session } from "./session.js";
import type { ButtonPayload } from "./views/payload.js";
import type { View } from "./views/view.js";

export type CommandHandler<K extends Command["kind"] = Command["kind"]> = (
  session: Session,
  command: Extract<Command, { kind: K }>,
) => Promise<Reply>;

export type ActionHandler = (session: Session, payload: ButtonPayload) => Promise<ActionReply>;

export type FormHandler = (
  session: Session,
  values: Record<string, string | undefined>,
  payload: ButtonPayload,
) => Promise<ActionReply>;

/** Renders an outbox intent for its recipient (already resolved to a Session), or null to drop it. */
export type IntentRenderer = (session: Session, intent: Record<string, unknown>, message: OutboxMessage) => Promise<View | null>;

/**
 * The current card of one entity, for refreshing every posted copy. The session is a system
 * session (the tenant's first admin): buttons must name the entity's own actors (the step's
 * approver, the assignee) in their payload, never session.member.
 */
export type CardRenderer = (session: Session, entityId: string) => Promise<View | null>;

export interface ConversationArea {
  commands?: { [K in Command["kind"]]?: CommandHandler<K> };
  actions?: Record<string, ActionHandler>;
  forms?: Record<string, FormHandler>;
  intents?: Record<string, IntentRenderer>;
  cards?: Record<string, CardRenderer>;
  /**
   * Forms (by action id) whose customer field may name any customer of the tenant (a complaint
   * may be about anyone's customer): their pickers also offer a customer outside the member's
   * scope whose whole name was typed, and nothing more of it.
   */
  anyCustomerForms?: readonly string[];
}
