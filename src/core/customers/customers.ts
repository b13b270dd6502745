// Customer use cases (客户档案, DESIGN.md §2): create, update, re-tier, contacts and purchase
// orders (a new owner: handover.ts). Every tier change re-syncs the cadence callback and the visit
// cadence in the same transaction, so "every tiered customer has exactly one open cadence callback" and
// "every customer of a tier with a visit cadence has its next planned visit" always hold.
import type { Customer, Member } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { syncCadenceCallback } from "../callbacks/cadence.js";
import { requireCanActFor, requireRoleAtLeast } from "../members/authorization.js";
import { syncCustomerVisitCadence } from "../plans/visit-plans.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { ConflictError, InvalidInputError, NotFoundError } from "../shared/errors.js";
import { addDays, fromDateColumn, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { customerRegion } from "../regions/regions.js";
import { loadTenant, type TenantView } from "../tenants/tenants.js";
import { loadCustomerFor } from "./lookup.js";
import { cleanName, computeTier, defaultStatus, effectiveTier } from "./rules.js";
import {
  createCustomerSchema,
  parseCustomerInput,
  purchaseOrderSchema,
  tierOverrideReasonSchema,
  tierSchema,
  updateCustomerSchema,
} from "./schemas.js";
import { changedFields, customerAuditSnapshot, toCustomerView, type CustomerView } from "./views.js";
import { nameSearchKeys } from "./search-keys.js";

type Queryable = Tx | CoreDeps["db"];

/** Reason stored when a tier given at creation differs from the computed one. */
export const TIER_SET_AT_CREATION = "set at creation";

interface TenantToday {
  tenant: TenantView;
  today: LocalDate;
}

async function tenantToday(deps: CoreDeps, tenantId: string): Promise<TenantToday> {
  const tenant = await loadTenant(deps.db, tenantId);
  return { tenant, today: localDateOf(deps.clock.now(), tenant.timeZone) };
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

export async function requireActiveMember(db: Queryable, tenantId: string, memberId: string): Promise<Member> {
  const m = await db.member.findFirst({ where: { id: memberId, tenantId, active: true } });
  if (!m) throw new NotFoundError("member.not_found", { member: memberId });
  return m;
}

async function hasPurchaseOrders(db: Queryable, tenantId: string, customerId: string): Promise<boolean> {
  const one = await db.purchaseOrder.findFirst({ where: { tenantId, customerId }, select: { id: true } });
  return one !== null;
}

function lastContactOf(c: Customer, timeZone: string): LocalDate | null {
  return c.lastContactAt ? localDateOf(c.lastContactAt, timeZone) : null;
}

/**
 * Re-syncs the cadence callback after a change. When the tier changed, the due date is
 * recomputed from the last contact (a looser cadence may then push it out); otherwise the
 * cadence rule only moves the assignee or pulls the date in (cadence.ts).
 */
async function resyncCadence(tx: Tx, tt: TenantToday, before: Customer, after: Customer): Promise<void> {
  const tierChanged = before.tier !== after.tier;
  await syncCadenceCallback(
    tx,
    tt.tenant.settings,
    { id: after.id, tenantId: after.tenantId, ownerId: after.ownerId, tier: after.tier },
    tt.today,
    tierChanged ? lastContactOf(after, tt.tenant.timeZone) : null,
  );
  await syncCustomerVisitCadence(tx, tt.tenant, after, tt.today, tierChanged || before.status !== after.status);
}

function audit(tx: Tx, actor: Actor, action: string, entityId: string, before: unknown, after: unknown, entityType = "Customer") {
  return recordAudit(tx, {
    tenantId: actor.tenantId,
    actorId: actor.memberId,
    platform: actor.platform,
    action,
    entityType,
    entityId,
    before,
    after,
  });
}

/**
 * Creates a customer. The owner defaults to the actor; another owner must be someone the actor
 * may act for. A tier given that differs from the computed one is an override (SUPERVISOR and
 * up, reason "set at creation"); so is marking a customer strategic, which makes it VIP.
 */
export async function createCustomer(deps: CoreDeps, actor: Actor, input: unknown): Promise<CustomerView> {
  const data = parseCustomerInput(createCustomerSchema, input);
  const tt = await tenantToday(deps, actor.tenantId);
  const ownerId = data.ownerId ?? actor.memberId;
  if (ownerId !== actor.memberId) {
    await requireActiveMember(deps.db, actor.tenantId, ownerId);
    await requireCanActFor(deps.db, actor, ownerId);
  }
  const annualPurchaseFen = data.annualPurchaseFen ?? 0n;
  const cooperationStart = data.cooperationStart ?? null;
  const status = data.status ?? defaultStatus({ annualPurchaseFen, cooperationStart });
  const strategic = data.strategic ?? false;
  if (strategic) requireRoleAtLeast(actor, "SUPERVISOR");
  const computed = computeTier(tt.tenant.settings, { annualPurchaseFen, strategic, cooperationStart, status }, tt.today);
  const override = data.tier !== undefined && data.tier !== computed ? data.tier : null;
  if (override !== null) requireRoleAtLeast(actor, "SUPERVISOR");
  const region = await customerRegion(deps.db, actor.tenantId, data.region ?? null);
  const name = cleanName(data.name);
  const keys = nameSearchKeys(name);
  const nameKey = keys.nameKey;
  try {
    return await inTransaction(deps, async (tx) => {
      const existing = await tx.customer.findUnique({ where: { tenantId_nameKey: { tenantId: actor.tenantId, nameKey } } });
      if (existing) throw new ConflictError("customer.duplicate_name", { name: existing.name });
      const created = await tx.customer.create({
        data: {
          tenantId: actor.tenantId,
          name,
          ...keys,
          ownerId,
          tier: effectiveTier(computed, override),
          tierOverride: override,
          tierOverrideReason: override !== null ? TIER_SET_AT_CREATION : null,
          strategic,
          status,
          annualPurchaseFen,
          cooperationStart: cooperationStart ? toDateColumn(cooperationStart) : null,
          industry: data.industry ?? null,
          region,
          creditRating: data.creditRating ?? null,
          creditLimitFen: data.creditLimitFen ?? null,
        },
      });
      await syncCadenceCallback(
        tx,
        tt.tenant.settings,
        { id: created.id, tenantId: created.tenantId, ownerId: created.ownerId, tier: created.tier },
        tt.today,
      );
      await syncCustomerVisitCadence(tx, tt.tenant, created, tt.today, false);
      await audit(tx, actor, "customer.created", created.id, undefined, customerAuditSnapshot(created));
      return toCustomerView(created);
    });
  } catch (err) {
    // Two creations of one name raced past the check above: the unique index decided.
    if (isUniqueViolation(err)) throw new ConflictError("customer.duplicate_name", { name });
    throw err;
  }
}

/** Updates the descriptive and tier-relevant facts of a customer and recomputes its tier. */
export async function updateCustomer(deps: CoreDeps, actor: Actor, customerId: string, input: unknown): Promise<CustomerView> {
  const data = parseCustomerInput(updateCustomerSchema, input);
  const tt = await tenantToday(deps, actor.tenantId);
  return inTransaction(deps, async (tx) => {
    const before = await loadCustomerFor(tx, actor, customerId);
    const strategic = data.strategic ?? before.strategic;
    // Marking strategic makes a customer VIP: a tier decision, so it takes an override's role.
    if (strategic !== before.strategic) requireRoleAtLeast(actor, "SUPERVISOR");
    const annualPurchaseFen = data.annualPurchaseFen ?? before.annualPurchaseFen;
    const cooperationStart =
      data.cooperationStart !== undefined
        ? data.cooperationStart
        : before.cooperationStart
          ? fromDateColumn(before.cooperationStart)
          : null;
    const status = data.status ?? before.status;
    // A lost customer keeps why it was lost; leaving LOST clears the reason.
    const lostReason = status === "LOST" ? (data.lostReason !== undefined ? data.lostReason : before.lostReason) : null;
    if (status === "LOST" && !lostReason) throw new InvalidInputError("customer.lost_reason_required", { field: "lostReason" });
    const renamed = data.name !== undefined && cleanName(data.name) !== before.name ? nameSearchKeys(cleanName(data.name)) : null;
    if (renamed && renamed.nameKey !== before.nameKey) {
      const clash = await tx.customer.findUnique({ where: { tenantId_nameKey: { tenantId: actor.tenantId, nameKey: renamed.nameKey } } });
      if (clash) throw new ConflictError("customer.duplicate_name", { name: clash.name, field: "name" });
    }
    const computed = computeTier(
      tt.tenant.settings,
      {
        annualPurchaseFen,
        strategic,
        cooperationStart,
        status,
        hasPurchases: await hasPurchaseOrders(tx, actor.tenantId, before.id),
      },
      tt.today,
    );
    const next = {
      ...(renamed ? { name: cleanName(data.name!), ...renamed } : {}),
      lostReason,
      industry: data.industry !== undefined ? data.industry : before.industry,
      // A region kept from before the tenant's list (or since removed from it) stays as it is.
      region: data.region !== undefined && data.region !== before.region ? await customerRegion(tx, actor.tenantId, data.region) : before.region,
      annualPurchaseFen,
      strategic,
      cooperationStart: cooperationStart ? toDateColumn(cooperationStart) : null,
      creditRating: data.creditRating !== undefined ? data.creditRating : before.creditRating,
      creditLimitFen: data.creditLimitFen !== undefined ? data.creditLimitFen : before.creditLimitFen,
      status,
      tier: effectiveTier(computed, before.tierOverride),
    };
    const diff = changedFields(customerAuditSnapshot(before), customerAuditSnapshot({ ...before, ...next }));
    if (Object.keys(diff.after).length === 0) return toCustomerView(before);
    let after: Customer;
    try {
      after = await tx.customer.update({ where: { id: before.id }, data: next });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError("customer.duplicate_name", { name: next.name ?? before.name, field: "name" });
      throw err;
    }
    await resyncCadence(tx, tt, before, after);
    await audit(tx, actor, "customer.updated", after.id, diff.before, diff.after);
    return toCustomerView(after);
  });
}

/** Overrides the computed tier (SUPERVISOR and up, with a reason); the cadence follows. */
export async function overrideTier(
  deps: CoreDeps,
  actor: Actor,
  customerId: string,
  tier: unknown,
  reason: string | null | undefined,
): Promise<CustomerView> {
  requireRoleAtLeast(actor, "SUPERVISOR");
  const parsedTier = tierSchema.safeParse(tier);
  if (!parsedTier.success) throw new InvalidInputError("customer.invalid_input", { field: "tier" });
  const parsedReason = tierOverrideReasonSchema.safeParse(reason ?? "");
  if (!parsedReason.success) throw new InvalidInputError("customer.invalid_input", { field: "reason" });
  if (parsedReason.data === "") throw new InvalidInputError("customer.tier_reason_required");
  const tt = await tenantToday(deps, actor.tenantId);
  return inTransaction(deps, async (tx) => {
    const before = await loadCustomerFor(tx, actor, customerId);
    const after = await tx.customer.update({
      where: { id: before.id },
      data: { tier: parsedTier.data, tierOverride: parsedTier.data, tierOverrideReason: parsedReason.data },
    });
    await resyncCadence(tx, tt, before, after);
    await audit(
      tx,
      actor,
      "customer.tier_overridden",
      after.id,
      { tier: before.tier, tierOverride: before.tierOverride, tierOverrideReason: before.tierOverrideReason },
      { tier: after.tier, tierOverride: after.tierOverride, tierOverrideReason: after.tierOverrideReason },
    );
    return toCustomerView(after);
  });
}

/** Removes an override: the computed tier applies again (SUPERVISOR and up). */
export async function clearTierOverride(deps: CoreDeps, actor: Actor, customerId: string): Promise<CustomerView> {
  requireRoleAtLeast(actor, "SUPERVISOR");
  const tt = await tenantToday(deps, actor.tenantId);
  return inTransaction(deps, async (tx) => {
    const before = await loadCustomerFor(tx, actor, customerId);
    if (before.tierOverride === null) return toCustomerView(before);
    const computed = computeTier(
      tt.tenant.settings,
      {
        annualPurchaseFen: before.annualPurchaseFen,
        strategic: before.strategic,
        cooperationStart: before.cooperationStart ? fromDateColumn(before.cooperationStart) : null,
        status: before.status,
        hasPurchases: await hasPurchaseOrders(tx, actor.tenantId, before.id),
      },
      tt.today,
    );
    const after = await tx.customer.update({
      where: { id: before.id },
      data: { tier: computed, tierOverride: null, tierOverrideReason: null },
    });
    await resyncCadence(tx, tt, before, after);
    await audit(
      tx,
      actor,
      "customer.tier_override_cleared",
      after.id,
      { tier: before.tier, tierOverride: before.tierOverride, tierOverrideReason: before.tierOverrideReason },
      { tier: after.tier, tierOverride: null, tierOverrideReason: null },
    );
    return toCustomerView(after);
  });
}

export interface PurchaseOrderView {
  id: string;
  customerId: string;
  orderedOn: LocalDate;
  amountFen: bigint;
  reference: string | null;
}

/**
 * Records a purchase order (the churn signal's input). A PROSPECT's first order makes it an
 * ACTIVE customer, re-tiered from C to B (or higher) with its cadence callback.
 */
export async function recordPurchaseOrder(
  deps: CoreDeps,
  actor: Actor,
  customerId: string,
  input: unknown,
): Promise<{ order: PurchaseOrderView; customer: CustomerView }> {
  const data = parseCustomerInput(purchaseOrderSchema, input);
  const tt = await tenantToday(deps, actor.tenantId);
  if (data.orderedOn > tt.today) throw new InvalidInputError("customer.order_in_future", { date: data.orderedOn });
  return inTransaction(deps, async (tx) => {
    const before = await loadCustomerFor(tx, actor, customerId);
    const order = await tx.purchaseOrder.create({
      data: {
        tenantId: actor.tenantId,
        customerId: before.id,
        orderedOn: toDateColumn(data.orderedOn),
        amountFen: data.amountFen,
        reference: data.reference ?? null,
      },
    });
    const orderView: PurchaseOrderView = {
      id: order.id,
      customerId: order.customerId,
      orderedOn: fromDateColumn(order.orderedOn),
      amountFen: order.amountFen,
      reference: order.reference,
    };
    await audit(tx, actor, "purchase_order.recorded", order.id, undefined, { ...orderView }, "PurchaseOrder");
    if (before.status !== "PROSPECT") return { order: orderView, customer: toCustomerView(before) };
    const computed = computeTier(
      tt.tenant.settings,
      {
        annualPurchaseFen: before.annualPurchaseFen,
        strategic: before.strategic,
        cooperationStart: before.cooperationStart ? fromDateColumn(before.cooperationStart) : null,
        status: "ACTIVE",
        hasPurchases: true,
      },
      tt.today,
    );
    const after = await tx.customer.update({
      where: { id: before.id },
      data: { status: "ACTIVE", tier: effectiveTier(computed, before.tierOverride) },
    });
    await resyncCadence(tx, tt, before, after);
    const diff = changedFields(customerAuditSnapshot(before), customerAuditSnapshot(after));
    await audit(tx, actor, "customer.updated", after.id, diff.before, diff.after);
    return { order: orderView, customer: toCustomerView(after) };
  });
}

/** How many customers one transaction of the daily tier recompute re-tiers at most. */
const RETIER_BATCH = 200;

/**
 * The daily tier recompute (scheduler sweep). Tiers are recomputed whenever a customer changes;
 * the one input that changes by itself is time: a customer reaches `aCooperationYears` of
 * cooperation (DESIGN.md §2: A at five years) on a day nobody touches it. Those customers, and
 * only they (no override, not churned, below A), are re-tiered as of the tenant's today, their
 * cadence callback re-synced, each change audited as the system's. Idempotent: a second run the
 * same day finds nothing. Returns how many customers changed tier.
 */
export async function recomputeTiersByCooperation(deps: CoreDeps, tenant: TenantView): Promise<number> {
  await fillMissingSearchKeys(deps, tenant.id);
  const tt: TenantToday = { tenant, today: localDateOf(deps.clock.now(), tenant.timeZone) };
  const years = tenant.settings.tiers.aCooperationYears;
  // Candidates: started on or before this day `years` ago, with a day to spare around 29 February;
  // computeTier decides.
  const [y, m, d] = tt.today.split("-").map(Number) as [number, number, number];
  const latestStart = toDateColumn(addDays(new Date(Date.UTC(y - years, m - 1, d)).toISOString().slice(0, 10), 1));
  let changed = 0;
  let after = "";
  for (;;) {
    const candidates = await deps.db.customer.findMany({
      where: {
        tenantId: tenant.id,
        id: { gt: after },
        tierOverride: null,
        status: { notIn: ["CHURNED", "LOST"] },
        tier: { in: ["B", "C"] },
        cooperationStart: { not: null, lte: latestStart },
      },
      orderBy: { id: "asc" },
      take: RETIER_BATCH,
    });
    if (candidates.length === 0) return changed;
    after = candidates[candidates.length - 1]!.id;
    await inTransaction(deps, async (tx) => {
      for (const candidate of candidates) {
        // Re-read inside the transaction: an edit since the query above wins.
        const before = await tx.customer.findFirst({ where: { id: candidate.id, tenantId: tenant.id, tierOverride: null } });
        if (!before) continue;
        const tier = computeTier(
          tenant.settings,
          {
            annualPurchaseFen: before.annualPurchaseFen,
            strategic: before.strategic,
            cooperationStart: before.cooperationStart ? fromDateColumn(before.cooperationStart) : null,
            status: before.status,
            hasPurchases: await hasPurchaseOrders(tx, tenant.id, before.id),
          },
          tt.today,
        );
        if (tier === before.tier) continue;
        const updated = await tx.customer.update({ where: { id: before.id }, data: { tier } });
        await resyncCadence(tx, tt, before, updated);
        await recordAudit(tx, {
          tenantId: tenant.id,
          actorId: null,
          platform: null,
          action: "customer.tier_recomputed",
          entityType: "Customer",
          entityId: updated.id,
          before: { tier: before.tier },
          after: { tier: updated.tier, reason: "cooperation_years", years },
        });
        changed++;
      }
    });
    if (candidates.length < RETIER_BATCH) return changed;
  }
}

/**
 * Writes the pinyin search keys of customers that have none (rows written before the keys
 * existed, or by a writer that did not set them), in batches. Run with the daily sweep.
 */
export async function fillMissingSearchKeys(deps: CoreDeps, tenantId: string): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await deps.db.customer.findMany({
      where: { tenantId, OR: [{ namePinyin: null }, { nameInitials: null }] },
      select: { id: true, name: true },
      take: RETIER_BATCH,
    });
    if (rows.length === 0) return filled;
    await inTransaction(deps, async (tx) => {
      for (const row of rows) {
        const { namePinyin, nameInitials } = nameSearchKeys(row.name);
        await tx.customer.update({ where: { id: row.id }, data: { namePinyin, nameInitials } });
      }
    });
    filled += rows.length;
  }
}
