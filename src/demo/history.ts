// The demo department's last few weeks of finished work: callbacks completed with outcomes and
// satisfaction scores (some late, some unanswered), complaints acknowledged and resolved,
// hospitality approved and settled, and a satisfaction survey mostly answered — so `report`,
// the KPIs, survey results and sales figures are realistic and never all 0%.
import type { Customer } from "@prisma/client";
import { completeCallback, scheduleCallback } from "../core/callbacks/callbacks.js";
import { acknowledgeComplaint, registerComplaint, resolveComplaint } from "../core/complaints/complaints.js";
import { decideApproval } from "../core/hospitality/approvals.js";
import { requestHospitality, settleHospitality } from "../core/hospitality/hospitality.js";
import type { Actor, CoreDeps } from "../core/shared/context.js";
import { addDays, type LocalDate } from "../core/shared/time.js";
import { recordSurveyResult, startSurvey } from "../core/surveys/surveys.js";
import type { ShiftedClock } from "./clock.js";
import type { DemoText } from "./text.js";

export interface HistoryContext {
  deps: CoreDeps;
  clock: ShiftedClock;
  actor: (key: string) => Actor;
  ownerKey: (ownerId: string) => string;
  /** Every demo customer, by name. */
  customers: readonly Customer[];
  today: LocalDate;
  text: DemoText;
}

const RESULTS = ["REACHED", "REACHED", "REACHED", "CALL_LATER", "REACHED", "NO_ANSWER"] as const;
const SCORES = [5, 4, 4, 3, 5, 4, 5] as const;

export async function addHistory(ctx: HistoryContext): Promise<void> {
  await completedCallbacks(ctx);
  await resolvedComplaints(ctx);
  await settledHospitality(ctx);
  await answeredSurvey(ctx);
}

/** 48 callbacks due over the last four weeks, done on the day or a day late. */
async function completedCallbacks({ deps, clock, actor, ownerKey, customers, today, text }: HistoryContext): Promise<void> {
  const past: CoreDeps = { db: deps.db, clock };
  // The first 45 customers of tier VIP–B carry today's open callbacks (seed.ts).
  const targets = customers.filter((c) => c.tier !== "C").slice(45, 93);
  for (const [k, c] of targets.entries()) {
    const owner = actor(ownerKey(c.ownerId));
    const dueDaysAgo = 1 + ((k * 7) % 27);
    clock.at(dueDaysAgo + 4);
    const scheduled = await scheduleCallback(past, owner, {
      customerId: c.id,
      dueOn: addDays(today, -dueDaysAgo),
      note: text.callbackNotes[k % text.callbackNotes.length]!,
    });
    clock.at(k % 5 === 0 ? Math.max(0, dueDaysAgo - 1) : dueDaysAgo, 15);
    const result = RESULTS[k % RESULTS.length]!;
    const outcome = result === "NO_ANSWER" ? text.callbackOutcomes[4]! : result === "CALL_LATER" ? text.callbackOutcomes[3]! : text.callbackOutcomes[k % 3]!;
    await completeCallback(past, owner, {
      callbackId: scheduled.id,
      result,
      outcome,
      ...(result === "REACHED" ? { satisfaction: SCORES[k % SCORES.length]! } : {}),
    });
  }
}

/** Six complaints of the last four weeks, each acknowledged within hours and resolved in days. */
async function resolvedComplaints({ deps, clock, actor, ownerKey, customers, text }: HistoryContext): Promise<void> {
  const past: CoreDeps = { db: deps.db, clock };
  const specs = [
    { i: 77, severity: "HIGH", category: "DELIVERY", daysAgo: 25, days: 2 },
    { i: 89, severity: "MEDIUM", category: "PRODUCT", daysAgo: 20, days: 3 },
    { i: 101, severity: "LOW", category: "BILLING", daysAgo: 16, days: 1 },
    { i: 113, severity: "MEDIUM", category: "SERVICE", daysAgo: 12, days: 2 },
    { i: 125, severity: "HIGH", category: "DELIVERY", daysAgo: 8, days: 1 },
    { i: 137, severity: "CRITICAL", category: "PRODUCT", daysAgo: 5, days: 1 },
  ] as const;
  for (const [k, spec] of specs.entries()) {
    const c = customers[spec.i]!;
    const owner = actor(ownerKey(c.ownerId));
    clock.at(spec.daysAgo, 9);
    const complaint = await registerComplaint(past, owner, {
      customerId: c.id,
      severity: spec.severity,
      category: spec.category,
      description: text.complaints[6 + k]!,
    });
    clock.at(spec.daysAgo, 11);
    await acknowledgeComplaint(past, owner, { complaintId: complaint.id });
    clock.at(spec.daysAgo - spec.days, 16);
    await resolveComplaint(past, owner, { complaintId: complaint.id, resolution: text.resolutions[k % text.resolutions.length]! });
  }
}

/** Four meals and gifts of the last weeks: approved by the supervisor, then settled. */
async function settledHospitality({ deps, clock, actor, ownerKey, customers, today, text }: HistoryContext): Promise<void> {
  const past: CoreDeps = { db: deps.db, clock };
  const buying = customers.filter((c) => c.tier === "VIP" || c.tier === "A");
  const specs = [
    { c: buying[4]!, daysAgo: 26, amount: 1_500_00n, actual: 1_420_00n, guests: 4, staff: 2, kind: "MEAL" },
    { c: buying[5]!, daysAgo: 19, amount: 1_800_00n, actual: 1_850_00n, guests: 5, staff: 2, kind: "MEAL" },
    { c: buying[6]!, daysAgo: 12, amount: 900_00n, actual: 880_00n, guests: 1, staff: 0, kind: "GIFT" },
    { c: buying[7]!, daysAgo: 9, amount: 1_200_00n, actual: 1_150_00n, guests: 3, staff: 1, kind: "MEAL" },
  ] as const;
  for (const spec of specs) {
    const requester = ownerKey(spec.c.ownerId);
    clock.at(spec.daysAgo);
    let request = await requestHospitality(past, actor(requester), {
      customerId: spec.c.id,
      eventDate: addDays(today, -(spec.daysAgo - 3)),
      kind: spec.kind,
      guests: spec.guests,
      staff: spec.staff,
      estimatedFen: spec.amount,
      venue: spec.kind === "GIFT" ? undefined : text.venue,
      purpose: spec.kind === "GIFT" ? text.giftPurpose : text.hospitalityPurpose,
    });
    clock.at(spec.daysAgo - 1);
    while (request.status === "PENDING") {
      const step = request.steps.find((s) => s.status === "PENDING")!;
      request = await decideApproval(past, actor(ownerKey(step.approver.id)), { requestId: request.id, decision: "APPROVE" });
    }
    clock.at(spec.daysAgo - 4, 18);
    await settleHospitality(past, actor(requester), { requestId: request.id, actualFen: spec.actual });
  }
}

/** A survey of the VIP customers three weeks ago, three in four answered (kept small: the seed runs on first start). */
async function answeredSurvey({ deps, clock, actor, ownerKey, text }: HistoryContext): Promise<void> {
  const past: CoreDeps = { db: deps.db, clock };
  clock.at(21);
  // No dimensions: the usual three in the demo department's language.
  const survey = await startSurvey(past, actor("wang"), { name: text.surveyName, tiers: ["VIP"] });
  const dimensions = survey.dimensions;
  const tasks = await deps.db.surveyTask.findMany({ where: { surveyId: survey.surveyId }, orderBy: { id: "asc" } });
  for (const [j, task] of tasks.entries()) {
    if (j % 4 === 3) continue;
    clock.at(20 - (j % 14), 14);
    await recordSurveyResult(past, actor(ownerKey(task.assigneeId)), {
      taskId: task.id,
      scores: Object.fromEntries(dimensions.map((d, x) => [d, 3 + ((j + x) % 3)])),
      nps: 6 + (j % 5),
      ...(j % 3 === 0 ? { comment: text.surveyComments[j % text.surveyComments.length]! } : {}),
    });
  }
}
