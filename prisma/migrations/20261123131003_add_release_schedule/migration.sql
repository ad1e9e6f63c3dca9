-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "scheduled_at" TIMESTAMPTZ(3);
