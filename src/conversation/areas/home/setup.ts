// The admins' setup checklist on their day (App Home / my-day card): what a new workspace still
// lacks for escalations, approvals and digests to reach anyone. Shown until every item is done.
import { calendarOutlook } from "../../../core/calendar/store.js";
import type { Session } from "../../session.js";
import type { ViewBlock } from "../../views/view.js";

export interface SetupState {
  roles: boolean;
  supervisors: { done: boolean; missing: number };
  channels: boolean;
  calendar: boolean;
}

export async function setupState(session: Session): Promise<SetupState> {
  const db = session.deps.db;
  const tenantId = session.tenant.id;
  const [leads, orphans, outlook] = await Promise.all([
    db.member.count({ where: { tenantId, active: true, role: { in: ["SUPERVISOR", "MANAGER"] } } }),
    db.member.count({ where: { tenantId, active: true, role: "SPECIALIST", supervisorId: null } }),
    calendarOutlook(session.deps, session.tenant, session.today),
  ]);
  const channels = session.tenant.settings.channels;
  return {
    roles: leads > 0,
    supervisors: { done: orphans === 0, missing: orphans },
    channels: Boolean(channels.complaints && channels.digests),
    calendar: outlook.uncoveredYears.length === 0,
  };
}

/** The checklist's blocks, or none when everything is set (or the member is not an admin). */
export async function setupBlocks(session: Session): Promise<ViewBlock[]> {
  if (session.actor.role !== "ADMIN") return [];
  const state = await setupState(session);
  const items: Array<[boolean, string]> = [
    [state.roles, session.t("home.setup.roles")],
    [state.supervisors.done, session.t("home.setup.supervisors", { missing: state.supervisors.missing })],
    [state.channels, session.t("home.setup.channels")],
    [state.calendar, session.t("home.setup.calendar")],
  ];
  const done = items.filter(([ok]) => ok).length;
  if (done === items.length) return [];
  return [
    { kind: "text", text: `*${session.t("home.setup.title", { done, total: items.length })}*\n${items.map(([ok, text]) => `${ok ? "✅" : "⬜"} ${text}`).join("\n")}` },
    { kind: "context", lines: [session.t("home.setup.hint")] },
    { kind: "divider" },
  ];
}
