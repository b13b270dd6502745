// Satisfaction campaigns (满意度调查): a supervisor or the department head starts a survey over
// a scope (tiers, regions); every customer in it gets one survey task for its account manager.
// Recording a result scores each dimension 1..5 (optional NPS and comment); a score at or below
// the survey's threshold alerts the manager's supervisor and opens a follow-up callback (or a
// complaint, by choice). Results roll up by dimension, tier and team; the latest response is the
// churn score's satisfaction signal (risk.ts).
import type { Tier } from "@prisma/client";
import { z } from "zod";
import { recordAudit } from "../audit/audit.js";
import { effectiveTier } from "../callbacks/cadence.js";
import { registerComplaint } from "../complaints/complaints.js";
import { normalizeName } from "../customers/rules.js";
import { loadTeams } from "../digests/teams.js";
import { requireCanActFor, requireRoleAtLeast, visibleMemberIds } from "../members/authorization.js";
import { enqueueNotifications } from "../outbox/outbox.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { ConflictError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import { addDays, localDateOf, toDateColumn } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import {
  checkNps,
  DEFAULT_ALERT_AT_OR_BELOW,
  defaultDimensions,
  isLowScore,
  lowScoreNote,
  MAX_DIMENSIONS,
  netPromoterScore,
  scoreResponse,
} from "./rules.js";

const TIERS = ["VIP", "A", "B", "C"] as const;

export const startSurveySchema = z.object({
  name: z.string({ error: "survey.name_required" }).trim().min(1, { error: "survey.name_required" }).max(100, { error: "survey.name_too_long" }),
  tiers: z.array(z.enum(TIERS, { error: "survey.invalid_tier" })).default([]),
  regions: z.array(z.string().trim().min(1).max(100)).default([]),
  dimensions: z.array(z.string().trim().min(1).max(30, { error: "survey.dimension_too_long" })).max(MAX_DIMENSIONS, { error: "survey.too_many_dimensions" }).default([]),
  alertAtOrBelow: z.number().int().min(1).max(4).optional(),
});
export type StartSurveyInput = z.input<typeof startSurveySchema>;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const code = issue && /^survey\.[a-z_]+$/.test(issue.message) ? issue.message : "survey.invalid_input";
  throw new InvalidInputError(code, { field: issue?.path.map(String).join(".") || "input" });
}

export interface SurveyStarted {
  surveyId: string;
  name: string;
  dimensions: string[];
  tasks: number;
  /** Tasks per account manager. */
  byAssignee: Map<string, number>;
}

/** Starts a campaign: one task per active (not churned) customer in scope, for its owner. */
export async function startSurvey(deps: CoreDeps, actor: Actor, input: StartSurveyInput | unknown): Promise<SurveyStarted> {
  requireRoleAtLeast(actor, "SUPERVISOR");
  const data = parse(startSurveySchema, input);
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const dimensions = data.dimensions.length > 0 ? [...new Set(data.dimensions)] : defaultDimensions(tenant.locale);
  const alertAtOrBelow = data.alertAtOrBelow ?? tenant.settings.surveys?.alertAtOrBelow ?? DEFAULT_ALERT_AT_OR_BELOW;
  const visible = await visibleMemberIds(deps.db, actor);
  return inTransaction(deps, async (tx) => {
    const nameKey = normalizeName(data.name);
    if (await tx.survey.findFirst({ where: { tenantId: tenant.id, nameKey }, select: { id: true } })) {
      throw new ConflictError("survey.name_taken", { name: data.name });
    }
    const customers = (
      await tx.customer.findMany({
        where: {
          tenantId: tenant.id,
          status: { not: "CHURNED" },
          ...(visible !== null ? { ownerId: { in: visible } } : {}),
          ...(data.regions.length > 0 ? { region: { in: data.regions } } : {}),
        },
        select: { id: true, ownerId: true, tier: true, tierOverride: true },
      })
    ).filter((c) => data.tiers.length === 0 || data.tiers.includes(effectiveTier(c)));
    if (customers.length === 0) throw new InvalidInputError("survey.empty_scope", { name: data.name });
    const survey = await tx.survey.create({
      data: {
        tenantId: tenant.id, name: data.name, nameKey, dimensions, tiers: data.tiers, regions: data.regions, alertAtOrBelow,
        createdById: actor.memberId,
      },
    });
    await tx.surveyTask.createMany({
      data: customers.map((c) => ({ tenantId: tenant.id, surveyId: survey.id, customerId: c.id, assigneeId: c.ownerId })),
    });
    await recordAudit(tx, {
      tenantId: tenant.id, actorId: actor.memberId, platform: actor.platform, action: "survey.started", entityType: "Survey", entityId: survey.id,
      after: { name: data.name, dimensions, tiers: data.tiers, regions: data.regions, alertAtOrBelow, tasks: customers.length },
    });
    const byAssignee = new Map<string, number>();
    for (const c of customers) byAssignee.set(c.ownerId, (byAssignee.get(c.ownerId) ?? 0) + 1);
    return { surveyId: survey.id, name: data.name, dimensions, tasks: customers.length, byAssignee };
  });
}

export interface SurveyTaskView {
  id: string;
  surveyId: string;
  surveyName: string;
  dimensions: string[];
  customerId: string;
  customerName: string;
  tier: Tier;
  assigneeId: string;
}

/** Pending survey tasks of the given members (the `survey` list, the morning digest). */
export async function pendingSurveyTasks(db: CoreDeps["db"], tenantId: string, assigneeIds: readonly string[]): Promise<SurveyTaskView[]> {
  if (assigneeIds.length === 0) return [];
  const rows = await db.surveyTask.findMany({
    where: { tenantId, status: "PENDING", assigneeId: { in: [...assigneeIds] } },
    include: { survey: { select: { name: true, dimensions: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const customers = await db.customer.findMany({
    where: { tenantId, id: { in: rows.map((r) => r.customerId) } },
    select: { id: true, name: true, tier: true, tierOverride: true },
  });
  const byId = new Map(customers.map((c) => [c.id, c]));
  const rank = { VIP: 0, A: 1, B: 2, C: 3 } as const;
  return rows
    .map((r) => {
      const c = byId.get(r.customerId);
      return {
        id: r.id, surveyId: r.surveyId, surveyName: r.survey.name, dimensions: r.survey.dimensions, customerId: r.customerId,
        customerName: c?.name ?? "", tier: c ? effectiveTier(c) : ("C" as Tier), assigneeId: r.assigneeId,
      };
    })
    .sort((a, b) => rank[a.tier] - rank[b.tier] || a.customerName.localeCompare(b.customerName, "zh-CN"));
}

export async function mySurveyTasks(deps: CoreDeps, actor: Actor): Promise<SurveyTaskView[]> {
  return pendingSurveyTasks(deps.db, actor.tenantId, [actor.memberId]);
}

export async function surveyTask(deps: CoreDeps, actor: Actor, taskId: string): Promise<SurveyTaskView & { status: string }> {
  const task = await deps.db.surveyTask.findFirst({ where: { id: taskId, tenantId: actor.tenantId }, include: { survey: true } });
  if (!task) throw new NotFoundError("survey.task_not_found", {});
  const c = await deps.db.customer.findFirstOrThrow({ where: { id: task.customerId, tenantId: actor.tenantId } });
  return {
    id: task.id, surveyId: task.surveyId, surveyName: task.survey.name, dimensions: task.survey.dimensions, customerId: c.id, customerName: c.name,
    tier: effectiveTier(c), assigneeId: task.assigneeId, status: task.status,
  };
}

export const recordSurveySchema = z.object({
  taskId: z.string({ error: "survey.invalid_input" }).trim().min(1).max(100),
  scores: z.record(z.string(), z.unknown()),
  nps: z.unknown().optional(),
  comment: z
    .string()
    .trim()
    .max(1000, { error: "survey.comment_too_long" })
    .nullish()
    .transform((v) => v || undefined),
  followUp: z.enum(["callback", "complaint"], { error: "survey.invalid_follow_up" }).default("callback"),
});
export type RecordSurveyInput = z.input<typeof recordSurveySchema>;

export interface SurveyRecorded {
  taskId: string;
  minScore: number;
  avgScore: number;
  low: boolean;
  lowestDimension: string;
  followUpCallbackId: string | null;
  followUpComplaintId: string | null;
  /** Whom the low score was reported to (the manager's supervisor), if anyone. */
  alertedId: string | null;
}

/** Records a customer's answers; a low score alerts the supervisor and opens the follow-up. */
export async function recordSurveyResult(deps: CoreDeps, actor: Actor, input: RecordSurveyInput | unknown): Promise<SurveyRecorded> {
  const data = parse(recordSurveySchema, input);
  const nps = checkNps(data.nps);
  const now = deps.clock.now();
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const today = localDateOf(now, tenant.timeZone);
  const result = await inTransaction(deps, async (tx) => {
    const task = await tx.surveyTask.findFirst({ where: { id: data.taskId, tenantId: actor.tenantId }, include: { survey: true } });
    if (!task) throw new NotFoundError("survey.task_not_found", {});
    if (task.assigneeId !== actor.memberId) await requireCanActFor(tx, actor, task.assigneeId, "survey");
    const scored = scoreResponse(task.survey.dimensions, data.scores);
    const won = await tx.surveyTask.updateMany({
      where: { id: task.id, status: "PENDING" },
      data: {
        status: "DONE", scores: scored.scores, minScore: scored.minScore, avgScore: scored.avgScore, nps, comment: data.comment ?? null,
        respondedAt: now, respondedById: actor.memberId,
      },
    });
    if (won.count === 0) throw new ConflictError("survey.already_recorded", {});
    const low = isLowScore(scored.minScore, task.survey.alertAtOrBelow);
    let followUpCallbackId: string | null = null;
    let alertedId: string | null = null;
    if (low) {
      const owner = await tx.member.findFirst({ where: { id: task.assigneeId, tenantId: actor.tenantId }, select: { supervisorId: true } });
      alertedId = owner?.supervisorId ?? null;
      if (data.followUp === "callback") {
        const callback = await tx.callback.create({
          data: {
            tenantId: actor.tenantId, customerId: task.customerId, assigneeId: task.assigneeId, dueOn: toDateColumn(addDays(today, 1)), reason: "MANUAL",
            note: lowScoreNote(tenant.locale, { survey: task.survey.name, dimension: scored.lowestDimension, score: scored.minScore }),
          },
        });
        followUpCallbackId = callback.id;
        await tx.surveyTask.update({ where: { id: task.id }, data: { followUpCallbackId } });
        await recordAudit(tx, {
          tenantId: actor.tenantId, actorId: actor.memberId, platform: actor.platform, action: "callback.scheduled", entityType: "Callback", entityId: callback.id,
          after: { customerId: task.customerId, assigneeId: task.assigneeId, dueOn: addDays(today, 1), reason: "MANUAL", sourceSurveyTaskId: task.id },
        });
      }
      const intent = {
        kind: "survey.low_score", taskId: task.id, surveyId: task.surveyId, customerId: task.customerId, assigneeId: task.assigneeId,
        dimension: scored.lowestDimension, score: scored.minScore, threshold: task.survey.alertAtOrBelow,
      };
      await enqueueNotifications(tx, [
        ...(alertedId ? [{ tenantId: actor.tenantId, platform: tenant.platform, target: `member:${alertedId}` as const, intent, dedupeKey: `survey:${task.id}:low:supervisor`, entityType: "SurveyTask", entityId: task.id }] : []),
      ]);
    }
    await recordAudit(tx, {
      tenantId: actor.tenantId, actorId: actor.memberId, platform: actor.platform, action: "survey.recorded", entityType: "SurveyTask", entityId: task.id,
      before: { status: "PENDING" },
      after: { status: "DONE", scores: scored.scores, nps, comment: data.comment ?? null, low, followUpCallbackId },
    });
    return { task, scored, low, followUpCallbackId, alertedId };
  });
  let followUpComplaintId: string | null = null;
  if (result.low && data.followUp === "complaint") {
    // A complaint has its own numbering, SLA and notifications: registered through its use case,
    // right after the response is stored (its own transaction and audit row).
    const complaint = await registerComplaint(deps, actor, {
      customerId: result.task.customerId,
      severity: result.scored.minScore <= 1 ? "HIGH" : "MEDIUM",
      category: "SERVICE",
      description: lowScoreNote(tenant.locale, {
        survey: result.task.survey.name,
        dimension: result.scored.lowestDimension,
        score: result.scored.minScore,
        comment: data.comment,
      }),
    });
    followUpComplaintId = complaint.id;
    await deps.db.surveyTask.update({ where: { id: result.task.id }, data: { followUpComplaintId } });
  }
  return {
    taskId: result.task.id, minScore: result.scored.minScore, avgScore: result.scored.avgScore, low: result.low, lowestDimension: result.scored.lowestDimension,
    followUpCallbackId: result.followUpCallbackId, followUpComplaintId, alertedId: result.alertedId,
  };
}

export interface ScoreSummary {
  responses: number;
  /** Average per dimension (two decimals), in the survey's order; null without responses. */
  byDimension: Record<string, number | null>;
  average: number | null;
  low: number;
  nps: number | null;
}

export interface SurveyResults {
  surveyId: string;
  name: string;
  dimensions: string[];
  tasks: number;
  total: ScoreSummary;
  byTier: Array<{ tier: Tier; summary: ScoreSummary }>;
  byTeam: Array<{ leadId: string | null; leadName: string | null; summary: ScoreSummary }>;
}

interface Answer {
  scores: Record<string, number>;
  avg: number;
  min: number;
  nps: number | null;
}

function summarize(dimensions: readonly string[], answers: readonly Answer[], threshold: number): ScoreSummary {
  const round = (n: number) => Math.round(n * 100) / 100;
  const byDimension: Record<string, number | null> = {};
  for (const d of dimensions) {
    const values = answers.map((a) => a.scores[d]).filter((v): v is number => typeof v === "number");
    byDimension[d] = values.length > 0 ? round(values.reduce((x, y) => x + y, 0) / values.length) : null;
  }
  return {
    responses: answers.length,
    byDimension,
    average: answers.length > 0 ? round(answers.reduce((x, a) => x + a.avg, 0) / answers.length) : null,
    low: answers.filter((a) => a.min <= threshold).length,
    nps: netPromoterScore(answers.map((a) => a.nps).filter((n): n is number => n !== null)),
  };
}

/** `survey results <name>`: by dimension, tier and team, over the responses the actor may see. */
export async function surveyResults(deps: CoreDeps, actor: Actor, name: string): Promise<SurveyResults> {
  const survey = await deps.db.survey.findFirst({ where: { tenantId: actor.tenantId, nameKey: normalizeName(name) } });
  if (!survey) throw new NotFoundError("survey.not_found", { name });
  const visible = await visibleMemberIds(deps.db, actor);
  const tasks = await deps.db.surveyTask.findMany({
    where: { surveyId: survey.id, tenantId: actor.tenantId, ...(visible !== null ? { assigneeId: { in: visible } } : {}) },
  });
  const customers = await deps.db.customer.findMany({
    where: { tenantId: actor.tenantId, id: { in: tasks.map((t) => t.customerId) } },
    select: { id: true, tier: true, tierOverride: true },
  });
  const tierOf = new Map(customers.map((c) => [c.id, effectiveTier(c)]));
  const teams = await loadTeams(deps.db, actor.tenantId);
  // A member's team is the outermost lead above them who is not the department head (or themself).
  const teamOf = (memberId: string): string | null => {
    const chain = [memberId, ...(teams.ancestors.get(memberId) ?? [])];
    const leads = chain.filter((id) => teams.members.get(id)?.role !== "MANAGER" && (teams.subordinates.get(id)?.length ?? 0) > 0);
    return leads.length > 0 ? leads[leads.length - 1]! : null;
  };
  const answered = tasks
    .filter((t) => t.status === "DONE" && t.scores)
    .map((t) => ({ t, a: { scores: t.scores as Record<string, number>, avg: t.avgScore ?? 0, min: t.minScore ?? 0, nps: t.nps } }));
  const threshold = survey.alertAtOrBelow;
  const byTier = TIERS.map((tier) => ({ tier, answers: answered.filter((x) => tierOf.get(x.t.customerId) === tier).map((x) => x.a) }))
    .filter((x) => x.answers.length > 0)
    .map((x) => ({ tier: x.tier as Tier, summary: summarize(survey.dimensions, x.answers, threshold) }));
  const teamKeys = [...new Set(tasks.map((t) => teamOf(t.assigneeId)))];
  const byTeam = teamKeys
    .map((lead) => ({
      leadId: lead,
      leadName: lead ? (teams.members.get(lead)?.name ?? null) : null,
      summary: summarize(survey.dimensions, answered.filter((x) => teamOf(x.t.assigneeId) === lead).map((x) => x.a), threshold),
    }))
    .sort((a, b) => (a.leadName ?? "\uffff").localeCompare(b.leadName ?? "\uffff", "zh-CN"));
  return {
    surveyId: survey.id,
    name: survey.name,
    dimensions: survey.dimensions,
    tasks: tasks.length,
    total: summarize(survey.dimensions, answered.map((x) => x.a), threshold),
    byTier,
    byTeam,
  };
}

export interface CustomerSurveyScores {
  surveyName: string;
  respondedAt: Date;
  scores: Record<string, number>;
  avgScore: number;
  /** The previous response's average, for the trend; null for a first response. */
  previousAvg: number | null;
}

/** The customer's latest survey response and the one before it (the card's scores and trend). */
export async function latestSurveyScores(db: CoreDeps["db"], tenantId: string, customerId: string): Promise<CustomerSurveyScores | null> {
  const rows = await db.surveyTask.findMany({
    where: { tenantId, customerId, status: "DONE" },
    orderBy: [{ respondedAt: "desc" }, { id: "desc" }],
    take: 2,
    include: { survey: { select: { name: true, dimensions: true } } },
  });
  const [latest, previous] = rows;
  if (!latest?.respondedAt || !latest.scores) return null;
  // jsonb keeps keys in its own order: read them back in the survey's dimension order.
  const stored = latest.scores as Record<string, number>;
  const scores = Object.fromEntries(latest.survey.dimensions.filter((d) => d in stored).map((d) => [d, stored[d]!]));
  return {
    surveyName: latest.survey.name,
    respondedAt: latest.respondedAt,
    scores,
    avgScore: latest.avgScore ?? 0,
    previousAvg: previous?.avgScore ?? null,
  };
}
