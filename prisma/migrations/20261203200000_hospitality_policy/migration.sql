-- Hospitality policy (issue #18): the tier and its per-head guideline snapshotted on the request.
-- AlterTable
ALTER TABLE "HospitalityRequest" ADD COLUMN     "perHeadGuidelineFen" BIGINT,
ADD COLUMN     "tierAtRequest" "Tier";
