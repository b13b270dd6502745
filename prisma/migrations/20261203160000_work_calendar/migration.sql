-- CreateEnum
CREATE TYPE "VisitPlanReason" AS ENUM ('CADENCE', 'MANUAL');

-- CreateEnum
CREATE TYPE "VisitPlanStatus" AS ENUM ('PLANNED', 'DONE', 'CANCELLED');

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "regions" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "contactIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "ackWarnAt" TIMESTAMP(3),
ADD COLUMN     "ackWarnedAt" TIMESTAMP(3),
ADD COLUMN     "resolveWarnAt" TIMESTAMP(3),
ADD COLUMN     "resolveWarnedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CalendarDay" (
    "tenantId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "working" BOOLEAN NOT NULL,
    "name" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("tenantId","date")
);

-- CreateTable
CREATE TABLE "Region" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VisitPlan" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "assigneeId" TEXT NOT NULL,
    "plannedOn" DATE NOT NULL,
    "purpose" TEXT,
    "reason" "VisitPlanReason" NOT NULL,
    "status" "VisitPlanStatus" NOT NULL DEFAULT 'PLANNED',
    "openCadenceKey" TEXT,
    "visitId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VisitPlan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Region_tenantId_nameKey_key" ON "Region"("tenantId", "nameKey");

-- CreateIndex
CREATE INDEX "VisitPlan_tenantId_assigneeId_status_plannedOn_idx" ON "VisitPlan"("tenantId", "assigneeId", "status", "plannedOn");

-- CreateIndex
CREATE INDEX "VisitPlan_tenantId_status_plannedOn_idx" ON "VisitPlan"("tenantId", "status", "plannedOn");

-- CreateIndex
CREATE INDEX "VisitPlan_tenantId_customerId_status_idx" ON "VisitPlan"("tenantId", "customerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "VisitPlan_tenantId_openCadenceKey_key" ON "VisitPlan"("tenantId", "openCadenceKey");

-- CreateIndex
CREATE INDEX "Complaint_status_ackWarnedAt_ackWarnAt_idx" ON "Complaint"("status", "ackWarnedAt", "ackWarnAt");

-- CreateIndex
CREATE INDEX "Complaint_status_resolveWarnedAt_resolveWarnAt_idx" ON "Complaint"("status", "resolveWarnedAt", "resolveWarnAt");

-- AddForeignKey
ALTER TABLE "VisitPlan" ADD CONSTRAINT "VisitPlan_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

