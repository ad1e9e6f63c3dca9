-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "release_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "number" INTEGER;

-- Number the releases that exist, per project in creation order, and continue the count from there.
UPDATE "releases" r SET "number" = n.rn
  FROM (SELECT "id", row_number() OVER (PARTITION BY "project_id" ORDER BY "created_at", "id") AS rn FROM "releases") n
 WHERE r."id" = n."id";
UPDATE "projects" p SET "release_count" = COALESCE((SELECT max(r."number") FROM "releases" r WHERE r."project_id" = p."id"), 0);

-- CreateIndex
CREATE UNIQUE INDEX "releases_project_id_number_key" ON "releases"("project_id", "number");
