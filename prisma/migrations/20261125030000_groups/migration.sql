-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "description" VARCHAR(500);

-- AlterTable
ALTER TABLE "members" ADD COLUMN     "from_seq" BIGINT NOT NULL DEFAULT 1,
ADD COLUMN     "left_seq" BIGINT,
ADD COLUMN     "role" VARCHAR(16) NOT NULL DEFAULT 'member';

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "event" JSONB,
ADD COLUMN     "kind" VARCHAR(16) NOT NULL DEFAULT 'text';

-- CreateTable
CREATE TABLE "receipt_marks" (
    "id" BIGSERIAL NOT NULL,
    "conversation_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "delivered_seq" BIGINT NOT NULL,
    "read_seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipt_marks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "receipt_marks_conversation_id_user_id_at_idx" ON "receipt_marks"("conversation_id", "user_id", "at");

-- AddForeignKey
ALTER TABLE "receipt_marks" ADD CONSTRAINT "receipt_marks_conversation_id_user_id_fkey" FOREIGN KEY ("conversation_id", "user_id") REFERENCES "members"("conversation_id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Groups made before this migration (by tests) get an owner: their longest-standing member.
UPDATE "members" m SET "role" = 'owner'
FROM (
  SELECT DISTINCT ON (x."conversation_id") x."conversation_id", x."user_id"
  FROM "members" x JOIN "conversations" c ON c."id" = x."conversation_id" AND c."kind" = 'group'
  ORDER BY x."conversation_id", x."joined_at", x."user_id"
) o
WHERE m."conversation_id" = o."conversation_id" AND m."user_id" = o."user_id";
