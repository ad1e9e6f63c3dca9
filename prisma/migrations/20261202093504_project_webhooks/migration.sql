-- CreateTable
CREATE TABLE "project_webhooks" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "remote_hook_id" BIGINT NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "last_rejected_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" VARCHAR(100) NOT NULL,
    "delivery_uuid" VARCHAR(100),
    "ref" VARCHAR(1024),
    "commit" VARCHAR(64),
    "pusher" VARCHAR(255),
    "outcome" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(1000) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "project_webhooks_project_id_key" ON "project_webhooks"("project_id");

-- CreateIndex
CREATE INDEX "project_webhooks_platform_id_idx" ON "project_webhooks"("platform_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_received_at_idx" ON "webhook_deliveries"("webhook_id", "received_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_delivery_uuid_key" ON "webhook_deliveries"("webhook_id", "delivery_uuid");

-- AddForeignKey
ALTER TABLE "project_webhooks" ADD CONSTRAINT "project_webhooks_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_webhooks" ADD CONSTRAINT "project_webhooks_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "git_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "project_webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
