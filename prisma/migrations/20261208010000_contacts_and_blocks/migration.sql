-- Contacts and blocking (server/contacts). A contact list per person; a block of one person by
-- another. In a one-to-one chat under a block the send statement refuses the blocker's sends
-- (status 'blocked') and withholds the blocked person's from the blocker: written, so their sender
-- sees them sent, but hidden for the blocker (hidden_messages) and never in the blocker's audience.
-- The statement is 20261204010000_replies_and_forwards's otherwise. Withheld messages are marked as
-- such among the hidden ones: while the block stands, the blocker's receipts stop below the first
-- of them (parley_ack, 20261202010000_ack_batch's otherwise), so their sender sees one tick.

CREATE TABLE "contacts" (
    "owner_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("owner_id","contact_id")
);

CREATE TABLE "blocks" (
    "blocker_id" UUID NOT NULL,
    "blocked_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blocks_pkey" PRIMARY KEY ("blocker_id","blocked_id")
);

CREATE INDEX "contacts_contact_id_idx" ON "contacts"("contact_id");
CREATE INDEX "blocks_blocked_id_idx" ON "blocks"("blocked_id");

ALTER TABLE "contacts" ADD CONSTRAINT "contacts_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_blocker_id_fkey" FOREIGN KEY ("blocker_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_blocked_id_fkey" FOREIGN KEY ("blocked_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "hidden_messages" ADD COLUMN "withheld" BOOLEAN NOT NULL DEFAULT false;

DROP FUNCTION parley_send(uuid[], uuid[], uuid[], text[], bigint[], bigint[], boolean[], timestamptz);

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
  ), refused AS (
    -- The sender blocked the other person of this one-to-one chat: unblocking comes before writing to them.
    SELECT i.ord FROM input i
    JOIN blocks bl ON bl.blocker_id = i.sender
    JOIN members o ON o.conversation_id = i.cid AND o.user_id = bl.blocked_id
    JOIN conversations c ON c.id = i.cid AND c.kind = 'direct'
  ), withheld AS (
    -- The other person of this one-to-one chat blocked the sender: the message is written (its
    -- sender sees it sent) but never reaches them: hidden for them, and not in the audience.
    SELECT DISTINCT i.cid, bl.blocker_id FROM input i
    JOIN blocks bl ON bl.blocked_id = i.sender
    JOIN members o ON o.conversation_id = i.cid AND o.user_id = bl.blocker_id
    JOIN conversations c ON c.id = i.cid AND c.kind = 'direct'
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
    INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, created_at, reply_to_seq, forwarded)
    SELECT n.id, n.cid, n.seq, n.sender, n.client_id, n.body, 'text', p_at, n.reply, n.forwarded FROM numbered n
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
  SELECT i.ord, CASE WHEN EXISTS (SELECT 1 FROM refused r WHERE r.ord = i.ord) THEN 'blocked' ELSE 'forbidden' END, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord) AND NOT EXISTS (SELECT 1 FROM eligible g WHERE g.ord = i.ord)
  UNION ALL
  -- One row per conversation with new messages: who hears of them (its current members: new
  -- messages at the head are inside every current member's window), and who of them has a browser
  -- to push to; never someone the message is withheld from.
  SELECT NULL, 'audience', NULL, NULL, NULL, NULL, mb.conversation_id, array_agg(mb.user_id),
    array_agg(mb.user_id) FILTER (WHERE EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.user_id = mb.user_id))
  FROM members mb
  WHERE mb.conversation_id IN (SELECT DISTINCT n.cid FROM numbered n) AND mb.left_seq IS NULL
    AND NOT EXISTS (SELECT 1 FROM withheld w WHERE w.cid = mb.conversation_id AND w.blocker_id = mb.user_id)
  GROUP BY mb.conversation_id;
END
$$;

DROP FUNCTION parley_ack(uuid[], uuid[], bigint[], bigint[], timestamptz);

CREATE FUNCTION parley_ack(
  p_user uuid[], p_conversation uuid[], p_delivered bigint[], p_read bigint[], p_at timestamptz
) RETURNS TABLE (
  kind text, cid uuid, uid uuid, delivered_seq bigint, read_seq bigint, old_delivered bigint, old_read bigint, push_cleared boolean,
  all_delivered bigint, all_read bigint, old_all_delivered bigint, old_all_read bigint, members uuid[]
)
LANGUAGE plpgsql
-- Every row here is reached by its key: plans made on small tables must not scan them whole once
-- they grew (see 20261202000000_send_batch).
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM conversations c WHERE c.id = ANY (p_conversation) ORDER BY c.id FOR NO KEY UPDATE;
  RETURN QUERY
  WITH v AS (
    SELECT * FROM unnest(p_user, p_conversation, p_delivered, p_read) AS t(uid, cid, delivered, read)
  ), target AS (
    SELECT m.conversation_id AS cid, m.user_id AS uid, m.delivered_seq AS old_delivered, m.read_seq AS old_read, m.pushed_seq,
      GREATEST(m.read_seq, LEAST(v.read, COALESCE(m.left_seq, c.last_seq), w.first - 1)) AS read_seq,
      GREATEST(m.delivered_seq, LEAST(GREATEST(v.delivered, v.read), COALESCE(m.left_seq, c.last_seq), w.first - 1)) AS delivered_seq
    FROM v JOIN members m ON m.conversation_id = v.cid AND m.user_id = v.uid JOIN conversations c ON c.id = v.cid
    -- While the member blocks the other person of a one-to-one chat, their watermarks stop below the
    -- first message withheld from them: its sender sees it sent, never delivered or read.
    LEFT JOIN LATERAL (
      SELECT min(h.seq) AS first FROM hidden_messages h
      WHERE h.conversation_id = m.conversation_id AND h.user_id = m.user_id AND h.withheld AND h.seq > m.delivered_seq
        AND EXISTS (SELECT 1 FROM blocks b JOIN members o ON o.conversation_id = m.conversation_id AND o.user_id = b.blocked_id WHERE b.blocker_id = m.user_id)
    ) w ON c.kind = 'direct'
  ), upd AS (
    UPDATE members m SET read_seq = t.read_seq, delivered_seq = t.delivered_seq,
      -- What was pushed and is now read is no longer outstanding (see server/push).
      pushed_seq = CASE WHEN m.pushed_seq <= t.read_seq THEN 0 ELSE m.pushed_seq END
    FROM target t
    WHERE m.conversation_id = t.cid AND m.user_id = t.uid
      AND (t.read_seq <> t.old_read OR t.delivered_seq <> t.old_delivered OR (t.pushed_seq > 0 AND t.pushed_seq <= t.read_seq))
  ), moved AS (
    SELECT t.*, recent.id AS recent_mark FROM target t
    LEFT JOIN LATERAL (
      SELECT r.id FROM receipt_marks r
      WHERE r.conversation_id = t.cid AND r.user_id = t.uid AND r.at > p_at - interval '1 second'
      ORDER BY r.at DESC LIMIT 1
    ) recent ON true
    WHERE t.read_seq <> t.old_read OR t.delivered_seq <> t.old_delivered
  ), extended AS (
    UPDATE receipt_marks r SET delivered_seq = mv.delivered_seq, read_seq = mv.read_seq
    FROM moved mv WHERE r.id = mv.recent_mark
  ), marked AS (
    INSERT INTO receipt_marks (conversation_id, user_id, delivered_seq, read_seq, at)
    SELECT mv.cid, mv.uid, mv.delivered_seq, mv.read_seq, p_at FROM moved mv WHERE mv.recent_mark IS NULL
  )
  SELECT 'ack'::text, t.cid, t.uid, t.delivered_seq, t.read_seq, t.old_delivered, t.old_read, t.pushed_seq > 0 AND t.pushed_seq <= t.read_seq,
    NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL::uuid[]
  FROM target t
  UNION ALL
  SELECT 'aggregate', m.conversation_id, NULL, NULL, NULL, NULL, NULL, NULL,
    min(COALESCE(t.delivered_seq, m.delivered_seq)), min(COALESCE(t.read_seq, m.read_seq)), min(m.delivered_seq), min(m.read_seq),
    array_agg(m.user_id)
  FROM members m LEFT JOIN target t ON t.cid = m.conversation_id AND t.uid = m.user_id
  WHERE m.conversation_id IN (SELECT DISTINCT v.cid FROM v) AND m.left_seq IS NULL
  GROUP BY m.conversation_id;
END
$$;
