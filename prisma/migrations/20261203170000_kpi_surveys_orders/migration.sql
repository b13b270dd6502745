-- CreateEnum
CREATE TYPE "CallbackResult" AS ENUM ('REACHED', 'NO_ANSWER', 'CALL_LATER');

-- CreateEnum
CREATE TYPE "SurveyTaskStatus" AS ENUM ('PENDING', 'DONE');

-- AlterTable
ALTER TABLE "Callback" ADD COLUMN     "originalDueOn" DATE,
ADD COLUMN     "postponedAt" TIMESTAMP(3),
ADD COLUMN     "result" "CallbackResult";

-- CreateTable
CREATE TABLE "Survey" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "dimensions" TEXT[],
    "tiers" "Tier"[] DEFAULT ARRAY[]::"Tier"[],
    "regions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "alertAtOrBelow" INTEGER NOT NULL DEFAULT 2,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyTask" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "assigneeId" TEXT NOT NULL,
    "status" "SurveyTaskStatus" NOT NULL DEFAULT 'PENDING',
    "scores" JSONB,
    "minScore" INTEGER,
    "avgScore" DOUBLE PRECISION,
    "nps" INTEGER,
    "comment" TEXT,
    "respondedAt" TIMESTAMP(3),
    "respondedById" TEXT,
    "followUpCallbackId" TEXT,
    "followUpComplaintId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Survey_tenantId_nameKey_key" ON "Survey"("tenantId", "nameKey");

-- CreateIndex
CREATE INDEX "SurveyTask_tenantId_assigneeId_status_idx" ON "SurveyTask"("tenantId", "assigneeId", "status");

-- CreateIndex
CREATE INDEX "SurveyTask_tenantId_customerId_respondedAt_idx" ON "SurveyTask"("tenantId", "customerId", "respondedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyTask_surveyId_customerId_key" ON "SurveyTask"("surveyId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "PurchaseOrder_tenantId_reference_key" ON "PurchaseOrder"("tenantId", "reference");

-- AddForeignKey
ALTER TABLE "SurveyTask" ADD CONSTRAINT "SurveyTask_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

