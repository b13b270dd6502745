// Approver absence (外出): a member away between two dates, optionally naming a delegate.
// While away, steps go to the delegate or, without one, to the next level; steps already open
// for them move at once (reroute.ts).
import { recordAudit } from "../audit/audit.js";
import { inTransaction, type Actor, type CoreDeps } from "../shared/context.js";
import { InvalidInputError, NotFoundError } from "../shared/errors.js";
import { isLocalDate, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { rerouteStepsHeldBy, type RerouteResult } from "./reroute.js";

export interface AwayInput {
  from: LocalDate;
  to: LocalDate;
  delegateId?: string | null;
}

export interface AwayResult {
  from: LocalDate;
  to: LocalDate;
  delegate: { id: string; name: string } | null;
  rerouted: RerouteResult;
}

export async function setAway(deps: CoreDeps, actor: Actor, input: AwayInput): Promise<AwayResult> {
  if (!isLocalDate(input.from) || !isLocalDate(input.to)) throw new InvalidInputError("approval.away_invalid_dates");
  if (input.to < input.from) throw new InvalidInputError("approval.away_range_inverted", { from: input.from, to: input.to });
  if (input.delegateId === actor.memberId) throw new InvalidInputError("approval.away_self_delegate");
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const today = localDateOf(now, tenant.timeZone);
    if (input.to < today) throw new InvalidInputError("approval.away_in_past", { to: input.to, today });
    let delegate: { id: string; name: string } | null = null;
    if (input.delegateId) {
      const m = await tx.member.findFirst({ where: { id: input.delegateId, tenantId: actor.tenantId, active: true }, select: { id: true, displayName: true } });
      if (!m) throw new NotFoundError("approval.delegate_not_found");
      delegate = { id: m.id, name: m.displayName };
    }
    const absence = await tx.memberAbsence.create({
      data: { tenantId: actor.tenantId, memberId: actor.memberId, fromDate: toDateColumn(input.from), toDate: toDateColumn(input.to), delegateId: delegate?.id ?? null },
    });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "member.away",
      entityType: "Member",
      entityId: actor.memberId,
      after: { absenceId: absence.id, from: input.from, to: input.to, delegateId: delegate?.id ?? null },
    });
    const rerouted =
      input.from <= today ? await rerouteStepsHeldBy(tx, actor.tenantId, actor.memberId, "AWAY", now, actor) : { rerouted: 0, stuck: 0 };
    return { from: input.from, to: input.to, delegate, rerouted };
  });
}
