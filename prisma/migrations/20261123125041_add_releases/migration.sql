-- CreateEnum
CREATE TYPE "ReleaseKind" AS ENUM ('release', 'rollback');

-- CreateEnum
CREATE TYPE "ReleaseState" AS ENUM ('pending_approval', 'approved', 'rejected', 'queued', 'running', 'paused', 'succeeded', 'failed', 'aborted', 'interrupted', 'cancelled');

-- CreateEnum
CREATE TYPE "TargetState" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'rolled_back', 'aborted', 'skipped', 'interrupted');

-- CreateTable
CREATE TABLE "releases" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "kind" "ReleaseKind" NOT NULL DEFAULT 'release',
    "state" "ReleaseState" NOT NULL,
    "ref" VARCHAR(255) NOT NULL,
    "commit" CHAR(40) NOT NULL,
    "description" VARCHAR(2000) NOT NULL DEFAULT '',
    "rollout" JSONB NOT NULL,
    "rollback_to_id" UUID,
    "created_by_id" UUID NOT NULL,
    "approved_by_id" UUID,
    "approved_at" TIMESTAMPTZ(3),
    "review_comment" VARCHAR(2000) NOT NULL DEFAULT '',
    "queued_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "worker_id" VARCHAR(128),
    "heartbeat_at" TIMESTAMPTZ(3),
    "abort_requested_at" TIMESTAMPTZ(3),
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "artifact" JSONB,
    "error" VARCHAR(4000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "releases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "release_targets" (
    "release_id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "state" "TargetState" NOT NULL DEFAULT 'pending',
    "stage" VARCHAR(64),
    "previous" VARCHAR(128),
    "current" VARCHAR(128),
    "error" VARCHAR(4000),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "release_targets_pkey" PRIMARY KEY ("release_id","server_id")
);

-- CreateTable
CREATE TABLE "release_events" (
    "release_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "stage" VARCHAR(64),
    "target" UUID,
    "stream" VARCHAR(8),
    "text" TEXT,
    "data" JSONB,

    CONSTRAINT "release_events_pkey" PRIMARY KEY ("release_id","seq")
);

-- CreateIndex
CREATE INDEX "releases_environment_id_state_idx" ON "releases"("environment_id", "state");

-- CreateIndex
CREATE INDEX "releases_state_queued_at_idx" ON "releases"("state", "queued_at");

-- CreateIndex
CREATE INDEX "releases_project_id_created_at_idx" ON "releases"("project_id", "created_at");

-- CreateIndex
CREATE INDEX "release_targets_server_id_idx" ON "release_targets"("server_id");

-- CreateIndex
CREATE INDEX "release_events_at_idx" ON "release_events"("at");

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_approved_by_id_fkey" FOREIGN KEY ("approved_by_id") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_targets" ADD CONSTRAINT "release_targets_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_targets" ADD CONSTRAINT "release_targets_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "release_events" ADD CONSTRAINT "release_events_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
