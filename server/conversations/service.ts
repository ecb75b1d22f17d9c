// Conversations: opening direct chats, the inbox, membership checks, heads for resume, and read watermarks.
import { randomUUID } from 'node:crypto';
import type {
  MuteDuration,
  ConversationHead,
  ConversationId,
  ConversationSummary,
  InboxInput,
  InboxPage,
  MemberRole,
  MemberSummary,
  Message,
  SystemEvent,
  UserId,
  UserSummary,
} from '../../lib/schemas.ts';
import { getDb, getPool } from '../db/client.ts';
import { Prisma } from '../db/generated/client.ts';
import { AppError, notAMember } from '../errors.ts';
import { attachmentOf, latestEditBody } from '../messages/write.ts';
import { photoAsSeen, withPhotos } from '../users/visibility.ts';

// The lowest delivered/read watermark over the current members of conversation c: what every member
// has. The sender's own watermarks pass every message they sent, so for their messages this is "all
// the others".
export const AGGREGATE_WATERMARKS = `
  CROSS JOIN LATERAL (
    SELECT min(x.delivered_seq) AS all_delivered, min(x.read_seq) AS all_read, count(*)::int AS member_count
    FROM members x WHERE x.conversation_id = c.id AND x.left_seq IS NULL
  ) a`;

/**
 * For a former member (m.left_seq set) the group as it was when they left, from its system messages:
 * its name and description then, and how many were in it (they included). Nothing newer reaches them.
 * Each is a subquery under CASE, so it runs only for former members' rows.
 */
const lastEventBefore = (field: string, types: string[]) => `
  (SELECT NULLIF(x.event->>'${field}', '') FROM messages x
    WHERE x.conversation_id = c.id AND x.kind = 'system' AND x.seq <= m.left_seq
      AND x.event->>'type' IN (${types.map((t) => `'${t}'`).join(', ')})
    ORDER BY x.seq DESC LIMIT 1)`;
/** A group's name as member row `m` sees it (conversation `c`): `title` now, or when they left. */
export const titleAsSeen = (title: string) =>
  `CASE WHEN m.left_seq IS NULL THEN ${title} ELSE ${lastEventBefore('title', ['group.created', 'group.renamed'])} END`;
/** The other person of a direct conversation (`m`, `user`'s member row; `kind`, its kind), as `p`. */
export const directPeer = (user: string, kind = 'm.kind') => `
  LEFT JOIN LATERAL (
    SELECT u.id, u.username, u.display_name, ${photoAsSeen(user)} AS photo FROM members om JOIN users u ON u.id = om.user_id
    WHERE om.conversation_id = m.conversation_id AND om.user_id <> ${user} LIMIT 1
  ) p ON ${kind} = 'direct'`;
const AS_OF_DEPARTURE = `
  ${titleAsSeen('m.title')} AS title,
  CASE WHEN m.left_seq IS NULL THEN m.description ELSE ${lastEventBefore('description', ['group.created', 'group.described'])} END AS description,
  CASE WHEN m.left_seq IS NULL THEN a.member_count ELSE
    (SELECT count(*)::int FROM members x
      WHERE x.conversation_id = c.id AND x.from_seq <= m.left_seq AND (x.left_seq IS NULL OR x.left_seq >= m.left_seq)) END AS member_count`;

/**
 * The head of conversation `c` for member row `m`: the last seq they may read (the conversation's
 * last, or where they left it). The one definition, as SQL over those aliases.
 */
export const MEMBER_HEAD = 'COALESCE(m.left_seq, c.last_seq)';

/**
 * How many messages member row `m` has not read, up to seq `upTo`: text from others after their
 * read watermark (system messages are nobody's unread) that they have not hidden (deleted for
 * themselves, or withheld from them: server/contacts), counted up to `cap` when one is given. The
 * one definition of "unread", as SQL text around `upTo` (for prepared statements) and as a Prisma
 * fragment.
 */
function unreadAround(cap?: number): [string, string] {
  const from = `messages x WHERE x.conversation_id = m.conversation_id AND x.seq > m.read_seq AND x.seq <= `;
  const rest = ` AND x.kind = 'text' AND x.sender_id <> m.user_id
    AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = x.conversation_id AND h.user_id = m.user_id AND h.seq = x.seq)`;
  return cap === undefined
    ? [`(SELECT count(*)::int FROM ${from}`, `${rest})`]
    : [`(SELECT count(*)::int FROM (SELECT 1 FROM ${from}`, `${rest} LIMIT ${Math.trunc(cap)}) capped)`];
}
const UNREAD = unreadAround();
export const unreadCountOf = (upTo: Prisma.Sql, cap?: number) => {
  const [head, tail] = unreadAround(cap);
  return Prisma.sql`${Prisma.raw(head)}${upTo}${Prisma.raw(tail)}`;
};

/** The part of a conversation's history a member may read: fromSeq up to toSeq (null: no end yet). */
export interface ReadableRange {
  fromSeq: bigint;
  toSeq: bigint | null;
}

/**
 * Whether seq is inside a member's window: from their "added" message (or the start) to their
 * "left"/"removed" one (or no end). The one definition of membership in time, for code; the SQL of
 * the hot paths writes it as `from_seq <= seq AND (left_seq IS NULL OR left_seq >= seq)`.
 */
export function inWindow(seq: bigint | number, range: ReadableRange): boolean {
  const s = BigInt(seq);
  return s >= range.fromSeq && (range.toSeq === null || s <= range.toSeq);
}

/**
 * Throws FORBIDDEN unless userId is a current member; says nothing about whether the conversation
 * exists. Returns the caller's role.
 */
export async function assertMember(userId: UserId, conversationId: ConversationId): Promise<MemberRole> {
  const member = await getDb().member.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    select: { role: true, leftSeq: true },
  });
  if (!member || member.leftSeq !== null) throw notAMember();
  return member.role as MemberRole;
}

/** For current and former members: what of the history they may read (after what they cleared). FORBIDDEN for anyone else. */
export async function readableRange(userId: UserId, conversationId: ConversationId): Promise<ReadableRange> {
  const member = await getDb().member.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    select: { fromSeq: true, leftSeq: true, clearedSeq: true },
  });
  if (!member) throw notAMember();
  // A chat the member cleared starts for them after what they cleared.
  const fromSeq = member.clearedSeq >= member.fromSeq ? member.clearedSeq + 1n : member.fromSeq;
  return { fromSeq, toSeq: member.leftSeq };
}

/**
 * Everyone who is or was in the conversation (senders of its history), current members first. A
 * former member (`view` ends) sees it as it was when they left: nobody added since, and anyone who
 * was still in it then as in it.
 */
export async function listMembers(viewerId: UserId, conversationId: ConversationId, view: ReadableRange): Promise<MemberSummary[]> {
  const rows = await getDb().member.findMany({
    where: { conversationId, ...(view.toSeq === null ? {} : { fromSeq: { lte: view.toSeq } }) },
    select: { role: true, joinedAt: true, leftSeq: true, user: { select: { id: true, username: true, displayName: true } } },
    orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
  });
  const rank = { owner: 0, admin: 1, member: 2 } as Record<string, number>;
  const activeThen = (leftSeq: bigint | null) => leftSeq === null || (view.toSeq !== null && leftSeq > view.toSeq);
  const members = rows
    .map((r) => ({ ...r.user, role: r.role as MemberRole, joinedAt: r.joinedAt, active: activeThen(r.leftSeq) }))
    .sort((a, b) => Number(b.active) - Number(a.active) || rank[a.role] - rank[b.role]);
  return withPhotos(viewerId, members);
}

/** The direct conversation between two users, created on first use; the same one every time. */
export async function openDirect(userId: UserId, peerUsername: string): Promise<ConversationSummary> {
  const db = getDb();
  const peer = await db.user.findUnique({ where: { username: peerUsername }, select: { id: true, deletedAt: true } });
  if (!peer || peer.deletedAt) throw new AppError('NOT_FOUND', `No user named ${peerUsername}`, 'username');
  if (peer.id === userId) throw new AppError('BAD_REQUEST', 'You cannot start a conversation with yourself', 'username');
  const directKey = [userId, peer.id].sort().join(':');
  // Insert-or-nothing on the unique key, so two people opening it at once still get one conversation.
  await db.$executeRaw`
    WITH c AS (
      INSERT INTO conversations (id, kind, direct_key) VALUES (${randomUUID()}::uuid, 'direct', ${directKey})
      ON CONFLICT (direct_key) DO NOTHING RETURNING id
    )
    INSERT INTO members (conversation_id, user_id)
    SELECT c.id, u FROM c, unnest(ARRAY[${userId}::uuid, ${peer.id}::uuid]) AS u`;
  const conversation = await db.conversation.findUniqueOrThrow({ where: { directKey }, select: { id: true } });
  return (await summaryFor(userId, conversation.id))!;
}

// A prepared statement (the inbox is read at every start of the app): planning it took 9 ms a call,
// more than running it. One page is picked first, from the member and conversation rows alone, by
// (last activity, id) after the cursor ($4 microseconds since the epoch, $5 the id); only the chats
// on it get a last message, a peer, an unread count and aggregates (docs/performance.md).
const INBOX = `
  WITH base AS MATERIALIZED (
    SELECT * FROM (
      SELECT m.conversation_id, m.user_id, m.role, m.left_seq, m.read_seq, m.muted_until, c.kind, c.title, c.description,
        m.pinned_at, m.archived_at, m.marked_unread, m.cleared_seq, m.hidden_at,
        ${MEMBER_HEAD} AS last_seq,
        CASE WHEN m.left_seq IS NULL THEN c.last_at
          ELSE (SELECT x.created_at FROM messages x WHERE x.conversation_id = c.id AND x.seq = m.left_seq) END AS last_at
      FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = $1::uuid AND ($2::uuid IS NULL AND c.last_seq > 0 OR c.id = $2::uuid)
    ) s
    -- Deleted from the list: back once something was said after.
    WHERE $2::uuid IS NOT NULL OR s.hidden_at IS NULL OR s.last_at > s.hidden_at
  ), mine AS MATERIALIZED (
    -- A page by (last activity, id) after the cursor, pinned chats left out: they come, at most
    -- three, with the first page.
    (SELECT * FROM base b
      WHERE b.pinned_at IS NULL
        AND ($4::bigint IS NULL OR (b.last_at, b.conversation_id) < (timestamptz 'epoch' + $4::bigint * interval '1 microsecond', $5::uuid))
      ORDER BY b.last_at DESC, b.conversation_id DESC
      LIMIT $3)
    UNION ALL
    (SELECT * FROM base b WHERE b.pinned_at IS NOT NULL AND $4::bigint IS NULL)
  )
  SELECT m.conversation_id AS id, m.kind, m.role, m.left_seq, ${AS_OF_DEPARTURE},
    CASE WHEN m.muted_until > now() THEN m.muted_until END AS muted_until,
    m.pinned_at, m.marked_unread,
    m.archived_at IS NOT NULL AND (m.last_at <= m.archived_at OR COALESCE(m.muted_until > now(), false)) AS archived,
    m.last_seq, m.last_at, (extract(epoch FROM m.last_at) * 1000000)::bigint AS last_at_us,
    m.read_seq, a.all_delivered, a.all_read,
    ${UNREAD[0]}m.last_seq${UNREAD[1]} AS unread,
    p.id AS peer_id, p.username AS peer_username, p.display_name AS peer_display_name, p.photo AS peer_photo,
    CASE WHEN m.left_seq IS NULL THEN c.photo_id END AS group_photo,
    lm.id AS msg_id, lm.seq AS msg_seq, lm.sender_id AS msg_sender_id, lm.client_id AS msg_client_id,
    COALESCE(le.body, lm.body) AS msg_body, le.body IS NOT NULL AS msg_edited, lm.deleted_at IS NOT NULL AS msg_deleted, lm.media AS msg_media,
    lm.kind AS msg_kind, lm.event AS msg_event, lm.created_at AS msg_created_at,
    ls.display_name AS msg_sender_name
  FROM mine m
  JOIN conversations c ON c.id = m.conversation_id
  ${directPeer('$1::uuid')}
  LEFT JOIN LATERAL (
    SELECT x.* FROM messages x
    WHERE x.conversation_id = m.conversation_id AND x.seq <= m.last_seq AND x.seq > m.cleared_seq AND x.kind <> 'change'
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = x.conversation_id AND h.user_id = m.user_id AND h.seq = x.seq)
    ORDER BY x.seq DESC LIMIT 1
  ) lm ON true
  LEFT JOIN LATERAL (SELECT ${latestEditBody('m.conversation_id', 'lm.seq', 'm.last_seq')} AS body) le ON lm.deleted_at IS NULL
  LEFT JOIN users ls ON ls.id = lm.sender_id
  ${AGGREGATE_WATERMARKS}
  ORDER BY m.pinned_at DESC NULLS LAST, m.last_at DESC, m.conversation_id DESC`;

/** pg hands bigint columns over as strings. */
interface InboxRow {
  id: string;
  kind: string;
  title: string | null;
  description: string | null;
  role: string;
  left_seq: string | null;
  member_count: number;
  last_seq: string;
  last_at: Date;
  last_at_us: string;
  read_seq: string;
  all_delivered: string;
  all_read: string;
  unread: number;
  peer_id: string | null;
  peer_username: string | null;
  peer_display_name: string | null;
  peer_photo: string | null;
  /** A group's photo, for current members. */
  group_photo: string | null;
  msg_id: string | null;
  msg_seq: string | null;
  msg_edited: boolean | null;
  msg_deleted: boolean | null;
  msg_media: unknown;
  msg_sender_id: string | null;
  msg_client_id: string | null;
  msg_body: string | null;
  msg_kind: string | null;
  msg_event: SystemEvent | null;
  msg_created_at: Date | null;
  msg_sender_name: string | null;
  muted_until: Date | null;
  pinned_at: Date | null;
  archived: boolean;
  marked_unread: boolean;
}

/**
 * A page of the caller's conversations, most recent activity first. Conversations with no message yet
 * are left out (a peer should not see a chat appear until something is said in it). A group the
 * caller left stays, frozen at their departure. A chat that moves up while a client pages (new
 * activity) is not on a later page again: the client hears of it live.
 */
export async function listInbox(userId: UserId, { cursor, limit }: InboxInput): Promise<InboxPage> {
  const [at, id] = cursor ? cursor.split(':') : [null, null];
  const rows = await inboxRows(userId, null, limit + 1, at, id);
  const pinned = rows.filter((r) => r.pinned_at !== null);
  const paged = rows.filter((r) => r.pinned_at === null);
  const more = paged.length > limit;
  if (more) paged.pop();
  const last = paged.at(-1);
  return { conversations: [...pinned, ...paged].map(summaryOf), nextCursor: more && last ? `${last.last_at_us}:${last.id}` : null };
}

/** One conversation as the inbox shows it, whether or not anything was said in it yet. */
async function summaryFor(userId: UserId, conversationId: ConversationId): Promise<ConversationSummary | undefined> {
  const [row] = await inboxRows(userId, conversationId, 1, null, null);
  return row && summaryOf(row);
}

async function inboxRows(userId: UserId, onlyId: ConversationId | null, limit: number, afterUs: string | null, afterId: string | null) {
  const { rows } = await getPool().query<InboxRow>({ name: 'inbox', text: INBOX, values: [userId, onlyId, limit, afterUs, afterId] });
  return rows;
}

function summaryOf(r: InboxRow): ConversationSummary {
  const peer: UserSummary | null = r.peer_id
    ? { id: r.peer_id, username: r.peer_username!, displayName: r.peer_display_name!, ...(r.peer_photo && { photo: r.peer_photo }) }
    : null;
  const photo = r.group_photo ?? peer?.photo;
  const lastMessage: Message | null =
    r.msg_id === null
      ? null
      : {
          id: r.msg_id.toString(),
          conversationId: r.id,
          seq: Number(r.msg_seq),
          senderId: r.msg_sender_id!,
          clientId: r.msg_client_id!,
          body: r.msg_body!,
          kind: r.msg_kind === 'system' ? 'system' : 'text',
          event: r.msg_event,
          createdAt: r.msg_created_at!,
          ...(r.msg_edited && { edited: true as const }),
          ...(r.msg_deleted && { deleted: true as const }),
          ...(!r.msg_deleted && attachmentOf(r.msg_media)),
        };
  return {
    id: r.id,
    kind: r.kind === 'group' ? 'group' : 'direct',
    title: r.title ?? peer?.displayName ?? 'Conversation',
    description: r.description,
    peer,
    ...(photo && { photo }),
    role: r.left_seq === null ? (r.role as MemberRole) : null,
    memberCount: r.member_count,
    lastSeq: Number(r.last_seq),
    readSeq: Number(r.read_seq),
    allDeliveredSeq: Number(r.all_delivered),
    allReadSeq: Number(r.all_read),
    unreadCount: r.unread,
    lastActivityAt: r.last_at,
    lastMessage,
    lastSenderName: r.msg_sender_name,
    mutedUntil: r.muted_until,
    pinnedAt: r.pinned_at,
    archived: r.archived,
    markedUnread: r.marked_unread,
  };
}

export async function getConversation(userId: UserId, conversationId: ConversationId): Promise<ConversationSummary> {
  const summary = await summaryFor(userId, conversationId);
  if (!summary) throw notAMember();
  return summary;
}

/**
 * Where each of the user's conversations stands: sent first on every (re)subscribe, for resume. A
 * former member's head stays at their departure.
 */
/** A conversation's head as member row `m` of conversation `c` sees it (with AGGREGATE_WATERMARKS joined as `a`). */
export const HEAD_COLUMNS = `c.id, ${MEMBER_HEAD} AS last_seq, m.delivered_seq, m.read_seq, a.all_delivered, a.all_read`;
export interface HeadRow {
  id: string;
  last_seq: string;
  delivered_seq: string;
  read_seq: string;
  all_delivered: string;
  all_read: string;
}
export const toHead = (r: HeadRow): ConversationHead => ({
  id: r.id,
  lastSeq: Number(r.last_seq),
  deliveredSeq: Number(r.delivered_seq),
  readSeq: Number(r.read_seq),
  allDeliveredSeq: Number(r.all_delivered),
  allReadSeq: Number(r.all_read),
});

export async function listHeads(userId: UserId): Promise<ConversationHead[]> {
  // Prepared: every (re)subscription of every client reads it.
  const { rows } = await getPool().query<HeadRow>({
    name: 'heads',
    text: `
      SELECT ${HEAD_COLUMNS}
      FROM members m JOIN conversations c ON c.id = m.conversation_id
      ${AGGREGATE_WATERMARKS}
      WHERE m.user_id = $1::uuid`,
    values: [userId],
  });
  return rows.map(toHead);
}

/** "Always" is stored as this far date: a timestamp every client can hold, unlike PostgreSQL's infinity. */
export const MUTED_ALWAYS = new Date('9999-12-31T00:00:00Z');
const MUTE_MS = { '8h': 8 * 3600_000, '1w': 7 * 24 * 3600_000 } as const;

/** Mutes (or, with null, unmutes) the caller's notifications from a conversation; unread still counts. */
export async function setMute(userId: UserId, conversationId: ConversationId, duration: MuteDuration): Promise<ConversationSummary> {
  const mutedUntil = duration === null ? null : duration === 'always' ? MUTED_ALWAYS : new Date(Date.now() + MUTE_MS[duration]);
  await getDb().member.update({ where: { conversationId_userId: { conversationId, userId } }, data: { mutedUntil } });
  return getConversation(userId, conversationId);
}
