-- How each member keeps their chat list (server/conversations/list-state.ts): pinned chats first,
-- archived chats apart until something new is said (unless muted), chats marked unread, and chats
-- cleared or deleted for the member alone. Archiving and deleting are times, compared with the
-- chat's last activity, so a new message brings a chat back without the send path doing anything.

-- AlterTable
ALTER TABLE "members" ADD COLUMN "pinned_at" TIMESTAMPTZ(3),
ADD COLUMN "archived_at" TIMESTAMPTZ(3),
ADD COLUMN "marked_unread" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "cleared_seq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "hidden_at" TIMESTAMPTZ(3);
