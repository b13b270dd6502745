-- Visits and complaints captured from a chat message (message shortcuts) keep a link to it.
-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "sourceLink" TEXT;

-- AlterTable
ALTER TABLE "Complaint" ADD COLUMN     "sourceLink" TEXT;
