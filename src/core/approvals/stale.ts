// Stale requests: a hospitality request whose event date has passed while it was still pending
// can only be approved after the fact (事后补批). The sweep marks it so every card says so; the
// mark stays whatever the outcome, so history shows how it was approved.
import { recordAudit } from "../audit/audit.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { HOSPITALITY_ENTITY } from "./kinds.js";

/** Marks every pending request whose event date is before its tenant's today; returns their ids. */
export async function markStaleRequests(deps: CoreDeps, now: Date, options: { tenantId?: string } = {}): Promise<string[]> {
  return inTransaction(deps, async (tx) => {
    // The tenant's own "today" (its time zone) decides; one statement claims, so a concurrent
    // sweep on another replica finds nothing left to mark.
    const marked = await tx.$queryRaw<Array<{ id: string; tenantId: string; eventDate: string }>>`
      UPDATE "HospitalityRequest" r SET "afterTheFact" = true
      FROM "Tenant" t
      WHERE t.id = r."tenantId" AND r.status = 'PENDING' AND r."afterTheFact" = false
        -- A tenant with an unknown zone has no "today"; it must not fail everyone else's sweep.
        AND t."timeZone" IN (SELECT name FROM pg_timezone_names)
        AND r."eventDate" < (${now.toISOString()}::timestamptz AT TIME ZONE t."timeZone")::date
        AND (${options.tenantId ?? null}::text IS NULL OR r."tenantId" = ${options.tenantId ?? null}::text)
      RETURNING r.id, r."tenantId", to_char(r."eventDate", 'YYYY-MM-DD') AS "eventDate"`;
    for (const r of marked) {
      await recordAudit(tx, {
        tenantId: r.tenantId,
        actorId: null,
        platform: null,
        action: "hospitality.after_the_fact",
        entityType: HOSPITALITY_ENTITY,
        entityId: r.id,
        before: { afterTheFact: false },
        after: { afterTheFact: true, eventDate: r.eventDate },
      });
    }
    return marked.map((r) => r.id);
  });
}
