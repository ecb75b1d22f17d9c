-- Search (server/messages/search.ts, server/users/service.ts). All three extensions ship with
-- PostgreSQL and are trusted: the database's owner may create them, no superuser needed.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Words as written, in any language: no stemming and no stop words (a chat mixes languages, and
-- "ok" or "to" are what people search for), lower case and without accents ("cafe" finds "café").
CREATE TEXT SEARCH CONFIGURATION parley_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION parley_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- Each message's words, kept with the row (computed once, when it is written): a search that walks
-- the newest messages checks each against its stored words instead of parsing its text again.
ALTER TABLE "messages" ADD COLUMN "search_vector" tsvector
  GENERATED ALWAYS AS (to_tsvector('parley_search'::regconfig, "body")) STORED;

-- Messages by conversation and words together: a search within a chat intersects the chat's posting
-- list with the words' inside the index; across chats, the words' lists alone. Not partial, so that
-- PostgreSQL keeps statistics of how common each word is (a plan is chosen by them).
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("conversation_id", "search_vector");

-- People by any part of their name or username (ILIKE '%…%').
CREATE INDEX "users_display_name_trgm_idx" ON "users" USING gin ("display_name" gin_trgm_ops);
CREATE INDEX "users_username_trgm_idx" ON "users" USING gin ("username" gin_trgm_ops);
