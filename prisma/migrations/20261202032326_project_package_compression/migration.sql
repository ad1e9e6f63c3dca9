-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "package_compression" VARCHAR(8) NOT NULL DEFAULT 'gzip';
