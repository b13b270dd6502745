// A customer's credit (信用): rating, limit, receivables outstanding and overdue, available
// credit, last and next review; and recording a review (资信调查).
import type { Tier } from "@prisma/client";
import { recordAudit } from "../audit/audit.js";
import { requireCanActFor } from "../members/authorization.js";
import { inTransaction, type Actor, type CoreDeps, type Tx } from "../shared/context.js";
import { NotFoundError } from "../shared/errors.js";
import { fromDateColumn, localDateOf, toDateColumn, type LocalDate } from "../shared/time.js";
import { loadTenant } from "../tenants/tenants.js";
import { memberNames } from "../approvals/view.js";
import { creditExposure, nextReviewOn, type CreditExposure } from "./rules.js";
import { CUSTOMER_ENTITY } from "./requests.js";
import { creditReviewSchema, parseCreditInput } from "./schemas.js";

type Queryable = Tx | CoreDeps["db"];

export interface CreditReviewView {
  reviewedOn: LocalDate;
  rating: string;
  summary: string;
  reviewer: { id: string; name: string };
  nextReviewOn: LocalDate;
}

export interface CreditStatusView extends CreditExposure {
  customer: { id: string; name: string; tier: Tier; ownerId: string };
  rating: string | null;
  limitFen: bigint | null;
  lastReview: CreditReviewView | null;
  /** The last review's next date; null when never reviewed (due now). */
  nextReviewOn: LocalDate | null;
  reviewOverdue: boolean;
  /** The open credit request, if any. */
  pendingRequest: { id: string; number: number; requestedLimitFen: bigint } | null;
}

/** The credit figures of one customer as of `today`, in one read. */
export async function creditStatusOf(db: Queryable, tenantId: string, customerId: string, today: LocalDate): Promise<CreditStatusView> {
  const customer = await db.customer.findFirst({
    where: { id: customerId, tenantId },
    select: { id: true, name: true, tier: true, tierOverride: true, ownerId: true, creditRating: true, creditLimitFen: true },
  });
  if (!customer) throw new NotFoundError("credit.customer_not_found");
  const [receivables, review, pending] = await Promise.all([
    db.receivable.findMany({ where: { tenantId, customerId }, select: { amountFen: true, paidFen: true, dueDate: true } }),
    db.creditReview.findFirst({ where: { tenantId, customerId }, orderBy: [{ reviewedOn: "desc" }, { createdAt: "desc" }] }),
    db.creditRequest.findFirst({ where: { tenantId, customerId, status: "PENDING" }, select: { id: true, number: true, requestedLimitFen: true } }),
  ]);
  const exposure = creditExposure(
    receivables.map((r) => ({ amountFen: r.amountFen, paidFen: r.paidFen, dueDate: fromDateColumn(r.dueDate) })),
    customer.creditLimitFen,
    today,
  );
  let lastReview: CreditReviewView | null = null;
  if (review) {
    const names = await memberNames(db, tenantId, [review.reviewerId]);
    lastReview = {
      reviewedOn: fromDateColumn(review.reviewedOn),
      rating: review.rating,
      summary: review.summary,
      reviewer: { id: review.reviewerId, name: names.get(review.reviewerId) ?? review.reviewerId },
      nextReviewOn: fromDateColumn(review.nextReviewOn),
    };
  }
  return {
    ...exposure,
    customer: { id: customer.id, name: customer.name, tier: customer.tierOverride ?? customer.tier, ownerId: customer.ownerId },
    rating: customer.creditRating,
    limitFen: customer.creditLimitFen,
    lastReview,
    nextReviewOn: lastReview?.nextReviewOn ?? null,
    reviewOverdue: lastReview ? lastReview.nextReviewOn < today : false,
    pendingRequest: pending,
  };
}

/** `credit <customer>`: for the customer's account manager and their superiors. */
export async function getCreditStatus(deps: CoreDeps, actor: Actor, customerId: string): Promise<CreditStatusView> {
  const tenant = await loadTenant(deps.db, actor.tenantId);
  const owner = await deps.db.customer.findFirst({ where: { id: customerId, tenantId: actor.tenantId }, select: { ownerId: true } });
  if (!owner) throw new NotFoundError("credit.customer_not_found");
  await requireCanActFor(deps.db, actor, owner.ownerId);
  return creditStatusOf(deps.db, actor.tenantId, customerId, localDateOf(deps.clock.now(), tenant.timeZone));
}

/** Records a credit review: the rating becomes the customer's, the next review is scheduled by tier. */
export async function recordCreditReview(deps: CoreDeps, actor: Actor, input: unknown): Promise<CreditStatusView> {
  const data = parseCreditInput(creditReviewSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps, async (tx) => {
    const tenant = await loadTenant(tx, actor.tenantId);
    const customer = await tx.customer.findFirst({
      where: { id: data.customerId, tenantId: actor.tenantId },
      select: { id: true, ownerId: true, tier: true, tierOverride: true, creditRating: true },
    });
    if (!customer) throw new NotFoundError("credit.customer_not_found");
    await requireCanActFor(tx, actor, customer.ownerId);
    const today = localDateOf(now, tenant.timeZone);
    const next = nextReviewOn(tenant.settings, customer.tierOverride ?? customer.tier, today);
    const review = await tx.creditReview.create({
      data: {
        tenantId: actor.tenantId,
        customerId: customer.id,
        reviewerId: actor.memberId,
        rating: data.rating,
        summary: data.summary,
        reviewedOn: toDateColumn(today),
        nextReviewOn: toDateColumn(next),
      },
    });
    await tx.customer.update({ where: { id: customer.id }, data: { creditRating: data.rating } });
    await recordAudit(tx, {
      tenantId: actor.tenantId,
      actorId: actor.memberId,
      platform: actor.platform,
      action: "customer.credit_reviewed",
      entityType: CUSTOMER_ENTITY,
      entityId: customer.id,
      before: { creditRating: customer.creditRating },
      after: { creditRating: data.rating, reviewId: review.id, reviewedOn: today, nextReviewOn: next, summary: data.summary },
    });
    return creditStatusOf(tx, actor.tenantId, customer.id, today);
  });
}

/**
 * The credit figures for the customer card, or null when the customer has no credit to speak of
 * (no rating, no limit, no receivables), so cards of customers without credit stay as they were.
 */
export async function creditSummaryFor(db: Queryable, tenantId: string, customerId: string, today: LocalDate): Promise<CreditStatusView | null> {
  const [customer, receivables] = await Promise.all([
    db.customer.findFirst({ where: { id: customerId, tenantId }, select: { creditRating: true, creditLimitFen: true } }),
    db.receivable.count({ where: { tenantId, customerId } }),
  ]);
  if (!customer || (customer.creditRating === null && customer.creditLimitFen === null && receivables === 0)) return null;
  return creditStatusOf(db, tenantId, customerId, today);
}
