import type { Platform, Tenant } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { inTransaction, type CoreDeps, type Tx } from "../shared/context.js";
import { NotFoundError } from "../shared/errors.js";
import { parseTenantSettings, type TenantSettings } from "./settings.js";

export interface TenantView {
  id: string;
  platform: Platform;
  externalId: string;
  name: string;
  timeZone: string;
  locale: string;
  settings: TenantSettings;
}

export function toTenantView(t: Pick<Tenant, "id" | "platform" | "externalId" | "name" | "timeZone" | "locale" | "settings">): TenantView {
  return {
    id: t.id,
    platform: t.platform,
    externalId: t.externalId,
    name: t.name,
    timeZone: t.timeZone,
    locale: t.locale,
    settings: parseTenantSettings(t.settings),
  };
}

export interface EnsureTenantInput {
  platform: Platform;
  externalId: string;
  name: string;
  /** Used only when the tenant is created. */
  defaults?: { timeZone?: string; locale?: string };
}

/** The tenant of a Slack workspace / Feishu tenant, created the first time it is seen. */
export async function ensureTenant(deps: CoreDeps, input: EnsureTenantInput): Promise<TenantView> {
  const existing = await deps.db.tenant.findUnique({
    where: { platform_externalId: { platform: input.platform, externalId: input.externalId } },
  });
  if (existing) return toTenantView(existing);
  return inTransaction(deps, async (tx) => {
    // Another replica may have created it since the read above.
    const created = await tx.tenant.upsert({
      where: { platform_externalId: { platform: input.platform, externalId: input.externalId } },
      create: {
        platform: input.platform,
        externalId: input.externalId,
        name: input.name,
        ...(input.defaults?.timeZone ? { timeZone: input.defaults.timeZone } : {}),
        ...(input.defaults?.locale ? { locale: input.defaults.locale } : {}),
      },
      update: {},
    });
    if (created.createdAt.getTime() === created.updatedAt.getTime()) {
      await recordAudit(tx, {
        tenantId: created.id,
        actorId: null,
        platform: input.platform,
        action: "tenant.created",
        entityType: "Tenant",
        entityId: created.id,
        after: { name: created.name, timeZone: created.timeZone, locale: created.locale },
      });
    }
    return toTenantView(created);
  });
}

export async function loadTenant(db: Tx | CoreDeps["db"], tenantId: string): Promise<TenantView> {
  const t = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!t) throw new NotFoundError("tenant.not_found", { tenantId });
  return toTenantView(t);
}
