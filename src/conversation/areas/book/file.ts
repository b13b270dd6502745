// The customer file edited in chat: `customer edit <name>` opens a form with every field
// (credit fields shown read-only), `customer tier <name> auto` returns to the computed tier, and
// the contacts: `contacts <customer>`, `contact add|edit|remove|primary …`, with buttons on the
// contact list. The core audits every change with before and after.
import { z } from "zod";
import { getCustomerCard } from "../../../core/customers/card.js";
import { addContact, customerContacts, findContact, removeContact, setPrimaryContact, updateContact, type ContactEntry } from "../../../core/customers/contacts.js";
import { clearTierOverride, updateCustomer } from "../../../core/customers/customers.js";
import { findCustomer, loadCustomerFor } from "../../../core/customers/lookup.js";
import { yuanToFen } from "../../../core/shared/money.js";
import { fromDateColumn } from "../../../core/shared/time.js";
import type { ActionHandler, CommandHandler, FormHandler } from "../../area.js";
import { button, dateDefault, enumLabel, money, moreTemplate, noticeView, tierLabel } from "../../builders/common.js";
import { moneyInput } from "../../builders/money.js";
import { domainErrorReply, formErrorsReply } from "../../builders/forms.js";
import type { Reply } from "../../port.js";
import type { Session } from "../../session.js";
import { defineForm, validateForm, type Form } from "../../views/form.js";
import type { ListItem, View } from "../../views/view.js";
import { customerCardView } from "../customers.js";
import { cardRisk } from "../risk.js";

const STATUSES = ["PROSPECT", "ACTIVE", "AT_RISK", "CHURNED", "LOST"] as const;


async function cardOf(session: Session, customerId: string, lead: string): Promise<View> {
  const card = await getCustomerCard(session.deps, session.actor, customerId);
  const view = customerCardView(session, card, await cardRisk(session, card.id));
  return { ...view, blocks: [{ kind: "text", text: lead }, ...view.blocks] };
}

// ---- edit ----------------------------------------------------------------------------------------

export async function editForm(session: Session, customerId: string): Promise<Form> {
  const c = await loadCustomerFor(session.deps.db, session.actor, customerId);
  const credit = session.t("book.edit.credit", {
    rating: c.creditRating ?? "—",
    limit: c.creditLimitFen === null ? "—" : money(c.creditLimitFen),
  });
  const text = (name: string, label: string, value: string | null, maxLength: number, required = false) => ({
    name,
    label,
    kind: "text" as const,
    required,
    maxLength,
    ...(value ? { default: value } : {}),
  });
  return defineForm({
    formId: "customer.edit",
    title: session.t("book.edit.title", { name: c.name }),
    submitLabel: session.t("book.edit.submit"),
    intro: credit,
    fields: [
      text("name", session.t("customer.field.name"), c.name, 200, true),
      text("industry", session.t("customer.field.industry"), c.industry, 100),
      text("region", session.t("customer.field.region"), c.region, 100),
      {
        name: "status",
        label: session.t("customer.field.status"),
        kind: "select",
        required: true,
        options: STATUSES.map((s) => ({ value: s, label: enumLabel(session, s) })),
        default: c.status,
      },
      { ...text("lostReason", session.t("book.edit.lost_reason"), c.lostReason, 500), hint: session.t("book.edit.lost_reason_hint") },
      {
        name: "cooperationStart",
        label: session.t("book.edit.cooperation_start"),
        kind: "date",
        required: false,
        ...dateDefault(session, c.cooperationStart ? fromDateColumn(c.cooperationStart) : undefined),
      },
      {
        name: "strategic",
        label: session.t("book.edit.strategic"),
        kind: "select",
        required: true,
        options: [
          { value: "yes", label: session.t("book.yes") },
          { value: "no", label: session.t("book.no") },
        ],
        default: c.strategic ? "yes" : "no",
      },
      { name: "annual", label: session.t("customer.field.annual"), kind: "amount", required: false, default: moneyInput(c.annualPurchaseFen) },
    ],
    actionId: "customer.edit",
    payload: button(session, "book.edit.submit", "customer.edit", { entityId: c.id, memberId: session.member.id }).payload,
  });
}

const editSchema = z.object({
  name: z.string().trim().min(1).max(200),
  industry: z.string().trim().max(100).optional(),
  region: z.string().trim().max(100).optional(),
  status: z.enum(STATUSES),
  lostReason: z.string().trim().max(500).optional(),
  cooperationStart: z.string().optional(),
  strategic: z.enum(["yes", "no"]),
  annual: z.string().optional(),
});

export const editCommand: CommandHandler<"customer.edit"> = async (session, command) => {
  if (!command.name) return { kind: "view", view: noticeView(session, session.t("book.edit.usage"), "warning") };
  const customer = await findCustomer(session.deps, session.actor, command.name);
  return { kind: "form", form: await editForm(session, customer.id) };
};

export const submitEdit: FormHandler = async (session, values, payload) => {
  const customerId = payload.entityId ?? "";
  const form = await editForm(session, customerId);
  const result = validateForm(form, values, editSchema, session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  const d = result.data;
  try {
    // The form is prefilled: a field left empty was cleared on purpose.
    const updated = await updateCustomer(session.deps, session.actor, customerId, {
      name: d.name,
      industry: d.industry ?? null,
      region: d.region ?? null,
      status: d.status,
      lostReason: d.lostReason ?? null,
      cooperationStart: d.cooperationStart ?? null,
      strategic: d.strategic === "yes",
      annualPurchaseFen: d.annual ? yuanToFen(d.annual) : 0n,
    });
    return { reply: { kind: "view", view: await cardOf(session, updated.id, session.t("book.edit.saved", { name: updated.name })) } };
  } catch (err) {
    return domainErrorReply(session, err, (f) => (f === "annualPurchaseFen" ? "annual" : form.fields.some((x) => x.name === f) ? f : undefined));
  }
};

export const tierAutoCommand: CommandHandler<"customer.tier_auto"> = async (session, command) => {
  const customer = await findCustomer(session.deps, session.actor, command.name);
  const updated = await clearTierOverride(session.deps, session.actor, customer.id);
  return { kind: "view", view: noticeView(session, session.t("book.tier_auto_done", { name: updated.name, tier: tierLabel(session, updated.tier) }), "success") };
};

// ---- contacts ------------------------------------------------------------------------------------

export function contactsView(session: Session, customer: { id: string; name: string }, contacts: ContactEntry[], lead?: string): View {
  const me = session.member.id;
  const items: ListItem[] = contacts.map((c) => ({
    text: [
      `*${c.name}*${c.primary ? ` · ${session.t("book.contacts.primary")}` : ""}${c.title ? ` · ${c.title}` : ""}`,
      [c.phone, c.email].filter(Boolean).join(" / ") || "—",
    ].join("\n"),
    buttons: [
      button(session, "book.contacts.button.edit", "contact.edit", { entityId: c.id, memberId: me }),
      ...(c.primary ? [] : [button(session, "book.contacts.button.primary", "contact.primary", { entityId: c.id, memberId: me })]),
      button(session, "book.contacts.button.remove", "contact.remove", { entityId: c.id, memberId: me }, {
        style: "danger",
        confirm: {
          title: session.t("book.contacts.remove_confirm.title", { name: c.name }),
          text: session.t("book.contacts.remove_confirm.text"),
          confirm: session.t("book.contacts.button.remove"),
          deny: session.t("book.contacts.remove_confirm.no"),
        },
      }),
    ],
  }));
  return {
    header: { title: session.t("book.contacts.title", { name: customer.name }) },
    blocks: [
      ...(lead ? [{ kind: "text" as const, text: lead }] : []),
      { kind: "list", items, emptyText: session.t("book.contacts.none") },
      { kind: "actions", buttons: [button(session, "book.contacts.button.add", "contact.open_add", { entityId: customer.id, memberId: me }, { style: "primary" })] },
    ],
    summary: session.t("book.contacts.title", { name: customer.name }),
    moreTemplate: moreTemplate(session),
  };
}

async function contactsReply(session: Session, customerId: string, lead?: string): Promise<View> {
  const customer = await loadCustomerFor(session.deps.db, session.actor, customerId);
  return contactsView(session, customer, await customerContacts(session.deps, session.actor, customer.id), lead);
}

function contactForm(session: Session, mode: "add" | "edit", entityId: string, title: string, c?: ContactEntry): Form {
  const field = (name: string, label: string, value: string | null | undefined, maxLength: number, required = false) => ({
    name,
    label,
    kind: "text" as const,
    required,
    maxLength,
    ...(value ? { default: value } : {}),
  });
  return defineForm({
    formId: `contact.${mode}`,
    title,
    submitLabel: session.t("book.contacts.submit"),
    fields: [
      field("name", session.t("book.contacts.field.name"), c?.name, 100, true),
      field("title", session.t("book.contacts.field.title"), c?.title, 100),
      field("phone", session.t("book.contacts.field.phone"), c?.phone, 30),
      field("email", session.t("book.contacts.field.email"), c?.email, 200),
    ],
    actionId: `contact.${mode}`,
    payload: button(session, "book.contacts.submit", `contact.${mode}`, { entityId, memberId: session.member.id }).payload,
  });
}

const contactFormSchema = z.object({
  name: z.string().trim().min(1).max(100),
  title: z.string().trim().max(100).optional(),
  phone: z.string().trim().max(30).optional(),
  email: z.string().trim().max(200).optional(),
});

const contactFieldOf = (f: string) => (["name", "title", "phone", "email"].includes(f) ? f : undefined);

export const contactsCommand: CommandHandler<"contacts.list"> = async (session, command) => {
  if (!command.customer) return { kind: "view", view: noticeView(session, session.t("book.contacts.usage"), "warning") };
  const customer = await findCustomer(session.deps, session.actor, command.customer);
  return { kind: "view", view: await contactsReply(session, customer.id) };
};

export const contactAddCommand: CommandHandler<"contact.add"> = async (session, command) => {
  if (!command.customer) return { kind: "view", view: noticeView(session, session.t("book.contacts.usage"), "warning") };
  const customer = await findCustomer(session.deps, session.actor, command.customer);
  if (!command.name) {
    return { kind: "form", form: contactForm(session, "add", customer.id, session.t("book.contacts.add_title", { name: customer.name })) };
  }
  const added = await addContact(session.deps, session.actor, customer.id, {
    name: command.name,
    ...(command.title ? { title: command.title } : {}),
    ...(command.phone ? { phone: command.phone } : {}),
    ...(command.email ? { email: command.email } : {}),
  });
  return { kind: "view", view: await contactsReply(session, customer.id, session.t("book.contacts.added", { name: added.name })) };
};

async function contactByCommand(session: Session, command: { customer?: string; contact?: string }): Promise<ContactEntry | Reply> {
  if (!command.customer || !command.contact) return { kind: "view", view: noticeView(session, session.t("book.contacts.usage"), "warning") };
  const customer = await findCustomer(session.deps, session.actor, command.customer);
  return findContact(session.deps, session.actor, customer.id, { name: command.contact });
}

const isReply = (x: ContactEntry | Reply): x is Reply => "kind" in x;

export const contactEditCommand: CommandHandler<"contact.edit"> = async (session, command) => {
  const c = await contactByCommand(session, command);
  if (isReply(c)) return c;
  return { kind: "form", form: contactForm(session, "edit", c.id, session.t("book.contacts.edit_title", { name: c.name }), c) };
};

export const contactRemoveCommand: CommandHandler<"contact.remove"> = async (session, command) => {
  const c = await contactByCommand(session, command);
  if (isReply(c)) return c;
  const removed = await removeContact(session.deps, session.actor, c.id);
  return { kind: "view", view: await contactsReply(session, removed.customerId, session.t("book.contacts.removed", { name: removed.name })) };
};

export const contactPrimaryCommand: CommandHandler<"contact.primary"> = async (session, command) => {
  const c = await contactByCommand(session, command);
  if (isReply(c)) return c;
  const primary = await setPrimaryContact(session.deps, session.actor, c.id);
  return { kind: "view", view: await contactsReply(session, primary.customerId, session.t("book.contacts.made_primary", { name: primary.name })) };
};

export const openAddContact: ActionHandler = async (session, payload) => {
  const customer = await loadCustomerFor(session.deps.db, session.actor, payload.entityId ?? "");
  return { reply: { kind: "form", form: contactForm(session, "add", customer.id, session.t("book.contacts.add_title", { name: customer.name })) } };
};

async function contactOfPayload(session: Session, contactId: string): Promise<ContactEntry> {
  const row = await session.deps.db.contact.findFirst({ where: { tenantId: session.tenant.id, id: contactId } });
  return findContact(session.deps, session.actor, row?.customerId ?? "", { id: contactId, name: "\u0000" });
}

export const openEditContact: ActionHandler = async (session, payload) => {
  const c = await contactOfPayload(session, payload.entityId ?? "");
  return { reply: { kind: "form", form: contactForm(session, "edit", c.id, session.t("book.contacts.edit_title", { name: c.name }), c) } };
};

export const removeContactAction: ActionHandler = async (session, payload) => {
  const removed = await removeContact(session.deps, session.actor, payload.entityId ?? "");
  return { reply: { kind: "view", view: await contactsReply(session, removed.customerId, session.t("book.contacts.removed", { name: removed.name })) } };
};

export const primaryContactAction: ActionHandler = async (session, payload) => {
  const primary = await setPrimaryContact(session.deps, session.actor, payload.entityId ?? "");
  return { reply: { kind: "view", view: await contactsReply(session, primary.customerId, session.t("book.contacts.made_primary", { name: primary.name })) } };
};

export const submitAddContact: FormHandler = async (session, values, payload) => {
  const customerId = payload.entityId ?? "";
  const form = contactForm(session, "add", customerId, "-");
  const result = validateForm(form, values, contactFormSchema, session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  try {
    const added = await addContact(session.deps, session.actor, customerId, result.data);
    return { reply: { kind: "view", view: await contactsReply(session, customerId, session.t("book.contacts.added", { name: added.name })) } };
  } catch (err) {
    return domainErrorReply(session, err, contactFieldOf);
  }
};

export const submitEditContact: FormHandler = async (session, values, payload) => {
  const form = contactForm(session, "edit", payload.entityId ?? "", "-");
  const result = validateForm(form, values, contactFormSchema, session);
  if (!result.ok) return formErrorsReply(session, result.errors);
  try {
    const updated = await updateContact(session.deps, session.actor, payload.entityId ?? "", result.data);
    return { reply: { kind: "view", view: await contactsReply(session, updated.customerId, session.t("book.contacts.updated", { name: updated.name })) } };
  } catch (err) {
    return domainErrorReply(session, err, contactFieldOf);
  }
};
