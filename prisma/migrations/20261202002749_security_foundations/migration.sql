-- AlterTable
ALTER TABLE "credentials" ADD COLUMN     "bound_host" VARCHAR(255);

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "archived_at" TIMESTAMPTZ(3),
ADD COLUMN     "policy" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "groups" ADD COLUMN     "archived_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "archived_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "failed_logins" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "ldap_dn" VARCHAR(1024),
ADD COLUMN     "locked_until" TIMESTAMPTZ(3),
ADD COLUMN     "source" VARCHAR(16) NOT NULL DEFAULT 'local';

-- CreateTable
CREATE TABLE "ws_tickets" (
    "id" CHAR(64) NOT NULL,
    "user_id" UUID NOT NULL,
    "session_id" UUID,
    "token_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ws_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ws_tickets_expires_at_idx" ON "ws_tickets"("expires_at");

-- AddForeignKey
ALTER TABLE "ws_tickets" ADD CONSTRAINT "ws_tickets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
