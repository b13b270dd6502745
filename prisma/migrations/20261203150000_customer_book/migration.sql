-- Trigram matching for substring and pinyin search of customer names (PostgreSQL contrib;
-- PGlite loads it as @electric-sql/pglite/contrib/pg_trgm, see src/db/embedded.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- AlterEnum
ALTER TYPE "CustomerStatus" ADD VALUE 'LOST';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "lostReason" TEXT,
ADD COLUMN     "nameInitials" TEXT,
ADD COLUMN     "namePinyin" TEXT;

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "primary" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Customer_nameKey_trgm_idx" ON "Customer" USING GIN ("nameKey" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_namePinyin_trgm_idx" ON "Customer" USING GIN ("namePinyin" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_nameInitials_trgm_idx" ON "Customer" USING GIN ("nameInitials" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Customer_tenantId_tier_nameKey_idx" ON "Customer"("tenantId", "tier", "nameKey");

