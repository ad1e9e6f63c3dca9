-- AlterTable
ALTER TABLE "servers" ADD COLUMN     "last_test_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_test_error" VARCHAR(2000),
ADD COLUMN     "last_test_error_code" VARCHAR(64),
ADD COLUMN     "last_test_ok" BOOLEAN;
