// `/crm digest`: what one member would receive this morning, built by the same builders as the
// scheduled digests (restricted to that member's data), so the preview can never disagree.
import { z } from "zod";
import type { Actor, CoreDeps } from "../shared/context.js";
import { InvalidInputError } from "../shared/errors.js";
import { isLocalDate, localDateOf, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { buildCallbackDigests, type MemberCallbackDigest, type SupervisorCallbackDigest } from "./callbacks.js";
import { buildChurnDigests, type OwnerChurnDigest, type SupervisorChurnDigest } from "./churn.js";

/** The local date to preview; today in the tenant's time zone when absent. */
export const digestDateSchema = z.string().refine(isLocalDate, { message: "must be YYYY-MM-DD" }).optional();

export interface MemberDigest {
  localDate: LocalDate;
  callbacks: { mine: MemberCallbackDigest | null; team: SupervisorCallbackDigest | null };
  churn: { mine: OwnerChurnDigest | null; team: SupervisorChurnDigest | null };
}

export async function digestFor(deps: CoreDeps, actor: Actor, localDate?: LocalDate | string): Promise<MemberDigest> {
  const parsed = digestDateSchema.safeParse(localDate);
  if (!parsed.success) throw new InvalidInputError("digest.invalid_date", { value: String(localDate) });
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const now = deps.clock.now();
  const today = localDateOf(now, tenant.timeZone);
  const date = parsed.data ?? today;
  const options = { recipientId: actor.memberId };
  const callbacks = await buildCallbackDigests(deps.db, tenant, date, options);
  // Today's preview scores as of now; another day's as of that day's digest time.
  const churn = await buildChurnDigests(deps.db, tenant, date, date === today ? { ...options, now } : options);
  return {
    localDate: date,
    callbacks: {
      mine: callbacks.members.find((m) => m.memberId === actor.memberId) ?? null,
      team: callbacks.supervisors.find((s) => s.supervisorId === actor.memberId) ?? null,
    },
    churn: {
      mine: churn.owners.find((o) => o.memberId === actor.memberId) ?? null,
      team: churn.supervisors.find((s) => s.memberId === actor.memberId) ?? null,
    },
  };
}
