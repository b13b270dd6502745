// A customer's contacts: add, find by name, edit, remove, and the one primary contact the card
// shows first. Audit rows keep masked phone and e-mail, never a second copy of personal data.
import type { Contact } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { NotFoundError } from "../shared/errors.js";
import { loadCustomerFor } from "./lookup.js";
import { maskEmail, maskPhone, normalizeName } from "./rules.js";
import { contactSchema, parseCustomerInput } from "./schemas.js";

export interface ContactView {
  id: string;
  customerId: string;
  name: string;
  title: string | null;
  phone: string | null;
  email: string | null;
}

export interface ContactEntry extends ContactView {
  primary: boolean;
}

function toEntry(c: Contact): ContactEntry {
  return { id: c.id, customerId: c.customerId, name: c.name, title: c.title, phone: c.phone, email: c.email, primary: c.primary };
}

function masked(c: Pick<Contact, "name" | "title" | "phone" | "email" | "primary">) {
  return { name: c.name, title: c.title, phone: c.phone === null ? null : maskPhone(c.phone), email: c.email === null ? null : maskEmail(c.email), primary: c.primary };
}

function audit(tx: Tx, actor: Actor, action: string, customerId: string, before: unknown, after: unknown) {
  return recordAudit(tx, { tenantId: actor.tenantId, actorId: actor.memberId, platform: actor.platform, action, entityType: "Customer", entityId: customerId, before, after });
}

export async function addContact(deps: CoreDeps, actor: Actor, customerId: string, input: unknown): Promise<ContactEntry> {
  const data = parseCustomerInput(contactSchema, input);
  return inTransaction(deps, async (tx) => {
    const customer = await loadCustomerFor(tx, actor, customerId);
    // The first contact of a customer is its primary contact until someone picks another.
    const hasPrimary = await tx.contact.findFirst({ where: { tenantId: actor.tenantId, customerId: customer.id, primary: true }, select: { id: true } });
    const created = await tx.contact.create({
      data: {
        tenantId: actor.tenantId,
        customerId: customer.id,
        primary: hasPrimary === null,
        name: data.name,
        title: data.title ?? null,
        phone: data.phone ?? null,
        email: data.email ?? null,
      },
    });
    // The audit trail records that a contact was added, not a second copy of personal data.
    await audit(tx, actor, "customer.contact_added", customer.id, undefined, { contactId: created.id, ...masked(created) });
    return toEntry(created);
  });
}

/** The contacts of a customer the actor may see: primary first, then oldest first. */
export async function customerContacts(deps: CoreDeps, actor: Actor, customerId: string): Promise<ContactEntry[]> {
  const customer = await loadCustomerFor(deps.db, actor, customerId);
  const rows = await deps.db.contact.findMany({
    where: { tenantId: actor.tenantId, customerId: customer.id },
    orderBy: [{ primary: "desc" }, { createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toEntry);
}

/** A contact of the customer by id, or by name as typed (case-insensitive; a unique beginning will do). */
export async function findContact(deps: CoreDeps, actor: Actor, customerId: string, ref: { id?: string; name?: string }): Promise<ContactEntry> {
  const contacts = await customerContacts(deps, actor, customerId);
  if (ref.id) {
    const byId = contacts.find((c) => c.id === ref.id);
    if (byId) return byId;
  }
  const key = normalizeName(ref.name ?? "");
  const exact = contacts.filter((c) => normalizeName(c.name) === key);
  const found = exact.length === 1 ? exact : contacts.filter((c) => key !== "" && normalizeName(c.name).startsWith(key));
  if (found.length !== 1) throw new NotFoundError("contact.not_found", { name: ref.name ?? "" });
  return found[0]!;
}

async function loadContact(tx: Tx, actor: Actor, contactId: string): Promise<Contact> {
  const contact = await tx.contact.findFirst({ where: { tenantId: actor.tenantId, id: contactId } });
  if (!contact) throw new NotFoundError("contact.not_found", { name: contactId });
  await loadCustomerFor(tx, actor, contact.customerId);
  return contact;
}

export async function updateContact(deps: CoreDeps, actor: Actor, contactId: string, input: unknown): Promise<ContactEntry> {
  const data = parseCustomerInput(contactSchema, input);
  return inTransaction(deps, async (tx) => {
    const before = await loadContact(tx, actor, contactId);
    const after = await tx.contact.update({
      where: { id: before.id },
      data: { name: data.name, title: data.title ?? null, phone: data.phone ?? null, email: data.email ?? null },
    });
    await audit(tx, actor, "customer.contact_updated", before.customerId, { contactId: before.id, ...masked(before) }, { contactId: after.id, ...masked(after) });
    return toEntry(after);
  });
}

export async function removeContact(deps: CoreDeps, actor: Actor, contactId: string): Promise<ContactEntry> {
  return inTransaction(deps, async (tx) => {
    const before = await loadContact(tx, actor, contactId);
    await tx.contact.delete({ where: { id: before.id } });
    await audit(tx, actor, "customer.contact_removed", before.customerId, { contactId: before.id, ...masked(before) }, undefined);
    return toEntry(before);
  });
}

/** Makes one contact the customer's primary contact (and no other). */
export async function setPrimaryContact(deps: CoreDeps, actor: Actor, contactId: string): Promise<ContactEntry> {
  return inTransaction(deps, async (tx) => {
    const contact = await loadContact(tx, actor, contactId);
    const previous = await tx.contact.findFirst({ where: { tenantId: actor.tenantId, customerId: contact.customerId, primary: true } });
    if (previous?.id === contact.id) return toEntry(contact);
    await tx.contact.updateMany({ where: { tenantId: actor.tenantId, customerId: contact.customerId, primary: true }, data: { primary: false } });
    const after = await tx.contact.update({ where: { id: contact.id }, data: { primary: true } });
    await audit(tx, actor, "customer.primary_contact_set", contact.customerId, { contactId: previous?.id ?? null, name: previous?.name ?? null }, { contactId: after.id, name: after.name });
    return toEntry(after);
  });
}
