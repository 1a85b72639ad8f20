-- AlterTable
ALTER TABLE "Patient" DROP COLUMN "eventCount",
DROP COLUMN "factCount";
