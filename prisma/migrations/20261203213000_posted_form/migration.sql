-- Forms posted as messages (Feishu form cards), shared by every replica: a submission with
-- errors is redrawn with its values wherever it lands. Rows expire (expiresAt) and are pruned.
-- CreateTable
CREATE TABLE "PostedForm" (
    "platform" "Platform" NOT NULL,
    "messageId" TEXT NOT NULL,
    "form" JSONB NOT NULL,
    "origin" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostedForm_pkey" PRIMARY KEY ("platform","messageId")
);

-- CreateIndex
CREATE INDEX "PostedForm_expiresAt_idx" ON "PostedForm"("expiresAt");
