-- CreateEnum
CREATE TYPE "ApprovalKind" AS ENUM ('HOSPITALITY', 'CREDIT');

-- CreateEnum
CREATE TYPE "CreditRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "nextCreditRequestNo" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "HospitalityRequest" ADD COLUMN     "afterTheFact" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ApprovalStep" ADD COLUMN     "creditRequestId" TEXT,
ADD COLUMN     "kind" "ApprovalKind" NOT NULL DEFAULT 'HOSPITALITY',
ADD COLUMN     "routedFromId" TEXT,
ADD COLUMN     "routedReason" TEXT,
ALTER COLUMN "requestId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "CreditRequest" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "requesterId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "currentLimitFen" BIGINT,
    "requestedLimitFen" BIGINT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "CreditRequestStatus" NOT NULL DEFAULT 'PENDING',
    "decidedAt" TIMESTAMP(3),
    "cancelReason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CreditRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditReview" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "rating" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "reviewedOn" DATE NOT NULL,
    "nextReviewOn" DATE NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Receivable" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "invoiceNo" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "paidFen" BIGINT NOT NULL DEFAULT 0,
    "dueDate" DATE NOT NULL,
    "overdueAlertedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Receivable_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberAbsence" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "fromDate" DATE NOT NULL,
    "toDate" DATE NOT NULL,
    "delegateId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberAbsence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CreditRequest_tenantId_customerId_status_idx" ON "CreditRequest"("tenantId", "customerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CreditRequest_tenantId_number_key" ON "CreditRequest"("tenantId", "number");

-- CreateIndex
CREATE INDEX "CreditReview_tenantId_customerId_reviewedOn_idx" ON "CreditReview"("tenantId", "customerId", "reviewedOn");

-- CreateIndex
CREATE INDEX "CreditReview_tenantId_nextReviewOn_idx" ON "CreditReview"("tenantId", "nextReviewOn");

-- CreateIndex
CREATE INDEX "Receivable_tenantId_customerId_idx" ON "Receivable"("tenantId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Receivable_tenantId_invoiceNo_key" ON "Receivable"("tenantId", "invoiceNo");

-- CreateIndex
CREATE INDEX "MemberAbsence_tenantId_memberId_toDate_idx" ON "MemberAbsence"("tenantId", "memberId", "toDate");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalStep_creditRequestId_position_key" ON "ApprovalStep"("creditRequestId", "position");

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_creditRequestId_fkey" FOREIGN KEY ("creditRequestId") REFERENCES "CreditRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditRequest" ADD CONSTRAINT "CreditRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CreditReview" ADD CONSTRAINT "CreditReview_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Receivable" ADD CONSTRAINT "Receivable_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A step belongs to exactly one request, of the kind it says (Prisma cannot express this).
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_one_request_check" CHECK (
  ("kind" = 'HOSPITALITY' AND "requestId" IS NOT NULL AND "creditRequestId" IS NULL)
  OR ("kind" = 'CREDIT' AND "creditRequestId" IS NOT NULL AND "requestId" IS NULL)
);
