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
  const where = { platform_externalId: { platform: input.platform, externalId: input.externalId } };
  const existing = await deps.db.tenant.findUnique({ where });
  if (existing) return toTenantView(existing);
  // INSERT … ON CONFLICT DO NOTHING (createMany with skipDuplicates), then read: a workspace's
  // first commands arrive together, and a find-then-create (or Prisma's upsert, which is one too)
  // lets all but one of them fail on the unique key.
  return inTransaction(deps, async (tx) => {
    const { count } = await tx.tenant.createMany({
      data: [
        {
          platform: input.platform,
          externalId: input.externalId,
          name: input.name,
          ...(input.defaults?.timeZone ? { timeZone: input.defaults.timeZone } : {}),
          ...(input.defaults?.locale ? { locale: input.defaults.locale } : {}),
        },
      ],
      skipDuplicates: true,
    });
    const tenant = await tx.tenant.findUniqueOrThrow({ where });
    if (count === 1) {
      await recordAudit(tx, {
        tenantId: tenant.id,
        actorId: null,
        platform: input.platform,
        action: "tenant.created",
        entityType: "Tenant",
        entityId: tenant.id,
        after: { name: tenant.name, timeZone: tenant.timeZone, locale: tenant.locale },
      });
    }
    return toTenantView(tenant);
  });
}

export async function loadTenant(db: Tx | CoreDeps["db"], tenantId: string): Promise<TenantView> {
  const t = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!t) throw new NotFoundError("tenant.not_found", { tenantId });
  return toTenantView(t);
}
