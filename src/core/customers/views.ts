// Plain data the customer use cases return (no Prisma types leak past the core).
import type { Customer, CustomerStatus, Tier } from "@prisma/client";
import { fromDateColumn, type LocalDate } from "../shared/time.js";

export interface CustomerView {
  id: string;
  tenantId: string;
  name: string;
  /** The effective tier (see rules.ts). */
  tier: Tier;
  tierOverridden: boolean;
  tierOverrideReason: string | null;
  strategic: boolean;
  status: CustomerStatus;
  ownerId: string;
  industry: string | null;
  region: string | null;
  annualPurchaseFen: bigint;
  cooperationStart: LocalDate | null;
  creditRating: string | null;
  creditLimitFen: bigint | null;
  lostReason: string | null;
  lastContactAt: Date | null;
  createdAt: Date;
}

export function toCustomerView(c: Customer): CustomerView {
  return {
    id: c.id,
    tenantId: c.tenantId,
    name: c.name,
    tier: c.tier,
    tierOverridden: c.tierOverride !== null,
    tierOverrideReason: c.tierOverrideReason,
    strategic: c.strategic,
    status: c.status,
    ownerId: c.ownerId,
    industry: c.industry,
    region: c.region,
    annualPurchaseFen: c.annualPurchaseFen,
    cooperationStart: c.cooperationStart ? fromDateColumn(c.cooperationStart) : null,
    creditRating: c.creditRating,
    creditLimitFen: c.creditLimitFen,
    lostReason: c.lostReason,
    lastContactAt: c.lastContactAt,
    createdAt: c.createdAt,
  };
}

/** The audited fields of a customer (before/after of AuditLog rows). */
export function customerAuditSnapshot(c: Customer): Record<string, unknown> {
  return {
    name: c.name,
    tier: c.tier,
    tierOverride: c.tierOverride,
    tierOverrideReason: c.tierOverrideReason,
    strategic: c.strategic,
    status: c.status,
    ownerId: c.ownerId,
    industry: c.industry,
    region: c.region,
    annualPurchaseFen: c.annualPurchaseFen,
    cooperationStart: c.cooperationStart ? fromDateColumn(c.cooperationStart) : null,
    creditRating: c.creditRating,
    creditLimitFen: c.creditLimitFen,
    lostReason: c.lostReason,
  };
}

/** Only the keys whose values differ, for compact before/after audit rows. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (before[key] !== after[key]) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
