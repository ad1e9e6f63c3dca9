-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "settings" JSONB;
