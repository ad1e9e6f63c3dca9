-- AlterEnum
ALTER TYPE "ReleaseKind" ADD VALUE 'scale_out';

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "drain_seconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "monitor" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "offline_script" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "online_script" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "server_selector" VARCHAR(512);

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "service" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "servers" ADD COLUMN     "sudo" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "host_statuses" (
    "environment_id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "state" VARCHAR(16) NOT NULL DEFAULT 'unknown',
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_at" TIMESTAMPTZ(3),
    "failures" INTEGER NOT NULL DEFAULT 0,
    "process" VARCHAR(500),
    "healthy" BOOLEAN,
    "version" VARCHAR(128),
    "disk_free_bytes" BIGINT,
    "detail" VARCHAR(2000),
    "alarm_type" VARCHAR(32),
    "alarm_at" TIMESTAMPTZ(3),

    CONSTRAINT "host_statuses_pkey" PRIMARY KEY ("environment_id","server_id")
);

-- CreateTable
CREATE TABLE "host_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "environment_id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "from" VARCHAR(16) NOT NULL,
    "to" VARCHAR(16) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "detail" VARCHAR(2000),

    CONSTRAINT "host_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "host_statuses_server_id_idx" ON "host_statuses"("server_id");

-- CreateIndex
CREATE INDEX "host_status_changes_environment_id_server_id_at_idx" ON "host_status_changes"("environment_id", "server_id", "at");

-- CreateIndex
CREATE INDEX "host_status_changes_at_idx" ON "host_status_changes"("at");

-- AddForeignKey
ALTER TABLE "host_statuses" ADD CONSTRAINT "host_statuses_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_statuses" ADD CONSTRAINT "host_statuses_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
