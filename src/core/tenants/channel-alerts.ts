// A configured channel that refuses posts for good (the bot was never invited, was removed, the
// channel was archived) would swallow every escalation in silence: the tenant's admins are told,
// once per channel per local day (the outbox's dedupe key makes repeats of the same day no-ops).
import { enqueueNotifications } from "../outbox/outbox.js";
import { inTransaction, type CoreDeps } from "../shared/context.js";
import { localDateOf } from "../shared/time.js";
import { loadTenant } from "./tenants.js";

export const CHANNEL_UNREACHABLE_INTENT = "admin.channel_unreachable";

/** Queues a message to every active admin; returns how many were new today. */
export async function alertChannelUnreachable(deps: CoreDeps, report: { tenantId: string; channelId: string; reason: string }): Promise<number> {
  const tenant = await loadTenant(deps.db, report.tenantId);
  const today = localDateOf(deps.clock.now(), tenant.timeZone);
  const admins = await deps.db.member.findMany({ where: { tenantId: tenant.id, role: "ADMIN", active: true }, select: { id: true } });
  const purpose = (Object.entries(tenant.settings.channels) as Array<[string, string | undefined]>).find(([, id]) => id === report.channelId)?.[0] ?? "";
  return inTransaction(deps, (tx) =>
    enqueueNotifications(
      tx,
      admins.map((admin) => ({
        tenantId: tenant.id,
        platform: tenant.platform,
        target: `member:${admin.id}` as const,
        intent: { kind: CHANNEL_UNREACHABLE_INTENT, channelId: report.channelId, purpose, reason: report.reason.slice(0, 200) },
        dedupeKey: `channel-unreachable:${tenant.id}:${report.channelId}:${today}:${admin.id}`,
      })),
    ),
  );
}
