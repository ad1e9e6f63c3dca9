-- CreateTable
CREATE TABLE "trigger_tokens" (
    "id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "default_ref" VARCHAR(255) NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "trigger_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "trigger_tokens_environment_id_key" ON "trigger_tokens"("environment_id");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_tokens_token_hash_key" ON "trigger_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "trigger_tokens" ADD CONSTRAINT "trigger_tokens_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trigger_tokens" ADD CONSTRAINT "trigger_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
