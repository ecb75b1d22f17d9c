-- Web push: each browser's subscription, whether notifications show what was said, per-chat mutes,
-- and how far pushes went (so a read on one device can close the notifications on the others).

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "push_previews" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "members" ADD COLUMN     "muted_until" TIMESTAMPTZ(3),
ADD COLUMN     "pushed_seq" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "push_subscriptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "endpoint" VARCHAR(2048) NOT NULL,
    "p256dh" VARCHAR(200) NOT NULL,
    "auth" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "push_subscriptions_endpoint_key" ON "push_subscriptions"("endpoint");

-- CreateIndex
CREATE INDEX "push_subscriptions_user_id_idx" ON "push_subscriptions"("user_id");

-- AddForeignKey
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
