// Message search: PostgreSQL full-text search over what the caller may read, newest first.
import type { SearchMessagesInput, SearchPage, UserId } from '../../lib/schemas.ts';
import { searchTerms } from '../../lib/search.ts';
import { directPeer, readableRange, titleAsSeen } from '../conversations/service.ts';
import { getPool } from '../db/client.ts';

/**
 * Not prepared: how a search is best run depends on its words, and only a plan made for them knows
 * (PostgreSQL's statistics of messages_search_idx hold how common each word is). A rare word: the
 * rows with it from the index, those of the caller's chats, sorted. A common one: the newest messages
 * first, each checked against its stored words, until a page is full. In every plan a row counts
 * only in the part of its chat the caller may read (from joining or after what they cleared, up to
 * leaving), as the message it is or edits, if that is how the message reads now to the caller (no
 * newer edit they may see) and it is not deleted (for everyone, or by the caller for themselves).
 * Then the chat's name and the sender's, for the page alone. All chats: newest first by id; one
 * chat: by seq.
 */
const statement = (oneChat: boolean) => {
  const order = oneChat ? 'h.seq' : 'h.id';
  return `
  WITH found AS (
    SELECT h.id, ${order} AS position, h.conversation_id, t.seq, t.sender_id, t.created_at, h.body, h.target_seq IS NOT NULL AS edited
    FROM messages h
    JOIN members m ON m.conversation_id = h.conversation_id AND m.user_id = $1::uuid
    JOIN messages t ON t.conversation_id = h.conversation_id AND t.seq = COALESCE(h.target_seq, h.seq)
    WHERE h.search_vector @@ to_tsquery('parley_search', $2) AND h.kind <> 'system'
      AND (h.target_seq IS NULL OR h.event->>'type' = 'message.edited')
      ${oneChat ? 'AND h.conversation_id = $5::uuid' : ''}
      AND ($3::bigint IS NULL OR ${order} < $3::bigint)
      AND t.seq >= GREATEST(m.from_seq, m.cleared_seq + 1) AND (m.left_seq IS NULL OR h.seq <= m.left_seq)
      AND t.kind = 'text' AND t.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM hidden_messages d WHERE d.conversation_id = t.conversation_id AND d.user_id = $1::uuid AND d.seq = t.seq)
      AND NOT (t.changed_seq IS NOT NULL AND EXISTS (SELECT 1 FROM messages e
        WHERE e.conversation_id = t.conversation_id AND e.target_seq = t.seq AND e.seq > h.seq
          AND e.event->>'type' = 'message.edited' AND (m.left_seq IS NULL OR e.seq <= m.left_seq)))
    ORDER BY ${order} DESC LIMIT $4
  )
  SELECT f.position, f.conversation_id, f.seq, f.sender_id, f.created_at, f.body, f.edited, c.kind,
    COALESCE(${titleAsSeen('c.title')}, p.display_name, 'Conversation') AS title, s.display_name AS sender_name
  FROM found f
  JOIN conversations c ON c.id = f.conversation_id
  JOIN members m ON m.conversation_id = f.conversation_id AND m.user_id = $1::uuid
  JOIN users s ON s.id = f.sender_id
  ${directPeer('$1::uuid', 'c.kind')}
  ORDER BY f.position DESC`;
};

const ALL_CHATS = statement(false);
const ONE_CHAT = statement(true);

interface SearchRow {
  position: string;
  conversation_id: string;
  seq: string;
  sender_id: string;
  created_at: Date;
  body: string;
  edited: boolean;
  kind: string;
  title: string;
  sender_name: string;
}

/** Messages with every word of the query (as prefixes of their words) that the caller may read. */
export async function searchMessages(userId: UserId, input: SearchMessagesInput): Promise<SearchPage> {
  // Not a member of the one chat asked for: the same refusal as reading its history.
  if (input.conversationId) await readableRange(userId, input.conversationId);
  // Terms are letters and digits only: nothing in them is an operator of tsquery.
  const tsquery = searchTerms(input.query).map((t) => `${t}:*`).join(' & ');
  const values: unknown[] = [userId, tsquery, input.cursor ?? null, input.limit + 1];
  if (input.conversationId) values.push(input.conversationId);
  const { rows } = await getPool().query<SearchRow>(input.conversationId ? ONE_CHAT : ALL_CHATS, values);
  const more = rows.length > input.limit;
  if (more) rows.pop();
  return {
    hits: rows.map((r) => ({
      conversationId: r.conversation_id,
      conversationTitle: r.title,
      conversationKind: r.kind === 'group' ? 'group' : 'direct',
      seq: Number(r.seq),
      senderId: r.sender_id,
      senderName: r.sender_name,
      body: r.body,
      createdAt: r.created_at,
      ...(r.edited && { edited: true as const }),
    })),
    nextCursor: more ? rows.at(-1)!.position : null,
  };
}
