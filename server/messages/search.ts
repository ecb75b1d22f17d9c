// Message search: PostgreSQL full-text search over what the caller may read, newest first.
import type { SearchMessagesInput, SearchPage, UserId } from '../../lib/schemas.ts';
import { searchTerms } from '../../lib/search.ts';
import { directPeer, readableRange, titleAsSeen } from '../conversations/service.ts';
import { getPool } from '../db/client.ts';

const NO_END = '9223372036854775807';

/**
 * Prepared, one statement for all chats and one for a single chat (a generic plan fits each). Per chat
 * of the caller's, the part they may read (from joining, or after what they cleared, up to leaving);
 * in it the rows whose words match, through messages_search_idx (conversation and words in one GIN
 * index); each match maps to the message it is or edits, kept only if it is how that message reads
 * now to the caller (its newest edit they may see, else itself) and not deleted. Then the chat's name
 * and the sender's, for the page only.
 */
const statement = (oneChat: boolean) => `
  WITH mine AS MATERIALIZED (
    SELECT m.conversation_id AS cid, GREATEST(m.from_seq, m.cleared_seq + 1) AS lo, COALESCE(m.left_seq, ${NO_END}) AS hi
    FROM members m WHERE m.user_id = $1::uuid ${oneChat ? 'AND m.conversation_id = $5::uuid' : ''}
  ), found AS (
    SELECT t.id, t.conversation_id, t.seq, t.sender_id, t.created_at, h.body, h.seq <> t.seq AS edited
    FROM mine
    JOIN messages h ON h.conversation_id = mine.cid AND h.seq BETWEEN mine.lo AND mine.hi AND h.kind <> 'system'
      AND to_tsvector('parley_search', h.body) @@ to_tsquery('parley_search', $2)
    JOIN messages t ON t.conversation_id = h.conversation_id AND t.seq = COALESCE(h.target_seq, h.seq)
    WHERE t.kind = 'text' AND t.deleted_at IS NULL AND t.seq >= mine.lo
      AND ($3::bigint IS NULL OR t.id < $3::bigint)
      AND h.seq = CASE WHEN t.changed_seq IS NULL THEN t.seq ELSE COALESCE(
        (SELECT max(e.seq) FROM messages e
          WHERE e.conversation_id = t.conversation_id AND e.target_seq = t.seq AND e.seq <= mine.hi AND e.event->>'type' = 'message.edited'),
        t.seq) END
    ORDER BY t.id DESC LIMIT $4
  )
  SELECT f.id, f.conversation_id, f.seq, f.sender_id, f.created_at, f.body, f.edited, c.kind,
    COALESCE(${titleAsSeen('c.title')}, p.display_name, 'Conversation') AS title, s.display_name AS sender_name
  FROM found f
  JOIN conversations c ON c.id = f.conversation_id
  JOIN members m ON m.conversation_id = f.conversation_id AND m.user_id = $1::uuid
  JOIN users s ON s.id = f.sender_id
  ${directPeer('$1::uuid', 'c.kind')}
  ORDER BY f.id DESC`;

const ALL_CHATS = statement(false);
const ONE_CHAT = statement(true);

interface SearchRow {
  id: string;
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
  const { rows } = await getPool().query<SearchRow>({
    name: input.conversationId ? 'search-chat' : 'search-all',
    text: input.conversationId ? ONE_CHAT : ALL_CHATS,
    values,
  });
  const more = rows.length > input.limit;
  if (more) rows.pop();
  return {
    hits: rows.map((r) => ({
      id: r.id,
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
    nextCursor: more ? rows.at(-1)!.id : null,
  };
}
