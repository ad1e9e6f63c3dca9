-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "rollback_needs_approval" BOOLEAN NOT NULL DEFAULT false;
