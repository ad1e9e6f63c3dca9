-- CreateEnum
CREATE TYPE "GitPlatformKind" AS ENUM ('gitlab', 'github', 'gitee');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "default_branch" VARCHAR(255),
ADD COLUMN     "git_platform_id" UUID,
ADD COLUMN     "remote_project_id" BIGINT;

-- CreateTable
CREATE TABLE "git_platforms" (
    "id" UUID NOT NULL,
    "group_id" UUID,
    "name" VARCHAR(100) NOT NULL,
    "kind" "GitPlatformKind" NOT NULL,
    "base_url" VARCHAR(2048) NOT NULL,
    "credential_id" UUID NOT NULL,
    "checked_at" TIMESTAMPTZ(3),
    "check_ok" BOOLEAN,
    "check_message" VARCHAR(1000),
    "token_user" VARCHAR(255),
    "token_scopes" VARCHAR(64)[] DEFAULT ARRAY[]::VARCHAR(64)[],
    "sync_running_since" TIMESTAMPTZ(3),
    "sync_mode" VARCHAR(16),
    "sync_tried_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3),
    "full_synced_at" TIMESTAMPTZ(3),
    "sync_ok" BOOLEAN,
    "sync_message" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "git_platforms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "git_remote_projects" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "remote_id" BIGINT NOT NULL,
    "path_with_namespace" VARCHAR(1024) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "default_branch" VARCHAR(255),
    "http_url" VARCHAR(2048) NOT NULL,
    "ssh_url" VARCHAR(2048),
    "web_url" VARCHAR(2048) NOT NULL,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "last_activity_at" TIMESTAMPTZ(3),
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "git_remote_projects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "git_platforms_credential_id_idx" ON "git_platforms"("credential_id");

-- CreateIndex
CREATE UNIQUE INDEX "git_platforms_group_id_name_key" ON "git_platforms"("group_id", "name");

-- CreateIndex
CREATE INDEX "git_remote_projects_platform_id_path_with_namespace_idx" ON "git_remote_projects"("platform_id", "path_with_namespace");

-- CreateIndex
CREATE UNIQUE INDEX "git_remote_projects_platform_id_remote_id_key" ON "git_remote_projects"("platform_id", "remote_id");

-- CreateIndex
CREATE INDEX "projects_git_platform_id_idx" ON "projects"("git_platform_id");

-- AddForeignKey
ALTER TABLE "git_platforms" ADD CONSTRAINT "git_platforms_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_platforms" ADD CONSTRAINT "git_platforms_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_remote_projects" ADD CONSTRAINT "git_remote_projects_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "git_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_git_platform_id_fkey" FOREIGN KEY ("git_platform_id") REFERENCES "git_platforms"("id") ON DELETE SET NULL ON UPDATE CASCADE;
