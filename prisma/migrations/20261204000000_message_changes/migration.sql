-- Changes to messages (edits, deletions for everyone, reactions) are rows of the conversation's
-- sequence with kind 'change', naming the message they change by its seq (server/messages/changes.ts).
-- A message deleted for everyone keeps its place with its text erased, and the time it was deleted.
-- changed_seq, the seq of a message's newest change, lets a history page look for changes only of
-- the messages that have any.

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "target_seq" BIGINT,
ADD COLUMN "changed_seq" BIGINT,
ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

-- CreateIndex
-- Partial: only change rows have a target, and the send path should not maintain an entry for every
-- message (schema.prisma cannot say "partial"; server/test/db-schema.ts compares the columns).
CREATE INDEX "messages_conversation_id_target_seq_idx" ON "messages"("conversation_id", "target_seq") WHERE "target_seq" IS NOT NULL;
