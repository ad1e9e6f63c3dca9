-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "build_agent_id" UUID;

-- AlterTable
ALTER TABLE "servers" ADD COLUMN     "build_agent" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "projects_build_agent_id_idx" ON "projects"("build_agent_id");

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_build_agent_id_fkey" FOREIGN KEY ("build_agent_id") REFERENCES "servers"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
