-- AlterTable
ALTER TABLE "users" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3),
ADD COLUMN     "presence_visibility" VARCHAR(16) NOT NULL DEFAULT 'everyone';
