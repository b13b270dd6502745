// survey / 调查: my survey tasks with a Record button each, starting a campaign, its results, and
// the supervisor's low-score alert (intent "survey.low_score").
//
// Button contract: "survey.record" entityId = survey task id, memberId = the account manager:
// opens the answer form (one 1–5 select per dimension, named d0, d1, … in the survey's order;
// nps 0–10; comment; followUp callback|complaint).
import { isDomainError } from "../../core/shared/errors.js";
import { mentionOf } from "../mention.js";
import {
  mySurveyTasks,
  recordSurveyResult,
  startSurvey,
  surveyResults,
  surveyTask,
  type ScoreSummary,
  type SurveyResults,
  type SurveyTaskView,
} from "../../core/surveys/surveys.js";
import type { ConversationArea } from "../area.js";
import { button, errorText, moreTemplate, noticeView, payloadFor, tierLabel } from "../builders/common.js";
import type { ActionReply } from "../port.js";
import type { Session } from "../session.js";
import { defineForm, type Form } from "../views/form.js";
import type { ListItem, View, ViewBlock } from "../views/view.js";

const LIST_LIMIT = 20;

function tasksView(session: Session, tasks: readonly SurveyTaskView[]): View {
  const items: ListItem[] = tasks.slice(0, LIST_LIMIT).map((t) => ({
    text: `*${t.customerName}* · ${tierLabel(session, t.tier)}\n${session.t("survey.view.task_line", { survey: t.surveyName, dimensions: t.dimensions.join(session.t("survey.dimension_separator")) })}`,
    buttons: [button(session, "survey.view.button.record", "survey.record", { entityId: t.id, memberId: t.assigneeId }, { style: "primary" })],
  }));
  const title = session.t("survey.view.list_title", { count: tasks.length });
  return {
    header: { title },
    blocks: [{ kind: "list", items, ...(tasks.length > LIST_LIMIT ? { totalCount: tasks.length } : {}), emptyText: session.t("survey.view.list_empty") }],
    summary: title,
    moreTemplate: moreTemplate(session),
  };
}

function recordForm(session: Session, task: SurveyTaskView): Form {
  const scores = [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: session.t(`callback.view.satisfaction.${n}`) }));
  return defineForm({
    formId: "survey.record",
    title: session.t("survey.view.form_title"),
    submitLabel: session.t("survey.view.form_submit"),
    intro: session.t("survey.view.form_intro", { customer: task.customerName, survey: task.surveyName }),
    fields: [
      ...task.dimensions.map((d, i) => ({ name: `d${i}`, label: d, kind: "select" as const, required: true, options: scores })),
      { name: "nps", label: session.t("survey.view.field.nps"), kind: "number", required: false },
      { name: "comment", label: session.t("survey.view.field.comment"), kind: "textarea", required: false, maxLength: 1000 },
      {
        name: "followUp",
        label: session.t("survey.view.field.follow_up"),
        kind: "select",
        required: false,
        options: [
          { value: "callback", label: session.t("survey.view.follow_up.callback") },
          { value: "complaint", label: session.t("survey.view.follow_up.complaint") },
        ],
      },
    ],
    actionId: "survey.record",
    payload: payloadFor(session, { entityId: task.id, memberId: session.member.id }),
  });
}

function summaryLine(session: Session, dimensions: readonly string[], s: ScoreSummary): string {
  if (s.responses === 0) return session.t("survey.view.no_responses");
  const dims = dimensions.map((d) => `${d} ${s.byDimension[d] ?? "—"}`).join(" · ");
  return session.t("survey.view.summary", {
    dims,
    responses: s.responses,
    low: s.low,
    nps: s.nps === null ? session.t("kpi.no_data") : String(s.nps),
  });
}

export function resultsView(session: Session, r: SurveyResults): View {
  const title = session.t("survey.view.results_title", { name: r.name });
  const subtitle = session.t("survey.view.results_subtitle", { responses: r.total.responses, tasks: r.tasks });
  const blocks: ViewBlock[] = [
    { kind: "fields", fields: r.dimensions.map((d) => ({ label: d, value: String(r.total.byDimension[d] ?? "—") })) },
    { kind: "text", text: summaryLine(session, r.dimensions, r.total) },
  ];
  if (r.byTier.length > 0) {
    blocks.push({
      kind: "list",
      title: session.t("survey.view.by_tier"),
      items: r.byTier.map((x) => ({ text: `*${tierLabel(session, x.tier)}*\n${summaryLine(session, r.dimensions, x.summary)}` })),
    });
  }
  blocks.push({
    kind: "list",
    title: session.t("survey.view.by_team"),
    items: r.byTeam.map((x) => ({
      text: `*${x.leadName ? session.t("kpi.team", { name: x.leadName }) : session.t("report.view.label.others")}*\n${summaryLine(session, r.dimensions, x.summary)}`,
    })),
  });
  return { header: { title, subtitle }, blocks, summary: `${title} · ${subtitle}`, moreTemplate: moreTemplate(session) };
}

async function nameOf(session: Session, table: "member" | "customer", id: string): Promise<string> {
  if (table === "member") {
    const m = await session.deps.db.member.findFirst({ where: { id, tenantId: session.tenant.id }, select: { displayName: true } });
    return m?.displayName ?? "";
  }
  const c = await session.deps.db.customer.findFirst({ where: { id, tenantId: session.tenant.id }, select: { name: true } });
  return c?.name ?? "";
}

export const surveysArea: ConversationArea = {
  commands: {
    "survey.list": async (session) => ({ kind: "view", view: tasksView(session, await mySurveyTasks(session.deps, session.actor)) }),
    "survey.start": async (session, command) => {
      const started = await startSurvey(session.deps, session.actor, {
        name: command.name,
        tiers: command.tiers,
        regions: command.regions,
        // Without dimensions, the core gives the usual three in the department's language.
        dimensions: command.dimensions,
      });
      const text = session.t("survey.view.started", {
        name: started.name,
        tasks: started.tasks,
        managers: started.byAssignee.size,
        dimensions: started.dimensions.join(session.t("survey.dimension_separator")),
      });
      return { kind: "view", view: noticeView(session, text, "success") };
    },
    "survey.results": async (session, command) => ({ kind: "view", view: resultsView(session, await surveyResults(session.deps, session.actor, command.name)) }),
  },

  actions: {
    "survey.record": async (session, payload) => {
      const task = await surveyTask(session.deps, session.actor, payload.entityId ?? "");
      if (task.status !== "PENDING") return { reply: { kind: "view", view: noticeView(session, session.t("survey.already_recorded"), "warning") } };
      return { reply: { kind: "form", form: recordForm(session, task) } };
    },
  },

  forms: {
    "survey.record": async (session, values, payload): Promise<ActionReply> => {
      const task = await surveyTask(session.deps, session.actor, payload.entityId ?? "");
      const scores: Record<string, string> = {};
      const missing: Record<string, string> = {};
      task.dimensions.forEach((d, i) => {
        const v = values[`d${i}`]?.trim();
        if (v) scores[d] = v;
        else missing[`d${i}`] = session.t("form.required");
      });
      if (Object.keys(missing).length > 0) return { reply: { kind: "form_errors", errors: missing } };
      try {
        const result = await recordSurveyResult(session.deps, session.actor, {
          taskId: task.id,
          scores,
          ...(values.nps?.trim() ? { nps: values.nps.trim() } : {}),
          ...(values.comment?.trim() ? { comment: values.comment } : {}),
          ...(values.followUp === "complaint" ? { followUp: "complaint" } : {}),
        });
        const text = result.low
          ? session.t(result.followUpComplaintId ? "survey.view.recorded_low_complaint" : "survey.view.recorded_low", {
              customer: task.customerName,
              dimension: result.lowestDimension,
              score: result.minScore,
            })
          : session.t("survey.view.recorded", { customer: task.customerName, average: result.avgScore });
        return { reply: { kind: "view", view: noticeView(session, text, result.low ? "warning" : "success") } };
      } catch (err) {
        if (!isDomainError(err)) throw err;
        const field =
          err.code === "survey.invalid_nps" ? "nps" : err.code === "survey.comment_too_long" ? "comment" : err.code === "survey.invalid_score" ? `d${task.dimensions.indexOf(String(err.params.dimension))}` : undefined;
        if (!field) throw err;
        return { reply: { kind: "form_errors", errors: { [field]: errorText(session, err) } } };
      }
    },
  },

  intents: {
    "survey.low_score": async (session, intent) => {
      const customer = await nameOf(session, "customer", String(intent.customerId));
      const managerName = await nameOf(session, "member", String(intent.assigneeId));
      // The account manager as a mention: the one who follows the low score up.
      const manager = managerName === "" ? managerName : await mentionOf(session, { id: String(intent.assigneeId), name: managerName });
      const text = session.t("survey.view.low_score_alert", {
        customer,
        manager,
        dimension: String(intent.dimension),
        score: Number(intent.score),
      });
      return noticeView(session, text, "warning", session.t("survey.view.low_score_title"));
    },
  },
};
