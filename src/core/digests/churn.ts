// Content of the 09:30 churn-warning digest (plain data). Set-based: one scoring query for all
// customers (risk.ts), one for the member tree, one for yesterday's snapshot.
import { atRisk, roseSince, scoreCustomers, snapshotLevels, type CustomerRisk } from "../risk/risk.js";
import type { RiskLevel } from "../risk/rules.js";
import type { Queryable } from "../risk/analytics.js";
import { addDays, instantAt, type LocalDate } from "../shared/time.js";
import type { TenantView } from "../tenants/tenants.js";
import { recipientScope, type DigestOptions } from "./callbacks.js";
import { leadsWholeTenant, loadTeams, teamLeads, teamOf } from "./teams.js";

export const TEAM_TOP = 10;

export interface ChurnDigestItem extends CustomerRisk {
  /** Level above the one in the previous day's snapshot (absent there = LOW). */
  newlyRisen: boolean;
  previousLevel: RiskLevel | null;
}

export interface OwnerChurnDigest {
  memberId: string;
  high: number;
  medium: number;
  /** Every HIGH/MEDIUM customer the member owns, highest score first. */
  customers: ChurnDigestItem[];
}

/** A team's (or the whole department's) at-risk customers, as a lead's team digest shows them. */
export interface ChurnTeamSummary {
  /** "tenant" for a MANAGER and the department view, "team" (transitive subordinates) for everyone else. */
  scope: "team" | "tenant";
  high: number;
  medium: number;
  newlyRisen: number;
  /** The team's TEAM_TOP highest-scoring at-risk customers. */
  top: ChurnDigestItem[];
}

export interface SupervisorChurnDigest extends ChurnTeamSummary {
  memberId: string;
}

export interface ChurnDigests {
  localDate: LocalDate;
  owners: OwnerChurnDigest[];
  supervisors: SupervisorChurnDigest[];
  /** With `department: true` (and no recipient): every at-risk customer of the tenant, for the digests channel. */
  department?: ChurnTeamSummary;
}

/**
 * `now` is the instant the scores are taken at; by default the tenant's churn digest time on
 * `localDate`, so a digest caught up later in the day says what it would have said at 09:30.
 */
export async function buildChurnDigests(
  db: Queryable,
  tenant: TenantView,
  localDate: LocalDate,
  options: DigestOptions & { now?: Date } = {},
): Promise<ChurnDigests> {
  const now = options.now ?? instantAt(localDate, tenant.settings.digests.churnAt, tenant.timeZone);
  const teams = await loadTeams(db, tenant.id);
  const scope = recipientScope(teams, options.recipientId);
  const scores = atRisk(await scoreCustomers(db, tenant, now, scope ? { ownerIds: scope } : {}));
  const previous = await snapshotLevels(db, tenant.id, addDays(localDate, -1));
  const items: ChurnDigestItem[] = scores.map((s) => {
    const before = previous.get(s.customerId)?.level ?? null;
    return { ...s, newlyRisen: roseSince(s.level, before), previousLevel: before };
  });

  const isRecipient = (id: string) => teams.members.get(id)?.active === true && (!options.recipientId || id === options.recipientId);
  const ownersBy = new Map<string, OwnerChurnDigest>();
  const leads = teamLeads(teams).filter(isRecipient);
  const leadDigests = new Map<string, SupervisorChurnDigest>(
    leads.map((id) => [
      id,
      { memberId: id, scope: leadsWholeTenant(teams, id) ? "tenant" : "team", high: 0, medium: 0, newlyRisen: 0, top: [] },
    ]),
  );
  const managers = leads.filter((id) => leadsWholeTenant(teams, id));
  const department: ChurnTeamSummary | undefined =
    options.department && options.recipientId === undefined ? { scope: "tenant", high: 0, medium: 0, newlyRisen: 0, top: [] } : undefined;
  // `items` is highest score first, so each lead's first TEAM_TOP are their top.
  for (const item of items) {
    if (isRecipient(item.ownerId)) {
      let own = ownersBy.get(item.ownerId);
      if (!own) ownersBy.set(item.ownerId, (own = { memberId: item.ownerId, high: 0, medium: 0, customers: [] }));
      own.customers.push(item);
      if (item.level === "HIGH") own.high++;
      else own.medium++;
    }
    if (department) countInto(department, item);
    const above = new Set([...(teams.ancestors.get(item.ownerId) ?? []), ...managers]);
    above.delete(item.ownerId);
    for (const leadId of above) {
      const lead = leadDigests.get(leadId);
      if (lead) countInto(lead, item);
    }
  }
  return {
    localDate,
    owners: [...ownersBy.values()],
    supervisors: [...leadDigests.values()].filter((d) => d.high + d.medium > 0),
    ...(department ? { department } : {}),
  };
}

/** Counts one at-risk customer into a summary; `items` come highest score first, so the first TEAM_TOP are the top. */
function countInto(summary: ChurnTeamSummary, item: ChurnDigestItem): void {
  if (item.level === "HIGH") summary.high++;
  else summary.medium++;
  if (item.newlyRisen) summary.newlyRisen++;
  if (summary.top.length < TEAM_TOP) summary.top.push(item);
}

/** teamOf, re-exported for views that list a lead's team next to the digest. */
export { teamOf };
