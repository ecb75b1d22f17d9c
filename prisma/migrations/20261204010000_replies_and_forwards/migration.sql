-- Replies and forwards: a message may quote an earlier one of its conversation, by seq
-- (reply_to_seq), or be marked as forwarded from another chat. The send statement
-- (20261202000000_send_batch, unchanged otherwise) takes each send's reply and mark as two more
-- arrays; the caller (server/messages/write.ts) checks in the same batch, before the statement, that
-- the sender may see the message replied to.

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "reply_to_seq" BIGINT,
ADD COLUMN "forwarded" BOOLEAN NOT NULL DEFAULT false;

DROP FUNCTION parley_send(uuid[], uuid[], uuid[], text[], bigint[], timestamptz);

CREATE FUNCTION parley_send(
  p_conversation uuid[], p_sender uuid[], p_client uuid[], p_body text[], p_id bigint[], p_reply bigint[], p_forwarded boolean[],
  p_at timestamptz
) RETURNS TABLE (ord int, status text, id bigint, seq bigint, created_at timestamptz, body text, cid uuid, recipients uuid[], push_to uuid[])
LANGUAGE plpgsql
-- Every row here is reached by its key. The plans are made once per session and kept: made while a
-- table is still small (a new install), they would scan it whole, and go on doing so long after it
-- grew (measured: 1.4 ms of CPU per batch of 10 on an empty database, 35 ms at 300,000 messages
-- until an ANALYZE). Without sequential scans the plans stay right whatever the statistics say.
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM conversations c WHERE c.id = ANY (p_conversation) ORDER BY c.id FOR UPDATE;
  -- Joins between the steps below are by hash or by index: the planner cannot know how many rows
  -- an array holds, and a nested loop over two steps of a big batch would be quadratic.
  RETURN QUERY
  WITH input AS (
    SELECT t.ord::int AS ord, t.cid, t.sender, t.client_id, t.body, t.id, t.reply, t.forwarded
    FROM unnest(p_conversation, p_sender, p_client, p_body, p_id, p_reply, p_forwarded)
      WITH ORDINALITY AS t(cid, sender, client_id, body, id, reply, forwarded, ord)
  ), existing AS (
    SELECT i.ord, m.conversation_id = i.cid AS same, m.id, m.seq, m.created_at, m.body
    FROM input i JOIN messages m ON m.sender_id = i.sender AND m.client_id = i.client_id
  ), eligible AS (
    SELECT i.* FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
      AND EXISTS (SELECT 1 FROM members mb WHERE mb.conversation_id = i.cid AND mb.user_id = i.sender AND mb.left_seq IS NULL)
  ), ranked AS (
    SELECT e.*, c.last_seq AS head, row_number() OVER w AS rn, first_value(e.sender) OVER w AS first_sender
    FROM eligible e JOIN conversations c ON c.id = e.cid
    WINDOW w AS (PARTITION BY e.cid ORDER BY e.ord)
  ), numbered AS (
    -- first_other: the first seq in this batch from someone other than the conversation's first sender in it.
    SELECT r.*, r.head + r.rn AS seq,
      min(r.head + r.rn) FILTER (WHERE r.sender <> r.first_sender) OVER (PARTITION BY r.cid) AS first_other
    FROM ranked r
  ), heads AS (
    UPDATE conversations c SET last_seq = n.seq, last_at = p_at
    FROM (SELECT cid, max(seq) AS seq FROM numbered GROUP BY cid) n WHERE c.id = n.cid
  ), inserted AS (
    INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, created_at, reply_to_seq, forwarded)
    SELECT n.id, n.cid, n.seq, n.sender, n.client_id, n.body, 'text', p_at, n.reply, n.forwarded FROM numbered n
  ), own AS (
    -- Sending reads everything before it (the sender's own messages never hold back the "read by
    -- all" ticks), but not someone else's message written just before in the same batch: a send
    -- does not read what its sender cannot have seen. So the batch's first sender of a conversation
    -- reads up to their last message before anyone else's; every other sender, up to where it began.
    UPDATE members mb SET read_seq = s.target, delivered_seq = GREATEST(mb.delivered_seq, s.target)
    FROM (
      SELECT n.cid, n.sender, min(n.head) AS head,
        CASE WHEN bool_and(n.sender = n.first_sender) THEN LEAST(max(n.seq), COALESCE(min(n.first_other) - 1, max(n.seq))) ELSE min(n.head) END AS target
      FROM numbered n GROUP BY n.cid, n.sender
    ) s
    WHERE mb.conversation_id = s.cid AND mb.user_id = s.sender AND mb.read_seq < s.target
    RETURNING mb.conversation_id, mb.user_id, mb.delivered_seq, mb.read_seq, s.head
  ), marks AS (
    -- When the send read someone else's messages, for "Message info" (passing one's own is no receipt).
    INSERT INTO receipt_marks (conversation_id, user_id, delivered_seq, read_seq, at)
    SELECT o.conversation_id, o.user_id, o.delivered_seq, o.read_seq, p_at
    FROM own o JOIN members m0 ON m0.conversation_id = o.conversation_id AND m0.user_id = o.user_id
    WHERE m0.read_seq < o.head
  )
  SELECT n.ord, 'created'::text, n.id, n.seq, NULL::timestamptz, NULL::text, NULL::uuid, NULL::uuid[], NULL::uuid[] FROM numbered n
  UNION ALL
  SELECT e.ord, CASE WHEN e.same THEN 'existing' ELSE 'conflict' END, e.id, e.seq, e.created_at, e.body, NULL, NULL, NULL
  FROM existing e
  UNION ALL
  SELECT i.ord, 'forbidden', NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord) AND NOT EXISTS (SELECT 1 FROM eligible g WHERE g.ord = i.ord)
  UNION ALL
  -- One row per conversation with new messages: who hears of them (its current members: new
  -- messages at the head are inside every current member's window), and who of them has a browser
  -- to push to.
  SELECT NULL, 'audience', NULL, NULL, NULL, NULL, mb.conversation_id, array_agg(mb.user_id),
    array_agg(mb.user_id) FILTER (WHERE EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = mb.user_id))
  FROM members mb
  WHERE mb.conversation_id IN (SELECT DISTINCT n.cid FROM numbered n) AND mb.left_seq IS NULL
  GROUP BY mb.conversation_id;
END
$$;
