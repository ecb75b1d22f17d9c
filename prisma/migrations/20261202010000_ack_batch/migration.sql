-- Receipts as one call per batch of acks, from any users to any conversations (server/receipts/write.ts),
-- as the send path does (20261202000000_send_batch). Before: three queries per ack, one of them
-- reading every member of the conversation, and a receipt_marks row for every watermark move.
--
-- The conversations' rows are locked first (in id order, FOR NO KEY UPDATE: acks of one conversation
-- wait for each other and for sends, not for readers); the write that follows is a new statement, so
-- the "everyone has it" aggregates it computes see every ack committed before: two members acking
-- the last message at once, on two instances, cannot both miss that everyone has read it.
--
-- Rows returned:
--   ack       - per (user, conversation) asked for, where the user is or was a member: the
--               watermarks before and after (moved only up, never past the conversation's last
--               message or the member's departure; read implies delivered), and whether a push
--               outstanding for it is now read
--   aggregate - per conversation: the lowest delivered and read watermarks over its current
--               members before and after, and who they are
-- (user, conversation) pairs come once each (the caller merges).
--
-- receipt_marks (when each watermark moved, for "Message info") get at most one row per member
-- and second: a move within a second of the last mark extends that mark.
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
      GREATEST(m.read_seq, LEAST(v.read, COALESCE(m.left_seq, c.last_seq))) AS read_seq,
      GREATEST(m.delivered_seq, LEAST(GREATEST(v.delivered, v.read), COALESCE(m.left_seq, c.last_seq))) AS delivered_seq
    FROM v JOIN members m ON m.conversation_id = v.cid AND m.user_id = v.uid JOIN conversations c ON c.id = v.cid
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
