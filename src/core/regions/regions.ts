// Regions (拜访区域划分): a tenant list kept by admins. Customers carry one region (Customer.region,
// the region's name) and members the regions they cover (Member.regions); the contact plan filters
// and groups by them. Names are unique per tenant, compared case-insensitively.
import { recordAudit } from "../audit/audit.js";
import { normalizeName } from "../customers/rules.js";
import { requireRoleAtLeast } from "../members/authorization.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { ConflictError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import type { Db } from "../../db/client.js";

export const MAX_REGION_NAME = 50;

export interface RegionView {
  id: string;
  name: string;
  /** Customers whose region is this one, and members covering it. */
  customers: number;
  members: number;
}

function cleanRegionName(raw: string): string {
  const name = raw.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (!name) throw new InvalidInputError("region.name_required");
  if ([...name].length > MAX_REGION_NAME) throw new InvalidInputError("region.name_too_long", { max: MAX_REGION_NAME });
  return name;
}

export async function listRegions(db: Db | Tx, tenantId: string): Promise<RegionView[]> {
  const rows = await db.$queryRaw<Array<{ id: string; name: string; customers: bigint; members: bigint }>>`
    SELECT r.id, r.name,
      (SELECT count(*) FROM "Customer" c WHERE c."tenantId" = r."tenantId" AND lower(c.region) = r."nameKey") AS customers,
      (SELECT count(*) FROM "Member" m WHERE m."tenantId" = r."tenantId" AND m.active AND r.name = ANY(m.regions)) AS members
    FROM "Region" r WHERE r."tenantId" = ${tenantId}
    ORDER BY r.name`;
  return rows.map((r) => ({ id: r.id, name: r.name, customers: Number(r.customers), members: Number(r.members) }));
}

/** The tenant's region of that name (case-insensitive), or null. */
export async function findRegion(db: Db | Tx, tenantId: string, name: string): Promise<{ id: string; name: string } | null> {
  return db.region.findUnique({ where: { tenantId_nameKey: { tenantId, nameKey: normalizeName(name) } }, select: { id: true, name: true } });
}

/**
 * The tenant's list as it checks a customer's region: the list's spelling by name key, or null
 * when the tenant keeps no list (a customer's region is then free text).
 */
export interface RegionList {
  /** The names in list order, for messages. */
  names: string[];
  byKey: ReadonlyMap<string, string>;
}

export async function loadRegionList(db: Db | Tx, tenantId: string): Promise<RegionList | null> {
  const rows = await db.region.findMany({ where: { tenantId }, select: { name: true, nameKey: true }, orderBy: { name: "asc" } });
  if (rows.length === 0) return null;
  return { names: rows.map((r) => r.name), byKey: new Map(rows.map((r) => [r.nameKey, r.name])) };
}

/** The list's spelling of `text` (matched case-insensitively), `text` itself without a list, or null when a list lacks it. */
export function regionOnList(list: RegionList | null, text: string): string | null {
  if (list === null) return text;
  return list.byKey.get(normalizeName(text)) ?? null;
}

/**
 * A customer's new region as stored: refused (customer.unknown_region, naming the region and the
 * known ones) when the tenant keeps a list without it; blank stays blank.
 */
export async function customerRegion(db: Db | Tx, tenantId: string, text: string | null): Promise<string | null> {
  if (text === null) return null;
  const list = await loadRegionList(db, tenantId);
  const region = regionOnList(list, text);
  if (region === null) throw new InvalidInputError("customer.unknown_region", { field: "region", region: text, known: list!.names });
  return region;
}

export async function requireRegion(db: Db | Tx, tenantId: string, name: string): Promise<{ id: string; name: string }> {
  const region = await findRegion(db, tenantId, name);
  if (!region) throw new NotFoundError("region.not_found", { name });
  return region;
}

export async function addRegion(deps: CoreDeps, actor: Actor, rawName: string): Promise<{ id: string; name: string }> {
  requireRoleAtLeast(actor, "ADMIN");
  const name = cleanRegionName(rawName);
  return inTransaction(deps, async (tx) => {
    const created = await tx.region.createManyAndReturn({
      data: [{ tenantId: actor.tenantId, name, nameKey: normalizeName(name) }],
      skipDuplicates: true,
    });
    if (created.length === 0) throw new ConflictError("region.exists", { name });
    const region = created[0]!;
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "region.added",
      entityType: "Region",
      entityId: region.id,
      after: { name },
    });
    return { id: region.id, name: region.name };
  });
}

/**
 * Removes a region from the list and from the members covering it. Customers keep their region
 * text (their history says where they were); the plan shows them as in an unknown region.
 */
export async function removeRegion(deps: CoreDeps, actor: Actor, rawName: string): Promise<{ name: string; members: number }> {
  requireRoleAtLeast(actor, "ADMIN");
  return inTransaction(deps, async (tx) => {
    const region = await requireRegion(tx, actor.tenantId, rawName);
    await tx.region.delete({ where: { id: region.id } });
    const members = await tx.$executeRaw`
      UPDATE "Member" SET regions = array_remove(regions, ${region.name}), "updatedAt" = now()
      WHERE "tenantId" = ${actor.tenantId} AND ${region.name} = ANY(regions)`;
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "region.removed",
      entityType: "Region",
      entityId: region.id,
      before: { name: region.name },
      after: { membersUpdated: members },
    });
    return { name: region.name, members };
  });
}

/** Sets the regions a member covers (replacing the previous list); every name must be on the tenant's list. */
export async function setMemberRegions(deps: CoreDeps, actor: Actor, memberId: string, names: readonly string[]): Promise<string[]> {
  requireRoleAtLeast(actor, "ADMIN");
  return inTransaction(deps, async (tx) => {
    const member = await tx.member.findFirst({ where: { id: memberId, tenantId: actor.tenantId }, select: { id: true, regions: true } });
    if (!member) throw new NotFoundError("member.not_found", { member: memberId });
    const regions: string[] = [];
    for (const name of names) {
      const region = await requireRegion(tx, actor.tenantId, name);
      if (!regions.includes(region.name)) regions.push(region.name);
    }
    await tx.member.update({ where: { id: member.id }, data: { regions } });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "member.regions_set",
      entityType: "Member",
      entityId: member.id,
      before: { regions: member.regions },
      after: { regions },
    });
    return regions;
  });
}
