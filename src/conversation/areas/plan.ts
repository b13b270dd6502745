// plan / 计划 (the contact plan), visit plan / 拜访 计划, calendar / 日历, admin calendar /
// 管理 日历 and admin region / 管理 区域. The rules live in src/core/plans, src/core/calendar and
// src/core/regions; this turns their results into views.
//
// The plan's buttons reuse the stable contracts of the callbacks and visits areas:
// "callback.done" (entityId = callback id, memberId = the assignee) completes a callback in one
// click, "visit.open_form" (entityId = customer id) opens the visit form prefilled; logging the
// visit completes the planned visit. Buttons appear only on the clicker's own items.
import { z } from "zod";
import { calendarOutlook, setCalendarDay } from "../../core/calendar/store.js";
import type { DayInfo } from "../../core/calendar/calendar.js";
import { requireRoleAtLeast } from "../../core/members/authorization.js";
import { contactPlan, type ContactPlan, type PlanItem, type RegionGroup } from "../../core/plans/plan.js";
import { planVisit } from "../../core/plans/visit-plans.js";
import { addRegion, listRegions, removeRegion, setMemberRegions } from "../../core/regions/regions.js";
import type { DomainError } from "../../core/shared/errors.js";
import type { ConversationArea, IntentRenderer } from "../area.js";
import { button, dateDefault, enumLabel, localDay, localMonth, moreTemplate, noticeView, payloadFor, scheduleDay } from "../builders/common.js";
import { formErrorsReply } from "../builders/forms.js";
import { localDateSchema, nameSchema, textSchema } from "../grammar/index.js";
import type { ActionReply } from "../port.js";
import type { Session } from "../session.js";
import { defineForm, validateForm, type Form } from "../views/form.js";
import type { AmbiguousCustomerError } from "../../core/customers/errors.js";
import type { ListItem, View, ViewBlock } from "../views/view.js";
import { ambiguousIntro, customerField, customerFromCommand, customerOfSubmission, fieldErrorReply } from "./callbacks.js";

/** Items shown per day (and in the overdue list); the rest are counted in "… and N more". */
export const PLAN_ITEMS_PER_DAY = 15;

const nameIn = (session: Session, name: { en: string; zh: string } | null) => (name ? (session.locale === "en" ? name.en : name.zh) : "");

// ---- plan ------------------------------------------------------------------------------------

function itemText(session: Session, item: PlanItem, withDate: boolean, team: boolean): string {
  const reason = item.kind === "callback" ? enumLabel(session, item.reason) : session.t(`enum.reason.visit.${item.reason}`);
  const text =
    (item.text ? ` · ${item.text}` : "") +
    (withDate ? session.t("plan.view.due", { date: scheduleDay(session, item.date) }) : "") +
    (team ? session.t("plan.view.who", { name: item.assigneeName }) : "");
  return session.t(item.kind === "callback" ? "plan.view.callback" : "plan.view.visit", { customer: item.customerName, tier: item.tier, reason, text });
}

function itemButtons(session: Session, item: PlanItem) {
  if (item.assigneeId !== session.member.id) return [];
  return item.kind === "callback"
    ? [button(session, "plan.view.button.done", "callback.done", { entityId: item.id, memberId: item.assigneeId }, { style: "primary" })]
    : [button(session, "plan.view.button.log_visit", "visit.open_form", { entityId: item.customerId, memberId: item.assigneeId }, { style: "primary" })];
}

/** One list per day: its region groups in order, each item led by its region. */
function listItems(session: Session, groups: RegionGroup[], withDate: boolean, team: boolean, total: number): { items: ListItem[]; total: number } {
  const all = groups.flatMap((g) =>
    g.items.map((item) => ({ group: g.region ?? session.t("plan.view.no_region"), item })),
  );
  return {
    total: Math.max(total, all.length),
    items: all.slice(0, PLAN_ITEMS_PER_DAY).map(({ group, item }) => ({
      text: `〔${group}〕 ${itemText(session, item, withDate, team)}`,
      buttons: itemButtons(session, item),
    })),
  };
}

export function planView(session: Session, plan: ContactPlan): View {
  const team = plan.scope === "team";
  const title = session.t("plan.view.title", { from: localDay(session, plan.from), to: localDay(session, plan.to) });
  const blocks: ViewBlock[] = [
    {
      kind: "context",
      lines: [
        session.t(`plan.view.scope.${plan.scope}`) + (plan.region ? ` · ${session.t("plan.view.region", { region: plan.region })}` : ""),
        session.t("plan.view.totals", plan.totals),
      ],
    },
  ];
  if (plan.overdue.length > 0) {
    const { items, total } = listItems(session, plan.overdue, true, team, plan.overdueTotal);
    blocks.push({ kind: "list", title: session.t("plan.view.overdue"), items, totalCount: total });
  }
  for (const day of plan.days) {
    if (day.groups.length === 0) continue;
    const label = day.dayName
      ? session.t("plan.view.day_special", { date: scheduleDay(session, day.date), name: nameIn(session, day.dayName) })
      : day.working
        ? session.t("plan.view.day", { date: scheduleDay(session, day.date) })
        : session.t("plan.view.day_off", { date: scheduleDay(session, day.date) });
    const { items, total } = listItems(session, day.groups, false, team, day.total);
    blocks.push({ kind: "list", title: label, items, totalCount: total });
    const byRegion = new Map<string, string[]>();
    for (const s of day.suggestions) {
      byRegion.set(s.region, [...(byRegion.get(s.region) ?? []), session.t("plan.view.suggest_item", { customer: s.customerName, date: localDay(session, s.plannedOn) })]);
    }
    if (byRegion.size > 0) {
      blocks.push({
        kind: "context",
        lines: [...byRegion.entries()].map(([region, customers]) => session.t("plan.view.suggest", { region, customers: customers.join(session.locale === "en" ? ", " : "、") })),
      });
    }
  }
  if (blocks.length === 1) blocks.push({ kind: "text", text: session.t("plan.view.empty") });
  return { header: { title, tone: plan.totals.overdue > 0 ? "warning" : "info" }, blocks, summary: title, moreTemplate: moreTemplate(session) };
}

// ---- visit plan ------------------------------------------------------------------------------

interface PlanFormPreset {
  customer?: string;
  ambiguous?: AmbiguousCustomerError;
  date?: string;
  purpose?: string;
}

function visitPlanForm(session: Session, preset: PlanFormPreset): Form {
  return defineForm({
    formId: "visit.plan",
    title: session.t("plan.view.form.title"),
    submitLabel: session.t("plan.view.form.submit"),
    ...ambiguousIntro(session, preset.ambiguous),
    fields: [
      customerField(session, session.t("plan.view.field.customer"), preset),
      { name: "date", label: session.t("plan.view.field.date"), kind: "date", required: true, ...dateDefault(session, preset.date) },
      { name: "purpose", label: session.t("plan.view.field.purpose"), kind: "text", required: false, maxLength: 200, ...(preset.purpose ? { default: preset.purpose } : {}) },
    ],
    actionId: "visit.plan",
    payload: payloadFor(session, { memberId: session.member.id }),
  });
}

const visitPlanFormSchema = z.object({ customer: nameSchema, date: localDateSchema, purpose: textSchema.optional() });

function planFieldOf(err: DomainError): string | undefined {
  if (err.code.startsWith("plan.date") || err.code === "plan.invalid_date") return "date";
  if (err.code === "plan.purpose_too_long") return "purpose";
  if (err.code === "plan.customer_not_found" || err.code === "auth.not_yours") return "customer";
  return undefined;
}

async function plannedView(session: Session, customer: { id: string; name: string }, date: string, purpose: string | undefined): Promise<View> {
  const result = await planVisit(session.deps, session.actor, { customerId: customer.id, date, purpose });
  const title = session.t("plan.view.planned_title", { customer: customer.name });
  return {
    header: { title, tone: "success" },
    blocks: [
      {
        kind: "fields",
        fields: [
          { label: session.t("plan.view.planned_on"), value: scheduleDay(session, result.plan.plannedOn) },
          ...(result.plan.purpose ? [{ label: session.t("plan.view.purpose"), value: result.plan.purpose }] : []),
        ],
      },
      ...(result.nonWorkingDay ? [{ kind: "context" as const, lines: [session.t("plan.view.non_working", { date: scheduleDay(session, result.plan.plannedOn) })] }] : []),
    ],
    summary: title,
    moreTemplate: moreTemplate(session),
  };
}

// ---- calendar --------------------------------------------------------------------------------

function dayLine(session: Session, d: DayInfo): string {
  const params = { date: scheduleDay(session, d.date), name: nameIn(session, d.name) || "—" };
  if (d.source === "override") return session.t(d.working ? "calendar.view.override_on" : "calendar.view.override_off", params);
  return session.t(d.source === "makeup" ? "calendar.view.makeup" : "calendar.view.holiday", params);
}

async function calendarView(session: Session, month: string | undefined): Promise<View> {
  const o = await calendarOutlook(session.deps, session.tenant, session.today, month);
  const title = month ? session.t("calendar.view.title_month", { month: localMonth(session, month) }) : session.t("calendar.view.title");
  const days = o.workdays.map((d) => session.t(`weekday.${d}`)).join(session.locale === "en" ? ", " : "、");
  const sourceKey = `calendar.view.source.${o.country}`;
  const source = session.t(sourceKey) === sourceKey ? o.country : session.t(sourceKey);
  const lines = [
    session.t("calendar.view.hours", { days, start: o.workStart, end: o.workEnd, zone: session.tenant.timeZone }),
    session.t("calendar.view.source", { source }),
  ];
  const blocks: ViewBlock[] = [
    { kind: "context", lines },
    {
      kind: "list",
      title: session.t("calendar.view.days", { from: localDay(session, o.from), to: localDay(session, o.to) }),
      items: o.days.map((d) => ({ text: dayLine(session, d) })),
      emptyText: session.t("calendar.view.none"),
    },
  ];
  if (o.uncoveredYears.length > 0) blocks.push({ kind: "text", text: session.t("calendar.view.uncovered", { years: o.uncoveredYears.join(", ") }) });
  if (session.actor.role === "ADMIN") blocks.push({ kind: "context", lines: [session.t("calendar.view.hint")] });
  return { header: { title, tone: o.uncoveredYears.length > 0 ? "warning" : "info" }, blocks, summary: title, moreTemplate: moreTemplate(session) };
}

const yearUncovered: IntentRenderer = async (session, raw) => {
  const parsed = z.object({ year: z.number().int() }).safeParse(raw);
  if (!parsed.success) return null;
  return noticeView(session, session.t("calendar.notify.year_uncovered", { year: parsed.data.year }), "warning", session.t("calendar.view.title"));
};

// ---- regions ---------------------------------------------------------------------------------

async function regionsView(session: Session): Promise<View> {
  const regions = await listRegions(session.deps.db, session.tenant.id);
  const title = session.t("region.view.title");
  return {
    header: { title, tone: "info" },
    blocks: [{ kind: "list", items: regions.map((r) => ({ text: session.t("region.view.item", { name: r.name, customers: r.customers, members: r.members }) })), emptyText: session.t("region.view.empty") }],
    summary: title,
    moreTemplate: moreTemplate(session),
  };
}

const joiner = (session: Session) => (session.locale === "en" ? ", " : "、");

export const planArea: ConversationArea = {
  commands: {
    "plan.show": async (session, command) => {
      const plan = await contactPlan(session.deps, session.actor, { window: command.window, scope: command.scope, region: command.region });
      return { kind: "view", view: planView(session, plan) };
    },

    "visit.plan": async (session, command) => {
      const preset = { ...(command.date ? { date: command.date } : {}), ...(command.purpose ? { purpose: command.purpose } : {}) };
      if (!command.customer) return { kind: "form", form: visitPlanForm(session, preset) };
      const found = await customerFromCommand(session, command.customer);
      if ("ambiguous" in found) return { kind: "form", form: visitPlanForm(session, { ambiguous: found.ambiguous, ...preset }) };
      if (!command.date) return { kind: "form", form: visitPlanForm(session, { customer: found.customer.name, ...preset }) };
      return { kind: "view", view: await plannedView(session, found.customer, command.date, command.purpose) };
    },

    "calendar.show": async (session, command) => ({ kind: "view", view: await calendarView(session, command.month) }),

    "admin.calendar": async (session, command) => {
      requireRoleAtLeast(session.actor, "ADMIN");
      if (!command.date || command.working === undefined) return { kind: "view", view: noticeView(session, session.t("calendar.usage"), "warning") };
      const day = await setCalendarDay(session.deps, session.actor, { date: command.date, working: command.working, name: command.name });
      const name = command.name ? (session.locale === "en" ? ` (${command.name})` : `（${command.name}）`) : "";
      return { kind: "view", view: noticeView(session, session.t(day.working ? "calendar.day_set_on" : "calendar.day_set_off", { date: scheduleDay(session, day.date), name }), "success") };
    },

    "admin.region": async (session, command) => {
      requireRoleAtLeast(session.actor, "ADMIN");
      const usage = { kind: "view" as const, view: noticeView(session, session.t("region.usage"), "warning") };
      switch (command.action) {
        case "list":
          return { kind: "view", view: await regionsView(session) };
        case "add": {
          if (!command.name) return usage;
          const region = await addRegion(session.deps, session.actor, command.name);
          return { kind: "view", view: noticeView(session, session.t("region.added", { name: region.name }), "success") };
        }
        case "remove": {
          if (!command.name) return usage;
          const removed = await removeRegion(session.deps, session.actor, command.name);
          return { kind: "view", view: noticeView(session, session.t("region.removed", removed), "success") };
        }
        case "assign": {
          if (!command.user) return usage;
          const member = await session.memberFor(command.user.platformUserId, command.user.name);
          const regions = await setMemberRegions(session.deps, session.actor, member.id, command.names ?? []);
          const text = regions.length
            ? session.t("region.assigned", { member: member.displayName, regions: regions.join(joiner(session)) })
            : session.t("region.assigned_none", { member: member.displayName });
          return { kind: "view", view: noticeView(session, text, "success") };
        }
      }
    },
  },

  forms: {
    "visit.plan": async (session, values): Promise<ActionReply> => {
      const result = validateForm(visitPlanForm(session, {}), values, visitPlanFormSchema, session);
      if (!result.ok) return formErrorsReply(session, result.errors);
      const picked = await customerOfSubmission(session, result.data.customer);
      if (!picked.ok) return picked.reply;
      try {
        return { reply: { kind: "view", view: await plannedView(session, picked.customer, result.data.date, result.data.purpose) } };
      } catch (err) {
        return fieldErrorReply(session, err, planFieldOf);
      }
    },
  },

  intents: {
    "calendar.year_uncovered": yearUncovered,
  },
};
