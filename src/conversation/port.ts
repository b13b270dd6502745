// The one contract between the platform adapters (Slack, Feishu, console) and everything
// behind them. Adapters turn platform requests into these calls and render the replies with
// their renderer; they hold no business rule. Identity (tenant, member) is resolved here,
// from the platform ids, for every call.
import type { OutboxMessage, Platform } from "@prisma/client";
import type { ShortcutKind, ShortcutMessage } from "./areas/home/shortcuts.js";
import type { Form, FormField, FormOption } from "./views/form.js";
import type { View } from "./views/view.js";

export interface PlatformUser {
  platform: Platform;
  /** Slack team_id, Feishu tenant_key, "demo" for the console. */
  tenantExternalId: string;
  tenantName?: string;
  platformUserId: string;
  /** When the platform told us (Slack users.info, Feishu contact API); else the id is used. */
  displayName?: string;
}

export interface Mention {
  platformUserId: string;
  name?: string;
}

/** What the platform says about a channel / group chat the bot is asked to post to. */
export interface ChannelStatus {
  /** False when the platform knows no such channel (or the bot may not see it). */
  found: boolean;
  botIsMember: boolean;
  /** Slack: the name without "#"; Feishu: the group's name. */
  name?: string;
}

/** Channel look-ups an adapter offers while a command runs (optional: the console has none). */
export interface PlatformChannels {
  /** undefined when the platform could not be asked (no permission, network trouble). */
  channelStatus(channelId: string): Promise<ChannelStatus | undefined>;
}

export interface CommandRequest {
  user: PlatformUser;
  /** The text after "/crm" (Slack) or the whole message with the bot mention stripped (Feishu). */
  text: string;
  /** Feishu "@_user_1" keys → users, from the event's mention list. */
  mentions?: Record<string, Mention>;
  /** Where the command was typed (to answer there); platform channel / chat id. */
  channelId?: string;
  /** The adapter's channel look-ups (membership checks when a channel is configured). */
  channels?: PlatformChannels;
}

export interface ActionRequest {
  user: PlatformUser;
  actionId: string;
  /** The button's encoded payload, untrusted: decoded and re-authorised behind the port. */
  payload: string;
}

export interface FormSubmission {
  user: PlatformUser;
  /** The form's actionId. */
  actionId: string;
  /** The form's encoded payload (hidden state), untrusted. */
  payload: string;
  /** Raw submitted values keyed by field name; platform pickers give platform user ids. */
  values: Record<string, string | undefined>;
}

/**
 * One field of an open form, checked as it is entered (the console asks one field at a time):
 * the same reading the submission will do, plus what only the database knows (which customer a
 * name means). Nothing is written; the submission checks everything again.
 */
export interface FieldCheckRequest {
  user: PlatformUser;
  /** The form's actionId and payload, as for a submission (the payload is checked the same way). */
  actionId: string;
  payload: string;
  field: FormField;
  value: string | undefined;
}

/**
 * What a member typed into a customer picker of an open form (Slack's external_select asks while
 * they type): the customers in their scope that match, best first. Read-only.
 */
export interface CustomerOptionsRequest {
  user: PlatformUser;
  /** The form's actionId and payload (checked as for a submission: only its member is answered). */
  actionId: string;
  payload: string;
  /** What was typed so far. */
  query: string;
  /** False: a "no customer" choice comes first, so a picked customer can be taken back. */
  required: boolean;
}

/** The choices that settle one field of a submitted form (an ambiguous customer name). */
export interface FieldChoices {
  options: FormOption[];
  /** What the options leave out ("2 more outside your scope"), never naming it. */
  note?: string;
}

export type FieldCheck =
  /**
   * Fine; `value` is the raw value to submit (a date as YYYY-MM-DD, a customer's full name),
   * `shown` how it reads to the member when that differs (a date in their convention: 12月4日 周五).
   */
  | { kind: "ok"; value: string | undefined; shown?: string }
  | { kind: "error"; message: string }
  /** Several things match (customers by a partial name): ask the user to pick one of `options`. */
  | { kind: "choose"; message: string; options: FormOption[] };

export type Reply =
  /**
   * Show this view to the user who acted (ephemeral on Slack, a card reply on Feishu). `card`
   * names the entity when the view is its card: the adapter keeps a reference to the posted copy,
   * so a later change to the entity (a decision) updates it like every other copy.
   */
  | { kind: "view"; view: View; card?: { entityType: string; entityId: string } }
  /** Ask for missing details: Slack modal, Feishu form card, console prompts. */
  | { kind: "form"; form: Form }
  /** A submitted form had errors: show them next to the fields, keep the form open. */
  | {
      kind: "form_errors";
      errors: Record<string, string>;
      /**
       * Fields to turn into a choice among these options when the form is drawn again (a
       * platform without a searching picker: the Feishu form card); the message stays in errors.
       */
      choices?: Record<string, FieldChoices>;
    }
  /**
   * A file for the user who asked (the report workbook): the adapter uploads it to them alone
   * (Slack: their DM, Feishu: a file message to them, console: a temp file) and shows `view`,
   * which says what was sent, where the command was typed.
   */
  | { kind: "file"; file: OutboundFile; view: View };

export interface OutboundFile {
  /** With its extension ("report-2026-11.xlsx"). */
  name: string;
  bytes: Buffer;
  mime: string;
}

export interface ActionReply {
  reply: Reply;
  /**
   * What the card that was clicked should now look like (buttons gone after a decision).
   * The adapter also updates every other posted copy of the same entity (MessageRef rows).
   */
  updatedCard?: { entityType: string; entityId: string; view: View };
}

/** A rendered outbox message, ready for an adapter to send. */
export interface Delivery {
  view: View;
  to: { kind: "member"; platformUserId: string } | { kind: "channel"; channelId: string };
}

/** A shortcut (Slack message / global shortcut, a Feishu bot menu entry) asking for its form. */
export interface ShortcutRequest {
  user: PlatformUser;
  /** Untrusted (the platform's callback id, mapped by the adapter): an unknown one gets a notice. */
  kind: ShortcutKind | string;
  /** The message a message shortcut was used on. */
  message?: ShortcutMessage;
}

export interface Conversation {
  /**
   * The member's day (Slack App Home, the Feishu "my day" card): callbacks, planned visits,
   * approvals, complaints and customers at risk, with the digests' buttons.
   */
  myDay(user: PlatformUser): Promise<View>;
  /** The form a shortcut opens, prefilled from the message it was used on. */
  shortcut(request: ShortcutRequest): Promise<Reply>;
  command(request: CommandRequest): Promise<Reply>;
  /**
   * A configured channel refused a post for good (the bot is not in it, it is gone): the tenant's
   * admins are told, once per channel per day.
   */
  channelUnreachable(report: { tenantId: string; channelId: string; reason: string }): Promise<void>;
  action(request: ActionRequest): Promise<ActionReply>;
  submit(request: FormSubmission): Promise<ActionReply>;
  /** Checks one form field as it is entered (see FieldCheckRequest). */
  checkField(request: FieldCheckRequest): Promise<FieldCheck>;
  /** The customers a customer picker offers for what was typed (see CustomerOptionsRequest). */
  customerOptions(request: CustomerOptionsRequest): Promise<FormOption[]>;
  /** Renders an outbox row for its recipient; null when it no longer applies (dropped). */
  renderDelivery(message: OutboxMessage): Promise<Delivery | null>;
  /** The current card of an entity, for refreshing every posted copy after a change. */
  renderEntityCard(tenantId: string, entityType: string, entityId: string, locale?: string): Promise<View | null>;
}
