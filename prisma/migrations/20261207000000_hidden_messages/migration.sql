-- "Delete for me" (server/conversations/list-state.ts): the messages a member hid from themselves
-- alone. History pages give them to that member as stubs (seqs stay gapless), and the chat list's
-- preview and search pass over them. Gone with the membership.
CREATE TABLE "hidden_messages" (
    "conversation_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "hidden_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hidden_messages_pkey" PRIMARY KEY ("conversation_id","user_id","seq")
);

ALTER TABLE "hidden_messages" ADD CONSTRAINT "hidden_messages_conversation_id_user_id_fkey" FOREIGN KEY ("conversation_id", "user_id") REFERENCES "members"("conversation_id", "user_id") ON DELETE CASCADE ON UPDATE CASCADE;
