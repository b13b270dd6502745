// customer / 客户: the customer card, adding a customer, reassigning, overriding the tier.
import type { Tier } from "@prisma/client";
import { customerCardByName, customerCardOf, getCustomerCard, type CustomerCard } from "../../core/customers/card.js";
import { createCustomer, overrideTier } from "../../core/customers/customers.js";
import { AmbiguousCustomerError } from "../../core/customers/errors.js";
import { findCustomer, findCustomerRowByPrefix } from "../../core/customers/lookup.js";
import type { CustomerRisk } from "../../core/risk/risk.js";
import type { ConversationArea } from "../area.js";
import { button, enumLabel, localDateTime, localDay, money, moreTemplate, noticeView, scheduleDay, tierLabel } from "../builders/common.js";
import { moneyInput } from "../builders/money.js";
import { domainErrorReply, formErrorsReply } from "../builders/forms.js";
import { customerAddFieldsSchema } from "../grammar/index.js";
import type { Reply } from "../port.js";
import type { Session } from "../session.js";
import { customerOfFieldValue, isCustomerIdValue } from "../customer-field.js";
import { defineForm, validateForm, type Form } from "../views/form.js";
import type { ListItem, View } from "../views/view.js";
import { cardRisk, riskLine, withFigures } from "./risk.js";
import { z } from "zod";
import { creditSummaryFor, type CreditStatusView } from "../../core/credit/credit.js";
import { localDateOf } from "../../core/shared/time.js";
import { creditLine } from "../builders/credit.js";

export const CUSTOMER_ENTITY = "Customer";

/** The candidates of an ambiguous name, each a button that opens that customer's card. */
export function ambiguousView(session: Session, err: AmbiguousCustomerError): View {
  return {
    header: { title: session.t("customer.ambiguous_title", { query: err.query }), tone: "warning" },
    blocks: [
      {
        kind: "list",
        items: err.candidates.map((c) => ({
          text: c.name,
          buttons: [button(session, "customer.button.open", "customer.open", { entityId: c.id, memberId: session.member.id })],
        })),
        ...(err.more ? { totalCount: err.candidates.length + 1 } : {}),
        ...(err.candidates.length === 0 ? { emptyText: session.t("customer.none_in_scope") } : {}),
      },
      ...(err.outsideScope > 0 ? [{ kind: "context" as const, lines: [session.t("customer.outside_scope", { count: err.outsideScope })] }] : []),
    ],
    summary: session.t("customer.ambiguous_title", { query: err.query }),
    moreTemplate: moreTemplate(session),
  };
}

/** `risk`: the churn-risk line under the fields; absent or null for a customer that is not scored. */
export function customerCardView(session: Session, card: CustomerCard, risk?: CustomerRisk | null, credit?: CreditStatusView | null): View {
  const fields = [
    { label: session.t("customer.field.owner"), value: card.owner.name },
    { label: session.t("customer.field.status"), value: enumLabel(session, card.status) },
    { label: session.t("customer.field.tier"), value: card.tierOverridden ? session.t("customer.tier_with_override", { tier: tierLabel(session, card.tier), note: session.t("customer.tier_overridden") }) : tierLabel(session, card.tier) },
    { label: session.t("customer.field.annual"), value: money(card.annualPurchaseFen) },
    { label: session.t("customer.field.last_contact"), value: card.lastContactOn ? localDay(session, card.lastContactOn) : session.t("customer.never") },
    ...(card.industry ? [{ label: session.t("customer.field.industry"), value: card.industry }] : []),
    ...(card.region ? [{ label: session.t("customer.field.region"), value: card.region }] : []),
  ];
  const callbackItems: ListItem[] = card.openCallbacks.next.map((cb) => ({
    text: `${cb.overdue ? "⚠ " : ""}${scheduleDay(session, cb.dueOn)} · ${enumLabel(session, cb.reason)}`,
  }));
  const visitItems: ListItem[] = card.recentVisits.map((v) => ({
    text: `${localDateTime(session, v.occurredAt)} · ${enumLabel(session, v.kind)} · ${v.visitorName ?? ""}\n${v.summary}`,
  }));
  const latest = card.complaints.latestOpen;
  return {
    header: {
      title: card.name,
      tag: { text: card.tier, tone: card.tier === "VIP" ? "warning" : "neutral" },
      ...(card.tierOverrideReason ? { subtitle: session.t("customer.override_reason", { reason: card.tierOverrideReason }) } : {}),
    },
    blocks: [
      { kind: "fields", fields },
      ...(risk ? [{ kind: "text" as const, text: riskLine(session, risk) }] : []),
      ...(credit ? [{ kind: "text" as const, text: creditLine(session, credit) }] : []),
      {
        kind: "list",
        title: session.t("customer.section.callbacks", { count: card.openCallbacks.total }),
        items: callbackItems,
        totalCount: card.openCallbacks.total,
        emptyText: session.t("customer.none"),
      },
      {
        kind: "text",
        text: latest
          ? session.t("customer.complaints_open", {
              count: card.complaints.openCount,
              number: latest.number,
              severity: enumLabel(session, latest.severity),
              status: enumLabel(session, latest.status),
            })
          : session.t("customer.complaints_none"),
      },
      { kind: "list", title: session.t("customer.section.visits"), items: visitItems, emptyText: session.t("customer.none") },
      ...(card.contacts.length > 0
        ? [
            {
              kind: "fields" as const,
              fields: card.contacts.slice(0, 5).map((c) => ({
                label: [c.name, c.title].filter(Boolean).join(" · "),
                value: [c.phone, c.email].filter(Boolean).join(" / ") || "—",
              })),
            },
          ]
        : []),
      {
        kind: "actions",
        buttons: [
          button(session, "customer.button.log_visit", "visit.open_form", { entityId: card.id, memberId: session.member.id }, { style: "primary" }),
          button(session, "customer.button.schedule_callback", "callback.open_form", { entityId: card.id, memberId: session.member.id }),
          button(session, "customer.button.complaint", "complaint.open_form", { entityId: card.id, memberId: session.member.id }),
        ],
      },
    ],
    summary: `${card.name} · ${card.tier} · ${card.owner.name}`,
    moreTemplate: moreTemplate(session),
  };
}

/** The card's credit line (信用), when the customer has any credit to show. */
function cardCredit(session: Session, customerId: string): Promise<CreditStatusView | null> {
  return creditSummaryFor(session.deps.db, session.tenant.id, customerId, localDateOf(session.now, session.tenant.timeZone));
}

async function showCustomer(session: Session, name: string): Promise<Reply> {
  try {
    const exact = await customerCardByName(session.deps, session.actor, session.tenant, name);
    if (exact) {
      const [risk, credit] = await Promise.all([withFigures(session, exact.card.id, exact.risk), cardCredit(session, exact.card.id)]);
      return { kind: "view", view: customerCardView(session, exact.card, risk, credit) };
    }
    const customer = await findCustomerRowByPrefix(session.deps, session.actor, name);
    // The card and its risk line are independent reads: side by side.
    const [card, risk, credit] = await Promise.all([
      customerCardOf(session.deps, session.tenant.timeZone, customer),
      cardRisk(session, customer.id, { tenant: session.tenant, customer }),
      cardCredit(session, customer.id),
    ]);
    return { kind: "view", view: customerCardView(session, card, risk, credit) };
  } catch (err) {
    if (err instanceof AmbiguousCustomerError) return { kind: "view", view: ambiguousView(session, err) };
    throw err;
  }
}

const lookupFormSchema = z.object({ name: z.string().trim().min(1).max(200) });

export function lookupForm(session: Session): Form {
  return defineForm({
    formId: "customer.lookup",
    title: session.t("customer.form.lookup_title"),
    submitLabel: session.t("customer.form.lookup_submit"),
    fields: [{ name: "name", label: session.t("customer.field.name"), kind: "customer", required: true }],
    actionId: "customer.lookup",
    payload: button(session, "customer.form.lookup_submit", "customer.lookup", { memberId: session.member.id }).payload,
  });
}

export function addForm(session: Session, defaults: { name?: string; tier?: Tier; annualYuan?: string }): Form {
  return defineForm({
    formId: "customer.add",
    title: session.t("customer.form.add_title"),
    submitLabel: session.t("customer.form.add_submit"),
    fields: [
      { name: "name", label: session.t("customer.field.name"), kind: "text", required: true, maxLength: 200, ...(defaults.name ? { default: defaults.name } : {}) },
      {
        name: "tier",
        label: session.t("customer.field.tier"),
        kind: "select",
        required: false,
        options: (["VIP", "A", "B", "C"] as const).map((tier) => ({ value: tier, label: tierLabel(session, tier) })),
        ...(defaults.tier ? { default: defaults.tier } : {}),
        hint: session.t("customer.form.tier_hint"),
      },
      { name: "annual", label: session.t("customer.field.annual"), kind: "amount", required: false, ...(defaults.annualYuan ? { default: defaults.annualYuan } : {}) },
      { name: "industry", label: session.t("customer.field.industry"), kind: "text", required: false, maxLength: 100 },
      { name: "region", label: session.t("customer.field.region"), kind: "text", required: false, maxLength: 100 },
    ],
    actionId: "customer.add",
    payload: button(session, "customer.form.add_submit", "customer.add", { memberId: session.member.id }).payload,
  });
}

const addFormSchema = z.object({
  name: z.string().trim().min(1).max(200),
  tier: z.enum(["VIP", "A", "B", "C"]).optional(),
  annual: z.string().optional(),
  industry: z.string().trim().max(100).optional(),
  region: z.string().trim().max(100).optional(),
});

async function addCustomer(
  session: Session,
  input: { name: string; tier?: Tier; annualPurchaseFen?: bigint; ownerPlatformUserId?: string; ownerName?: string; industry?: string; region?: string },
): Promise<View> {
  const owner = input.ownerPlatformUserId ? await session.memberFor(input.ownerPlatformUserId, input.ownerName) : undefined;
  const created = await createCustomer(session.deps, session.actor, {
    name: input.name,
    ...(owner ? { ownerId: owner.id } : {}),
    ...(input.tier ? { tier: input.tier } : {}),
    ...(input.annualPurchaseFen !== undefined ? { annualPurchaseFen: input.annualPurchaseFen } : {}),
    ...(input.industry ? { industry: input.industry } : {}),
    ...(input.region ? { region: input.region } : {}),
  });
  const card = await getCustomerCard(session.deps, session.actor, created.id);
  const view = customerCardView(session, card, await cardRisk(session, card.id));
  return { ...view, blocks: [{ kind: "text", text: session.t("customer.created", { name: created.name }) }, ...view.blocks] };
}


export const customersArea: ConversationArea = {
  commands: {
    "customer.show": async (session, command) =>
      command.name ? showCustomer(session, command.name) : { kind: "form", form: lookupForm(session) },

    "customer.add": async (session, command) => {
      const parsed = customerAddFieldsSchema.safeParse(command);
      if (!parsed.success || !command.name) {
        return {
          kind: "form",
          form: addForm(session, {
            ...(command.name ? { name: command.name } : {}),
            ...(command.tier ? { tier: command.tier } : {}),
            ...(command.annualFen !== undefined ? { annualYuan: moneyInput(command.annualFen) } : {}),
          }),
        };
      }
      return {
        kind: "view",
        view: await addCustomer(session, {
          name: command.name,
          ...(command.tier ? { tier: command.tier } : {}),
          ...(command.annualFen !== undefined ? { annualPurchaseFen: command.annualFen } : {}),
          ...(command.owner ? { ownerPlatformUserId: command.owner.platformUserId, ...(command.owner.name ? { ownerName: command.owner.name } : {}) } : {}),
        }),
      };
    },

    "customer.tier": async (session, command) => {
      if (!command.name || !command.tier || !command.reason) {
        return { kind: "view", view: noticeView(session, session.t("customer.tier_usage"), "warning") };
      }
      const customer = await findCustomer(session.deps, session.actor, command.name);
      const updated = await overrideTier(session.deps, session.actor, customer.id, command.tier, command.reason);
      return {
        kind: "view",
        view: noticeView(session, session.t("customer.tier_set", { name: updated.name, tier: tierLabel(session, updated.tier) }), "success"),
      };
    },
  },

  actions: {
    "customer.open": async (session, payload) => {
      const card = await getCustomerCard(session.deps, session.actor, payload.entityId ?? "");
      return { reply: { kind: "view", view: customerCardView(session, card, await cardRisk(session, card.id)) } };
    },
  },

  forms: {
    "customer.lookup": async (session, values) => {
      const form = lookupForm(session);
      const result = validateForm(form, values, lookupFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      try {
        // A picker gives the customer's id; its name then finds exactly that customer.
        const typed = result.data.name;
        const name = isCustomerIdValue(typed) ? (await customerOfFieldValue(session, typed)).name : typed;
        return { reply: await showCustomer(session, name) };
      } catch (err) {
        return domainErrorReply(session, err, () => "name");
      }
    },
    "customer.add": async (session, values) => {
      const form = addForm(session, {});
      const result = validateForm(form, values, addFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      try {
        const { yuanToFen } = await import("../../core/shared/money.js");
        const view = await addCustomer(session, {
          name: result.data.name,
          ...(result.data.tier ? { tier: result.data.tier } : {}),
          ...(result.data.annual ? { annualPurchaseFen: yuanToFen(result.data.annual) } : {}),
          ...(result.data.industry ? { industry: result.data.industry } : {}),
          ...(result.data.region ? { region: result.data.region } : {}),
        });
        return { reply: { kind: "view", view } };
      } catch (err) {
        return domainErrorReply(session, err, (f) => (f === "annualPurchaseFen" ? "annual" : f === "name" || f === "region" ? f : undefined));
      }
    },
  },

  cards: {
    [CUSTOMER_ENTITY]: async (session, entityId) => {
      const card = await getCustomerCard(session.deps, session.actor, entityId);
      return customerCardView(session, card, await cardRisk(session, card.id));
    },
  },
};
