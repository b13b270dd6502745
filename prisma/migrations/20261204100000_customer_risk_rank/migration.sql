-- The customer list's sort key on the row (issue #15): the churn level of the latest risk
-- snapshot as a rank (0 high, 1 medium, 2 not at risk), kept by the snapshot step, so a page
-- of 100,000 customers is one ordered index range instead of a join with the snapshot.
ALTER TABLE "Customer" ADD COLUMN "riskRank" SMALLINT NOT NULL DEFAULT 2;

UPDATE "Customer" c
SET "riskRank" = CASE rs.level WHEN 'HIGH' THEN 0 ELSE 1 END
FROM "RiskSnapshot" rs
WHERE rs."tenantId" = c."tenantId" AND rs."customerId" = c.id
  AND rs."localDate" = (SELECT max(s."localDate") FROM "RiskSnapshot" s WHERE s."tenantId" = c."tenantId");

DROP INDEX "Customer_tenantId_tier_nameKey_idx";
CREATE INDEX "Customer_tenantId_tier_riskRank_nameKey_idx" ON "Customer"("tenantId", "tier", "riskRank", "nameKey");
