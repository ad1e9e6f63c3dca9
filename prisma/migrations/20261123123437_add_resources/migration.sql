-- CreateEnum
CREATE TYPE "CredentialKind" AS ENUM ('ssh_key', 'git_token');

-- CreateTable
CREATE TABLE "credentials" (
    "id" UUID NOT NULL,
    "group_id" UUID,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "kind" "CredentialKind" NOT NULL,
    "username" VARCHAR(128),
    "public_key" VARCHAR(16384),
    "fingerprint" VARCHAR(128),
    "secret_enc" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "servers" (
    "id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "host" VARCHAR(255) NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "username" VARCHAR(64) NOT NULL,
    "credential_id" UUID NOT NULL,
    "labels" VARCHAR(64)[] DEFAULT ARRAY[]::VARCHAR(64)[],
    "host_key_fingerprint" VARCHAR(128),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "git_url" VARCHAR(2048) NOT NULL,
    "git_credential_id" UUID,
    "preset" VARCHAR(32) NOT NULL,
    "build_command" TEXT NOT NULL DEFAULT '',
    "artifact_paths" VARCHAR(1024)[] DEFAULT ARRAY[]::VARCHAR(1024)[],
    "shared_dirs" VARCHAR(1024)[] DEFAULT ARRAY[]::VARCHAR(1024)[],
    "shared_files" VARCHAR(1024)[] DEFAULT ARRAY[]::VARCHAR(1024)[],
    "keep_releases" INTEGER NOT NULL DEFAULT 5,
    "restart_command" TEXT NOT NULL DEFAULT '',
    "health_check" JSONB,
    "hooks" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hook_templates" (
    "id" UUID NOT NULL,
    "group_id" UUID,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "script" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hook_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environments" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "deploy_path" VARCHAR(1024) NOT NULL,
    "variables" JSONB NOT NULL DEFAULT '[]',
    "rollout" JSONB NOT NULL,
    "require_approval" BOOLEAN NOT NULL DEFAULT false,
    "release_windows" JSONB NOT NULL DEFAULT '[]',
    "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environment_servers" (
    "environment_id" UUID NOT NULL,
    "server_id" UUID NOT NULL,

    CONSTRAINT "environment_servers_pkey" PRIMARY KEY ("environment_id","server_id")
);

-- CreateIndex
CREATE INDEX "credentials_name_idx" ON "credentials"("name");

-- CreateIndex
CREATE UNIQUE INDEX "credentials_group_id_name_key" ON "credentials"("group_id", "name");

-- CreateIndex
CREATE INDEX "servers_credential_id_idx" ON "servers"("credential_id");

-- CreateIndex
CREATE UNIQUE INDEX "servers_group_id_name_key" ON "servers"("group_id", "name");

-- CreateIndex
CREATE INDEX "projects_git_credential_id_idx" ON "projects"("git_credential_id");

-- CreateIndex
CREATE UNIQUE INDEX "projects_group_id_name_key" ON "projects"("group_id", "name");

-- CreateIndex
CREATE INDEX "hook_templates_name_idx" ON "hook_templates"("name");

-- CreateIndex
CREATE UNIQUE INDEX "hook_templates_group_id_name_key" ON "hook_templates"("group_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "environments_project_id_name_key" ON "environments"("project_id", "name");

-- CreateIndex
CREATE INDEX "environment_servers_server_id_idx" ON "environment_servers"("server_id");

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "servers" ADD CONSTRAINT "servers_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "servers" ADD CONSTRAINT "servers_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_git_credential_id_fkey" FOREIGN KEY ("git_credential_id") REFERENCES "credentials"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hook_templates" ADD CONSTRAINT "hook_templates_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environment_servers" ADD CONSTRAINT "environment_servers_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environment_servers" ADD CONSTRAINT "environment_servers_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
