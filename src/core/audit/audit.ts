import type { Platform, Prisma } from "@prisma/client";
import type { Tx } from "../shared/context.js";

export interface AuditEntry {
  tenantId: string;
  actorId: string | null;
  platform: Platform | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** JSON for audit columns: bigint as decimal strings, Dates as ISO strings. */
export function toAuditJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
}

export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const before = toAuditJson(entry.before);
  const after = toAuditJson(entry.after);
  await tx.auditLog.create({
    data: {
      tenantId: entry.tenantId,
      actorId: entry.actorId,
      platform: entry.platform,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    },
  });
}
