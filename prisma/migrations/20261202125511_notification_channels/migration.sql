-- CreateTable
CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "group_id" UUID,
    "name" VARCHAR(100) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "secret_enc" TEXT NOT NULL,
    "last_test_at" TIMESTAMPTZ(3),
    "last_test_ok" BOOLEAN,
    "last_test_answer" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notification_channels_name_idx" ON "notification_channels"("name");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_group_id_name_key" ON "notification_channels"("group_id", "name");

-- AddForeignKey
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;
