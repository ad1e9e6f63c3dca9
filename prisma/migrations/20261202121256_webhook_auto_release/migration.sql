-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "auto_release" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "project_webhooks" ADD COLUMN     "created_by_id" UUID,
ADD COLUMN     "kind" VARCHAR(16) NOT NULL DEFAULT 'gitlab',
ALTER COLUMN "platform_id" DROP NOT NULL,
ALTER COLUMN "remote_hook_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "releases" ADD COLUMN     "delivery_id" UUID;

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "message" VARCHAR(4000),
ADD COLUMN     "ref_kind" VARCHAR(8),
ADD COLUMN     "replay_of_id" UUID,
ADD COLUMN     "replayed_by" VARCHAR(255),
ADD COLUMN     "trigger" VARCHAR(16),
ALTER COLUMN "reason" SET DATA TYPE VARCHAR(2000);

-- CreateTable
CREATE TABLE "git_host_keys" (
    "id" UUID NOT NULL,
    "host" VARCHAR(255) NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "known_hosts" TEXT NOT NULL,
    "fingerprints" JSONB NOT NULL,
    "pinned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pinned_by" VARCHAR(255),

    CONSTRAINT "git_host_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "git_host_keys_host_port_key" ON "git_host_keys"("host", "port");

-- CreateIndex
CREATE INDEX "releases_delivery_id_idx" ON "releases"("delivery_id");

-- AddForeignKey
ALTER TABLE "releases" ADD CONSTRAINT "releases_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_webhooks" ADD CONSTRAINT "project_webhooks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Deliveries recorded before auto-release rules existed released nothing; their ref was the full refs/… name.
UPDATE "webhook_deliveries" SET "outcome" = 'ignored' WHERE "outcome" = 'recorded';
UPDATE "webhook_deliveries" SET "ref_kind" = 'branch', "ref" = substr("ref", 12) WHERE "ref" LIKE 'refs/heads/%';
UPDATE "webhook_deliveries" SET "ref_kind" = 'tag', "ref" = substr("ref", 11) WHERE "ref" LIKE 'refs/tags/%';
