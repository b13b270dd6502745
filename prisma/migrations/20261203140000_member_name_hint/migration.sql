-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "nameIsHint" BOOLEAN NOT NULL DEFAULT false;
