// Steps held by someone who can no longer decide them move on: a deactivated member's open and
// waiting steps, an absent member's open steps (their waiting steps are checked when they
// open). Helper code that deactivates a member calls rerouteStepsHeldBy in its transaction.
import { recordAudit } from "../audit/audit.js";
import { enqueueNotifications, type EnqueueInput } from "../outbox/outbox.js";
import type { Actor, Tx } from "../shared/context.js";
import { loadTenant } from "../tenants/tenants.js";
import { approvalRequestedMessage, routeIfUnavailable } from "./engine.js";
import { approvalKinds } from "./kinds.js";

export interface RerouteResult {
  /** Steps that now have another approver. */
  rerouted: number;
  /** Steps nobody else could take (left with the member). */
  stuck: number;
}

/**
 * Re-resolves every step of a pending request (any kind) held by `memberId`, in the caller's
 * transaction: `INACTIVE` (deactivated: open and waiting steps) or `AWAY` (open steps only).
 * The new approver of an open step is asked at once; each move is audited.
 */
export async function rerouteStepsHeldBy(
  tx: Tx,
  tenantId: string,
  memberId: string,
  why: "INACTIVE" | "AWAY",
  now: Date,
  by: Pick<Actor, "memberId" | "platform"> | null = null,
): Promise<RerouteResult> {
  const tenant = await loadTenant(tx, tenantId);
  const steps = await tx.approvalStep.findMany({
    where: { tenantId, approverId: memberId, status: { in: why === "INACTIVE" ? ["PENDING", "WAITING"] : ["PENDING"] } },
    orderBy: [{ pendingSince: "asc" }, { position: "asc" }],
  });
  const result: RerouteResult = { rerouted: 0, stuck: 0 };
  const messages: EnqueueInput[] = [];
  for (const step of steps) {
    const spec = approvalKinds[step.kind];
    const requestId = step.requestId ?? step.creditRequestId;
    if (!requestId) continue;
    const request = await spec.load(tx, tenantId, requestId);
    if (request.status !== "PENDING") continue;
    const routed = await routeIfUnavailable(tx, spec, tenant, request, step, now, { unavailable: { memberId, why } });
    if (!routed.changed) {
      result.stuck++;
      continue;
    }
    result.rerouted++;
    if (step.status === "PENDING") {
      // The new approver's clock starts now, so a reminder does not follow the first message at once.
      await tx.approvalStep.update({ where: { id: step.id }, data: { pendingSince: now, lastRemindedAt: null } });
      messages.push(
        approvalRequestedMessage(spec, tenant.platform, tenantId, request.id, request.number, { ...step, approverId: routed.approverId }, request.version, {
          rerouted: true,
        }),
      );
    }
    await recordAudit(tx, {
      tenantId,
      actorId: by?.memberId ?? null,
      platform: by?.platform ?? null,
      action: `${spec.prefix}.step_rerouted`,
      entityType: spec.entityType,
      entityId: request.id,
      before: { step: { id: step.id, position: step.position, approverId: memberId } },
      after: { step: { id: step.id, position: step.position, approverId: routed.approverId }, reason: why },
    });
  }
  await enqueueNotifications(tx, messages);
  return result;
}

/** rerouteStepsHeldBy in its own transaction, for callers outside one (e.g. `admin deactivate`). */
export async function rerouteStepsOfMember(
  deps: import("../shared/context.js").CoreDeps,
  tenantId: string,
  memberId: string,
  why: "INACTIVE" | "AWAY",
  by: Pick<Actor, "memberId" | "platform"> | null = null,
): Promise<RerouteResult> {
  const now = deps.clock.now();
  return deps.db.$transaction((tx) => rerouteStepsHeldBy(tx, tenantId, memberId, why, now, by), { timeout: 30_000, maxWait: 30_000 });
}
