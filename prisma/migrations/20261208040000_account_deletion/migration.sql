-- Deleted accounts (server/auth/delete-account.ts): the row stays, anonymised ("Deleted account"),
-- so the messages it sent keep a sender; deleted_at says it can never be enabled again.
ALTER TABLE "users" ADD COLUMN "deleted_at" TIMESTAMPTZ(3);
