-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Platform" AS ENUM ('SLACK', 'FEISHU', 'CONSOLE');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('SPECIALIST', 'SUPERVISOR', 'MANAGER', 'ADMIN');

-- CreateEnum
CREATE TYPE "Tier" AS ENUM ('VIP', 'A', 'B', 'C');

-- CreateEnum
CREATE TYPE "CustomerStatus" AS ENUM ('PROSPECT', 'ACTIVE', 'AT_RISK', 'CHURNED');

-- CreateEnum
CREATE TYPE "VisitKind" AS ENUM ('ON_SITE', 'PHONE', 'VIDEO', 'RECEPTION', 'EMAIL');

-- CreateEnum
CREATE TYPE "CallbackReason" AS ENUM ('CADENCE', 'AFTER_VISIT', 'AFTER_COMPLAINT', 'MANUAL');

-- CreateEnum
CREATE TYPE "CallbackStatus" AS ENUM ('PENDING', 'DONE', 'SKIPPED');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "ComplaintCategory" AS ENUM ('PRODUCT', 'SERVICE', 'DELIVERY', 'BILLING', 'OTHER');

-- CreateEnum
CREATE TYPE "ComplaintStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "ComplaintEventKind" AS ENUM ('REGISTERED', 'ACKNOWLEDGED', 'RESOLVED', 'CLOSED', 'REOPENED', 'ESCALATED', 'REASSIGNED', 'NOTE');

-- CreateEnum
CREATE TYPE "HospitalityKind" AS ENUM ('MEAL', 'BANQUET', 'GIFT', 'EVENT', 'TRAVEL');

-- CreateEnum
CREATE TYPE "HospitalityStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED', 'SETTLED');

-- CreateEnum
CREATE TYPE "ApprovalStepStatus" AS ENUM ('WAITING', 'PENDING', 'APPROVED', 'REJECTED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "ApproverRole" AS ENUM ('SUPERVISOR', 'MANAGER', 'FINAL');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED');

-- CreateEnum
CREATE TYPE "DigestKind" AS ENUM ('CALLBACKS', 'CHURN');

-- CreateEnum
CREATE TYPE "DigestRunStatus" AS ENUM ('RUNNING', 'COMPLETED');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "nextComplaintNo" INTEGER NOT NULL DEFAULT 1,
    "nextHospitalityNo" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'SPECIALIST',
    "supervisorId" TEXT,
    "locale" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberIdentity" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "industry" TEXT,
    "region" TEXT,
    "tier" "Tier" NOT NULL DEFAULT 'C',
    "tierOverride" "Tier",
    "tierOverrideReason" TEXT,
    "strategic" BOOLEAN NOT NULL DEFAULT false,
    "ownerId" TEXT NOT NULL,
    "status" "CustomerStatus" NOT NULL DEFAULT 'PROSPECT',
    "annualPurchaseFen" BIGINT NOT NULL DEFAULT 0,
    "cooperationStart" DATE,
    "creditRating" TEXT,
    "creditLimitFen" BIGINT,
    "lastContactAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PurchaseOrder" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "orderedOn" DATE NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "reference" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PurchaseOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Visit" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "visitorId" TEXT NOT NULL,
    "coVisitorIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "kind" "VisitKind" NOT NULL,
    "purpose" TEXT,
    "summary" TEXT NOT NULL,
    "feedback" TEXT,
    "nextStep" TEXT,
    "nextFollowUpOn" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Callback" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "assigneeId" TEXT NOT NULL,
    "dueOn" DATE NOT NULL,
    "reason" "CallbackReason" NOT NULL,
    "status" "CallbackStatus" NOT NULL DEFAULT 'PENDING',
    "note" TEXT,
    "outcome" TEXT,
    "satisfaction" INTEGER,
    "snoozeCount" INTEGER NOT NULL DEFAULT 0,
    "openCadenceKey" TEXT,
    "sourceVisitId" TEXT,
    "sourceComplaintId" TEXT,
    "completedAt" TIMESTAMP(3),
    "completedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Callback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Complaint" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "customerId" TEXT NOT NULL,
    "reporterId" TEXT NOT NULL,
    "assigneeId" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "category" "ComplaintCategory" NOT NULL,
    "description" TEXT NOT NULL,
    "status" "ComplaintStatus" NOT NULL DEFAULT 'OPEN',
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "ackDueAt" TIMESTAMP(3) NOT NULL,
    "resolveDueAt" TIMESTAMP(3) NOT NULL,
    "acknowledgedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "ackBreachedAt" TIMESTAMP(3),
    "resolveBreachedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Complaint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComplaintEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "complaintId" TEXT NOT NULL,
    "kind" "ComplaintEventKind" NOT NULL,
    "actorId" TEXT,
    "fromLevel" INTEGER,
    "toLevel" INTEGER,
    "assigneeId" TEXT,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ComplaintEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HospitalityRequest" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "requesterId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "eventDate" DATE NOT NULL,
    "kind" "HospitalityKind" NOT NULL,
    "guests" INTEGER NOT NULL,
    "staff" INTEGER NOT NULL,
    "estimatedFen" BIGINT NOT NULL,
    "venue" TEXT,
    "purpose" TEXT NOT NULL,
    "status" "HospitalityStatus" NOT NULL DEFAULT 'PENDING',
    "perHeadFlagged" BOOLEAN NOT NULL DEFAULT false,
    "actualFen" BIGINT,
    "overspendFlagged" BOOLEAN NOT NULL DEFAULT false,
    "decidedAt" TIMESTAMP(3),
    "settledAt" TIMESTAMP(3),
    "cancelReason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HospitalityRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalStep" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "role" "ApproverRole" NOT NULL,
    "approverId" TEXT NOT NULL,
    "status" "ApprovalStepStatus" NOT NULL DEFAULT 'WAITING',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "reason" TEXT,
    "pendingSince" TIMESTAMP(3),
    "lastRemindedAt" TIMESTAMP(3),

    CONSTRAINT "ApprovalStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "actorId" TEXT,
    "platform" "Platform",
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "id" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "eventKey" TEXT NOT NULL,
    "tenantId" TEXT,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "kind" "DigestKind" NOT NULL,
    "localDate" DATE NOT NULL,
    "status" "DigestRunStatus" NOT NULL DEFAULT 'RUNNING',
    "owner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "recipients" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestDelivery" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" "DigestKind" NOT NULL,
    "localDate" DATE NOT NULL,
    "recipientId" TEXT NOT NULL,
    "outboxId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "target" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "platformMessageId" TEXT,
    "entityType" TEXT,
    "entityId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchedulerLease" (
    "key" TEXT NOT NULL,
    "holder" TEXT,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SchedulerLease_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "MessageRef" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "platform" "Platform" NOT NULL,
    "channel" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageRef_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskSnapshot" (
    "tenantId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "localDate" DATE NOT NULL,
    "score" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,

    CONSTRAINT "RiskSnapshot_pkey" PRIMARY KEY ("tenantId","localDate","customerId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_platform_externalId_key" ON "Tenant"("platform", "externalId");

-- CreateIndex
CREATE INDEX "Member_tenantId_supervisorId_idx" ON "Member"("tenantId", "supervisorId");

-- CreateIndex
CREATE INDEX "Member_tenantId_role_idx" ON "Member"("tenantId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Member_tenantId_id_key" ON "Member"("tenantId", "id");

-- CreateIndex
CREATE INDEX "MemberIdentity_memberId_idx" ON "MemberIdentity"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberIdentity_tenantId_platform_platformUserId_key" ON "MemberIdentity"("tenantId", "platform", "platformUserId");

-- CreateIndex
CREATE INDEX "Customer_tenantId_nameKey_prefix_idx" ON "Customer"("tenantId", "nameKey" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Customer_tenantId_ownerId_idx" ON "Customer"("tenantId", "ownerId");

-- CreateIndex
CREATE INDEX "Customer_tenantId_tier_idx" ON "Customer"("tenantId", "tier");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_tenantId_nameKey_key" ON "Customer"("tenantId", "nameKey");

-- CreateIndex
CREATE INDEX "Contact_tenantId_customerId_idx" ON "Contact"("tenantId", "customerId");

-- CreateIndex
CREATE INDEX "PurchaseOrder_tenantId_customerId_orderedOn_idx" ON "PurchaseOrder"("tenantId", "customerId", "orderedOn");

-- CreateIndex
CREATE INDEX "PurchaseOrder_tenantId_orderedOn_idx" ON "PurchaseOrder"("tenantId", "orderedOn");

-- CreateIndex
CREATE INDEX "Visit_tenantId_customerId_occurredAt_idx" ON "Visit"("tenantId", "customerId", "occurredAt");

-- CreateIndex
CREATE INDEX "Visit_tenantId_visitorId_occurredAt_idx" ON "Visit"("tenantId", "visitorId", "occurredAt");

-- CreateIndex
CREATE INDEX "Callback_tenantId_assigneeId_status_dueOn_idx" ON "Callback"("tenantId", "assigneeId", "status", "dueOn");

-- CreateIndex
CREATE INDEX "Callback_tenantId_customerId_status_idx" ON "Callback"("tenantId", "customerId", "status");

-- CreateIndex
CREATE INDEX "Callback_tenantId_status_dueOn_idx" ON "Callback"("tenantId", "status", "dueOn");

-- CreateIndex
CREATE UNIQUE INDEX "Callback_tenantId_openCadenceKey_key" ON "Callback"("tenantId", "openCadenceKey");

-- CreateIndex
CREATE INDEX "Complaint_tenantId_status_ackDueAt_idx" ON "Complaint"("tenantId", "status", "ackDueAt");

-- CreateIndex
CREATE INDEX "Complaint_tenantId_status_resolveDueAt_idx" ON "Complaint"("tenantId", "status", "resolveDueAt");

-- CreateIndex
CREATE INDEX "Complaint_status_ackBreachedAt_ackDueAt_idx" ON "Complaint"("status", "ackBreachedAt", "ackDueAt");

-- CreateIndex
CREATE INDEX "Complaint_status_resolveBreachedAt_resolveDueAt_idx" ON "Complaint"("status", "resolveBreachedAt", "resolveDueAt");

-- CreateIndex
CREATE INDEX "Complaint_tenantId_assigneeId_status_idx" ON "Complaint"("tenantId", "assigneeId", "status");

-- CreateIndex
CREATE INDEX "Complaint_tenantId_customerId_status_idx" ON "Complaint"("tenantId", "customerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Complaint_tenantId_number_key" ON "Complaint"("tenantId", "number");

-- CreateIndex
CREATE INDEX "ComplaintEvent_tenantId_complaintId_at_idx" ON "ComplaintEvent"("tenantId", "complaintId", "at");

-- CreateIndex
CREATE INDEX "HospitalityRequest_tenantId_requesterId_status_idx" ON "HospitalityRequest"("tenantId", "requesterId", "status");

-- CreateIndex
CREATE INDEX "HospitalityRequest_tenantId_customerId_eventDate_idx" ON "HospitalityRequest"("tenantId", "customerId", "eventDate");

-- CreateIndex
CREATE INDEX "HospitalityRequest_tenantId_status_idx" ON "HospitalityRequest"("tenantId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "HospitalityRequest_tenantId_number_key" ON "HospitalityRequest"("tenantId", "number");

-- CreateIndex
CREATE INDEX "ApprovalStep_tenantId_approverId_status_idx" ON "ApprovalStep"("tenantId", "approverId", "status");

-- CreateIndex
CREATE INDEX "ApprovalStep_tenantId_status_pendingSince_idx" ON "ApprovalStep"("tenantId", "status", "pendingSince");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalStep_requestId_position_key" ON "ApprovalStep"("requestId", "position");

-- CreateIndex
CREATE INDEX "AuditLog_tenantId_entityType_entityId_idx" ON "AuditLog"("tenantId", "entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditLog_tenantId_at_idx" ON "AuditLog"("tenantId", "at");

-- CreateIndex
CREATE INDEX "ProcessedEvent_claimedAt_idx" ON "ProcessedEvent"("claimedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessedEvent_platform_eventKey_key" ON "ProcessedEvent"("platform", "eventKey");

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_tenantId_kind_localDate_key" ON "DigestRun"("tenantId", "kind", "localDate");

-- CreateIndex
CREATE INDEX "DigestDelivery_runId_idx" ON "DigestDelivery"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "DigestDelivery_tenantId_kind_localDate_recipientId_key" ON "DigestDelivery"("tenantId", "kind", "localDate", "recipientId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_tenantId_status_idx" ON "OutboxMessage"("tenantId", "status");

-- CreateIndex
CREATE INDEX "SchedulerLease_until_idx" ON "SchedulerLease"("until");

-- CreateIndex
CREATE INDEX "MessageRef_tenantId_entityType_entityId_idx" ON "MessageRef"("tenantId", "entityType", "entityId");

-- CreateIndex
CREATE UNIQUE INDEX "MessageRef_platform_channel_messageId_key" ON "MessageRef"("platform", "channel", "messageId");

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_supervisorId_fkey" FOREIGN KEY ("supervisorId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberIdentity" ADD CONSTRAINT "MemberIdentity_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Visit" ADD CONSTRAINT "Visit_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Callback" ADD CONSTRAINT "Callback_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintEvent" ADD CONSTRAINT "ComplaintEvent_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HospitalityRequest" ADD CONSTRAINT "HospitalityRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "HospitalityRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

