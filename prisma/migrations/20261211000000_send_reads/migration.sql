-- The send path, two changes.
--
-- A send that reads someone else's messages is a receipt, as an ack is: it moves the sender's
-- watermarks and may move the conversation's "by all" ones (the other person's ticks turn blue
-- when you reply). The function now returns one row per such sender ('read': where they stand, and
-- the conversation's "by all" watermarks after the batch), so the send path can tell it with the
-- messages' events. Before, nothing told anyone: the healing sweep
-- (server/sync/healer.ts) found every sender's subscriptions behind and sent them fresh heads, every
-- ten seconds for every active user (bench/capacity.ts: all 1,000 subscriptions re-read their
-- heads each time, and the sends queued behind those reads missed p99 100 ms).
--
-- The block checks (since 20261208010000_contacts_and_blocks) were planned from the conversations
-- table: every conversation's row walked by its primary key, each matched against the batch (4 ms
-- of a 14 ms batch of 60 with 500 conversations stored, and growing with every conversation in the
-- database). They now start from the batch and the blocks table, and look the conversation's kind
-- up only for a sender who blocks or is blocked.
DROP FUNCTION parley_send(uuid[], uuid[], uuid[], text[], bigint[], bigint[], boolean[], jsonb[], timestamptz);

CREATE FUNCTION parley_send(
  p_conversation uuid[], p_sender uuid[], p_client uuid[], p_body text[], p_id bigint[], p_reply bigint[], p_forwarded boolean[],
  p_media jsonb[], p_at timestamptz
) RETURNS TABLE (ord int, status text, id bigint, seq bigint, created_at timestamptz, body text, cid uuid, recipients uuid[], push_to uuid[], receipt jsonb)
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
    SELECT t.ord::int AS ord, t.cid, t.sender, t.client_id, t.body, t.id, t.reply, t.forwarded, t.media
    FROM unnest(p_conversation, p_sender, p_client, p_body, p_id, p_reply, p_forwarded, p_media)
      WITH ORDINALITY AS t(cid, sender, client_id, body, id, reply, forwarded, media, ord)
  ), existing AS (
    SELECT i.ord, m.conversation_id = i.cid AS same, m.id, m.seq, m.created_at, m.body
    FROM input i JOIN messages m ON m.sender_id = i.sender AND m.client_id = i.client_id
  ), refused AS (
    -- The sender blocked the other person of this one-to-one chat: unblocking comes before writing to them.
    SELECT i.ord FROM input i
    JOIN blocks bl ON bl.blocker_id = i.sender
    JOIN members o ON o.conversation_id = i.cid AND o.user_id = bl.blocked_id
    WHERE (SELECT c.kind FROM conversations c WHERE c.id = i.cid) = 'direct'
  ), withheld AS (
    -- The other person of this one-to-one chat blocked the sender: the message is written (its
    -- sender sees it sent) but never reaches them: hidden for them, and not in the audience.
    SELECT DISTINCT i.cid, bl.blocker_id FROM input i
    JOIN blocks bl ON bl.blocked_id = i.sender
    JOIN members o ON o.conversation_id = i.cid AND o.user_id = bl.blocker_id
    WHERE (SELECT c.kind FROM conversations c WHERE c.id = i.cid) = 'direct'
  ), eligible AS (
    SELECT i.* FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
      AND NOT EXISTS (SELECT 1 FROM refused r WHERE r.ord = i.ord)
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
    INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, created_at, reply_to_seq, forwarded, media_id, media)
    SELECT n.id, n.cid, n.seq, n.sender, n.client_id, n.body, 'text', p_at, n.reply, n.forwarded, (n.media->>'id')::uuid, n.media FROM numbered n
  ), withheld_rows AS (
    INSERT INTO hidden_messages (conversation_id, user_id, seq, hidden_at, withheld)
    SELECT n.cid, w.blocker_id, n.seq, p_at, true FROM numbered n JOIN withheld w ON w.cid = n.cid
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
    -- When the send read someone else's messages (passing one's own is no receipt): for "Message
    -- info", and the statement after this one returns these receipts.
    INSERT INTO receipt_marks (conversation_id, user_id, delivered_seq, read_seq, at)
    SELECT o.conversation_id, o.user_id, o.delivered_seq, o.read_seq, p_at
    FROM own o JOIN members m0 ON m0.conversation_id = o.conversation_id AND m0.user_id = o.user_id
    WHERE m0.read_seq < o.head
  )
  SELECT n.ord, 'created'::text, n.id, n.seq, NULL::timestamptz, NULL::text, NULL::uuid, NULL::uuid[], NULL::uuid[], NULL::jsonb FROM numbered n
  UNION ALL
  SELECT e.ord, CASE WHEN e.same THEN 'existing' ELSE 'conflict' END, e.id, e.seq, e.created_at, e.body, NULL, NULL, NULL, NULL
  FROM existing e
  UNION ALL
  SELECT i.ord, CASE WHEN EXISTS (SELECT 1 FROM refused r WHERE r.ord = i.ord) THEN 'blocked' ELSE 'forbidden' END, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord) AND NOT EXISTS (SELECT 1 FROM eligible g WHERE g.ord = i.ord)
  UNION ALL
  -- One row per conversation with new messages: who hears of them (its current members: new
  -- messages at the head are inside every current member's window), and who of them has a browser
  -- to push to; never someone the message is withheld from.
  SELECT NULL, 'audience', NULL, NULL, NULL, NULL, mb.conversation_id, array_agg(mb.user_id),
    array_agg(mb.user_id) FILTER (WHERE EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = mb.user_id)), NULL
  FROM members mb
  WHERE mb.conversation_id IN (SELECT DISTINCT n.cid FROM numbered n) AND mb.left_seq IS NULL
    AND NOT EXISTS (SELECT 1 FROM withheld w WHERE w.cid = mb.conversation_id AND w.blocker_id = mb.user_id)
  GROUP BY mb.conversation_id;
  -- One row per sender whose sends read someone else's messages (the marks this transaction wrote):
  -- where they now stand, and the "by all" watermarks of the conversation over its current members,
  -- as the heads compute them. A statement of its own, so that it sees the updates above (inside
  -- that one they would have to be matched against every member row: a join the planner makes
  -- quadratic).
  RETURN QUERY
  SELECT NULL::int, 'read'::text, NULL::bigint, NULL::bigint, NULL::timestamptz, NULL::text, rm.conversation_id, NULL::uuid[], NULL::uuid[],
    jsonb_build_object('userId', rm.user_id, 'deliveredSeq', rm.delivered_seq, 'readSeq', rm.read_seq,
      'allDeliveredSeq', a.all_delivered, 'allReadSeq', a.all_read)
  FROM receipt_marks rm
  CROSS JOIN LATERAL (
    SELECT min(x.delivered_seq) AS all_delivered, min(x.read_seq) AS all_read
    FROM members x WHERE x.conversation_id = rm.conversation_id AND x.left_seq IS NULL
  ) a
  WHERE rm.at = p_at::timestamptz(3) AND rm.xmin = pg_current_xact_id()::xid;
END
$$;
