// The figures a customer card shows beside the churn score: the last 12 months' purchases with
// their change against the 12 months before, and the latest satisfaction survey answer with its
// trend. Two small indexed reads for one customer.
import type { CoreDeps } from "../shared/context.js";
import { addDays, localDateOf } from "../shared/time.js";
import { latestSurveyScores, type CustomerSurveyScores } from "../surveys/surveys.js";
import type { TenantView } from "../tenants/tenants.js";
import { growth } from "./rules.js";

export interface CustomerFigures {
  purchases: { last12MonthsFen: bigint; previous12MonthsFen: bigint; change: number | null };
  survey: CustomerSurveyScores | null;
}

export async function customerFigures(db: CoreDeps["db"], tenant: TenantView, customerId: string, now: Date): Promise<CustomerFigures> {
  const today = localDateOf(now, tenant.timeZone);
  const yearAgo = addDays(today, -365);
  const twoYearsAgo = addDays(today, -730);
  const [sums] = await db.$queryRaw<Array<{ last: bigint | null; previous: bigint | null }>>`
    SELECT sum(po."amountFen") FILTER (WHERE po."orderedOn" > ${yearAgo}::date)::bigint AS last,
      sum(po."amountFen") FILTER (WHERE po."orderedOn" <= ${yearAgo}::date)::bigint AS previous
    FROM "PurchaseOrder" po
    WHERE po."tenantId" = ${tenant.id} AND po."customerId" = ${customerId}
      AND po."orderedOn" > ${twoYearsAgo}::date AND po."orderedOn" <= ${today}::date`;
  const last = BigInt(sums?.last ?? 0n);
  const previous = BigInt(sums?.previous ?? 0n);
  return {
    purchases: { last12MonthsFen: last, previous12MonthsFen: previous, change: growth(last, previous) },
    survey: await latestSurveyScores(db, tenant.id, customerId),
  };
}
