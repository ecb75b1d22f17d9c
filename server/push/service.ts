// Web push: browsers' subscriptions, and notifications for people with no live connection, coalesced
// per conversation; a read on one device closes the notifications on the others.
import { createECDH, randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { messagePreview } from '../../lib/media.ts';
import { notificationTag, type PushPayload } from '../../lib/push.ts';
import type { ConversationId, Message, PushSubscriptionInput, UserId } from '../../lib/schemas.ts';
import { MEMBER_HEAD, unreadCountOf } from '../conversations/service.ts';
import { getDb } from '../db/client.ts';
import { Prisma } from '../db/generated/client.ts';
import { env, vapidKeys, type VapidKeys } from '../env.ts';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { getPresenceRegistry } from '../realtime/index.ts';
import { SerialQueues } from '../serial-queues.ts';
import { snowflakeAt } from '../snowflake.ts';
import { messageColumns, toMessage, type MessageRow } from '../messages/write.ts';

const log = logger.child({ part: 'push' });

/** How long a push service keeps a push for a device that is off: a day-old chat is still news. */
const TTL_S = 24 * 3600;
const SEND_TIMEOUT_MS = 10_000;
const PREVIEW_CHARS = 180;

let keys: VapidKeys | undefined;
/** The VAPID keys (from the environment, or generated once under the data directory). */
export function vapid(): VapidKeys {
  if (!keys) {
    const loaded = vapidKeys(() => webpush.generateVAPIDKeys());
    webpush.setVapidDetails(loaded.subject, loaded.publicKey, loaded.privateKey); // throws on keys that cannot sign
    keys = loaded;
  }
  return keys;
}

/** Whether a browser's key is a point on P-256 that pushes can be encrypted to. */
function isUsablePublicKey(p256dh: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(p256dh, 'base64url'));
    return true;
  } catch {
    return false;
  }
}

/** Subscriptions kept per user (browsers and devices); a new one beyond it drops the oldest. */
export const MAX_SUBSCRIPTIONS = 10;

/** The browsers' push services: Chrome, Edge (Chromium), Opera and Samsung use FCM. */
const PUSH_SERVICE_HOSTS = ['fcm.googleapis.com', '.push.services.mozilla.com', '.push.apple.com', '.notify.windows.com'];

/**
 * Whether the server may POST to this endpoint: a browser vendor's push service over HTTPS, never a
 * host of the operator's network (a subscription must not turn the server into a proxy).
 */
export function isPushServiceEndpoint(endpoint: string, allowLocal: boolean): boolean {
  const url = new URL(endpoint);
  if (allowLocal) return url.protocol === 'https:' || url.protocol === 'http:';
  const host = url.hostname;
  return url.protocol === 'https:' && url.port === '' && PUSH_SERVICE_HOSTS.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h));
}

/** `sessionId`: the session subscribing (its end deletes the subscription); null for tests without one. */
export async function saveSubscription(userId: UserId, sessionId: string | null, input: PushSubscriptionInput): Promise<void> {
  if (!isPushServiceEndpoint(input.endpoint, env.PUSH_ALLOW_LOCAL_ENDPOINTS)) {
    throw new AppError('BAD_REQUEST', 'That is not a push service this server sends to', 'endpoint');
  }
  if (!isUsablePublicKey(input.keys.p256dh)) throw new AppError('BAD_REQUEST', 'Not a P-256 public key', 'keys.p256dh');
  const data = { userId, sessionId, p256dh: input.keys.p256dh, auth: input.keys.auth, createdAt: new Date() };
  const db = getDb();
  // An endpoint is one browser profile: if someone else was signed in there before, it is ours now.
  await db.pushSubscription.upsert({
    where: { endpoint: input.endpoint },
    create: { id: randomUUID(), endpoint: input.endpoint, ...data },
    update: data,
  });
  await db.$executeRaw`
    DELETE FROM push_subscriptions WHERE user_id = ${userId}::uuid AND id NOT IN (
      SELECT id FROM push_subscriptions WHERE user_id = ${userId}::uuid ORDER BY created_at DESC, id LIMIT ${MAX_SUBSCRIPTIONS})`;
}

/** Forgets this browser's subscription (it signed out, or turned notifications off). */
export async function deleteSubscription(userId: UserId, endpoint: string): Promise<void> {
  await getDb().pushSubscription.deleteMany({ where: { userId, endpoint } });
}

export async function setPushPreviews(userId: UserId, previews: boolean): Promise<{ previews: boolean }> {
  await getDb().user.update({ where: { id: userId }, data: { pushPreviews: previews } });
  return { previews };
}

interface Target {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Sends one push; a subscription the push service no longer knows (404, 410) is deleted. */
async function send(target: Target, payload: PushPayload, urgency: webpush.Urgency): Promise<void> {
  const { publicKey, privateKey, subject } = vapid();
  // Rows stored under another policy are checked again.
  if (!isPushServiceEndpoint(target.endpoint, env.PUSH_ALLOW_LOCAL_ENDPOINTS)) {
    await getDb().pushSubscription.deleteMany({ where: { id: target.id } });
    return log.warn({ userId: target.user_id }, 'push endpoint not a push service; subscription deleted');
  }
  let request: webpush.RequestDetails;
  try {
    request = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(payload),
      // A push service keeps only the newest push per topic for a device that is off.
      { TTL: TTL_S, urgency, topic: payload.conversationId.replaceAll('-', ''), contentEncoding: 'aes128gcm', vapidDetails: { subject, publicKey, privateKey } },
    );
  } catch (err) {
    // The browser's key is no point on the curve: nothing can ever be encrypted to it. Anything
    // else (our own keys) is the operator's to fix, and the subscription stays.
    if (isUsablePublicKey(target.p256dh)) return log.error({ err: (err as Error).message }, 'push could not be prepared');
    await getDb().pushSubscription.deleteMany({ where: { id: target.id } });
    return log.warn({ err: (err as Error).message, userId: target.user_id }, 'push subscription unusable; deleted');
  }
  try {
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: new Uint8Array(request.body!),
      redirect: 'manual', // a push service does not redirect; a redirect could point anywhere
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status === 404 || response.status === 410) {
      await getDb().pushSubscription.deleteMany({ where: { id: target.id } });
      log.info({ userId: target.user_id, status: response.status }, 'push subscription expired; deleted');
    } else if (!response.ok) {
      log.warn({ userId: target.user_id, status: response.status }, 'push service refused a push');
    } else metrics.pushesSent.inc({ type: payload.type });
  } catch (err) {
    log.warn({ err: (err as Error).message, userId: target.user_id }, 'push failed');
  }
}

/**
 * Apple's push service revokes a subscription whose pushes show no notification: there a "read"
 * push is not sent, and the app closes notifications when it next opens.
 */
function showsEveryPush(endpoint: string): boolean {
  return new URL(endpoint).hostname.endsWith('.push.apple.com');
}

/** Past this many unread messages in one conversation, the badge counts no further there. */
const BADGE_COUNT_CAP = 100;

/**
 * Unread messages per user over all their conversations (the badge), read on every push round: only
 * conversations with anything after the read watermark are looked into, each up to BADGE_COUNT_CAP,
 * so the cost stays bounded however far behind someone is.
 */
async function unreadTotals(userIds: string[]): Promise<Map<string, number>> {
  const rows = await getDb().$queryRaw<{ user_id: string; unread: number }[]>`
    SELECT m.user_id, sum(${unreadCountOf(Prisma.raw(MEMBER_HEAD), BADGE_COUNT_CAP)})::int AS unread
    FROM members m JOIN conversations c ON c.id = m.conversation_id
    WHERE m.user_id = ANY(${userIds}::uuid[]) AND ${Prisma.raw(MEMBER_HEAD)} > m.read_seq
    GROUP BY m.user_id`;
  return new Map(rows.map((r) => [r.user_id, r.unread]));
}

type PushRow = Target & { previews: boolean; unread: number; kind: string; title: string | null; sender_name: string };

/**
 * The members of the message's conversation (or only `onlyTo`) with a browser to push to, who have
 * not muted it, and whose push state is `state`: 'due' (the message is news to them: not read, not
 * pushed), or 'shown' (their last push was this very message and they have not read it since).
 */
function pushRows(message: Message, state: 'due' | 'shown', onlyTo?: UserId): Promise<PushRow[]> {
  const seq = BigInt(message.seq);
  const pushed = state === 'due' ? Prisma.sql`m.pushed_seq < ${seq}` : Prisma.sql`m.pushed_seq = ${seq}`;
  return getDb().$queryRaw<PushRow[]>`
    SELECT s.id, s.user_id, s.endpoint, s.p256dh, s.auth, u.push_previews AS previews, c.kind, c.title,
      sender.display_name AS sender_name, ${unreadCountOf(Prisma.sql`${seq}`)} AS unread
    FROM members m
    JOIN push_subscriptions s ON s.user_id = m.user_id
    JOIN users u ON u.id = m.user_id
    JOIN conversations c ON c.id = m.conversation_id
    JOIN users sender ON sender.id = ${message.senderId}::uuid
    WHERE m.conversation_id = ${message.conversationId}::uuid AND m.user_id <> ${message.senderId}::uuid
      AND (${onlyTo ?? null}::uuid IS NULL OR m.user_id = ${onlyTo ?? null}::uuid)
      AND m.left_seq IS NULL AND m.from_seq <= ${seq} AND m.read_seq < ${seq} AND ${pushed}
      AND (m.muted_until IS NULL OR m.muted_until <= now())`;
}

/** One conversation's notification for a member, saying `text` of the message; quiet: replaces without a sound. */
function messagePayload(t: PushRow, message: Message, text: string, badge: number | undefined, quiet: boolean): PushPayload {
  const count = Math.max(1, t.unread);
  const said = t.kind === 'group' ? `${t.sender_name}: ${text}` : text;
  const preview = t.previews
    ? { title: t.kind === 'group' ? (t.title ?? 'Group') : t.sender_name, body: count > 1 ? `${count} new messages\n${said}` : said }
    : { title: 'Parley', body: count > 1 ? `${count} new messages` : 'New message' };
  return {
    type: 'message',
    conversationId: message.conversationId,
    tag: notificationTag(message.conversationId),
    ...preview,
    count,
    badge: badge ?? count,
    url: `/c/${message.conversationId}`,
    at: message.createdAt.getTime(),
    ...(quiet && { quiet: true }),
  };
}

/**
 * A text message was committed and fanned out: each member (or only `onlyTo`) who has a push
 * subscription, has not muted the conversation, has not read it yet and has no live connection
 * anywhere gets one notification for the conversation, replacing the previous one ("3 new messages").
 */
async function notifyMessage(message: Message, onlyTo?: UserId): Promise<void> {
  const rows = await pushRows(message, 'due', onlyTo);
  if (rows.length === 0) return;
  const online = await getPresenceRegistry().online([...new Set(rows.map((r) => r.user_id))]);
  const offline = [...new Set(rows.filter((r) => !online.has(r.user_id)).map((r) => r.user_id))];
  if (offline.length === 0) return;
  // The claim: of two rounds for the same message (the healing sweep and a late regular round, on
  // any instance), only the one whose update moved pushed_seq sends.
  const claimed = await getDb().$queryRaw<{ user_id: string }[]>`
    UPDATE members SET pushed_seq = ${BigInt(message.seq)}
    WHERE conversation_id = ${message.conversationId}::uuid AND user_id = ANY(${offline}::uuid[]) AND pushed_seq < ${BigInt(message.seq)}
    RETURNING user_id`;
  const userIds = claimed.map((c) => c.user_id);
  const targets = rows.filter((r) => userIds.includes(r.user_id));
  if (targets.length === 0) return;
  const badges = await unreadTotals(userIds);
  const said = messagePreview(message);
  const text = said.length > PREVIEW_CHARS ? `${said.slice(0, PREVIEW_CHARS - 1)}…` : said;
  await Promise.all(targets.map((t) => send(t, messagePayload(t, message, text, badges.get(t.user_id), false), 'high')));
}

/**
 * A message was deleted for everyone: a notification still showing its text (the member's last push
 * was this message, unread since) is replaced, quietly, by one saying it was deleted.
 */
async function notifyDeleted(message: Message): Promise<void> {
  const targets = await pushRows(message, 'shown');
  if (targets.length === 0) return;
  const badges = await unreadTotals([...new Set(targets.map((t) => t.user_id))]);
  await Promise.all(targets.map((t) => send(t, messagePayload(t, message, 'This message was deleted', badges.get(t.user_id), true), 'normal')));
}

/**
 * The user read what had been pushed to them (receipts cleared members.pushed_seq): every one of
 * their browsers is told to close that conversation's notification.
 */
async function notifyRead(userId: UserId, conversationId: ConversationId): Promise<void> {
  const db = getDb();
  const targets = await db.$queryRaw<Target[]>`
    SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ${userId}::uuid`;
  if (targets.length === 0) return;
  const badge = (await unreadTotals([userId])).get(userId) ?? 0;
  // The same topic as the message pushes: a device that was off gets the close instead of them.
  const payload: PushPayload = { type: 'read', conversationId, tag: notificationTag(conversationId), badge };
  await Promise.all(targets.filter((t) => !showsEveryPush(t.endpoint)).map((t) => send(t, payload, 'normal')));
}

/**
 * A push round of one conversation: its newest message goes to every member but its sender; the
 * newest one from anyone else goes to that sender (then each member's last push is the newest news
 * for them).
 */
interface Round {
  newest: Message;
  forItsSender: Message | null;
}

/**
 * Pushes run beside delivery, never on the send's ack path nor in the fan-out chain; one round at a
 * time per conversation, in order (a "read" never overtakes the push it closes, an older count never
 * lands after a newer one). While a round waits, every newer message of the conversation joins it:
 * a conversation has at most one waiting round however slow the push service is.
 */
class PushQueue {
  private readonly queues = new SerialQueues<ConversationId>(log, 'push round');
  /** Each conversation's round that has not started, which newer messages join. */
  private readonly waiting = new Map<ConversationId, Round>();

  /** Messages of one conversation, in seq order (a fan-out batch). */
  messages(messages: Message[]): void {
    for (const m of messages) if (m.kind === 'text') this.queue(m);
  }

  private queue(message: Message): void {
    const conversationId = message.conversationId;
    const round = this.waiting.get(conversationId);
    if (round) {
      if (message.senderId !== round.newest.senderId) round.forItsSender = round.newest;
      round.newest = message;
      return;
    }
    const fresh: Round = { newest: message, forItsSender: null };
    this.waiting.set(conversationId, fresh);
    this.queues.run(conversationId, async () => {
      if (this.waiting.get(conversationId) === fresh) this.waiting.delete(conversationId);
      await notifyMessage(fresh.newest);
      if (fresh.forItsSender) await notifyMessage(fresh.forItsSender, fresh.newest.senderId);
    });
  }

  /** A message deleted for everyone: after any round that may have pushed it. */
  deleted(message: Message): void {
    this.queues.run(message.conversationId, () => notifyDeleted(message));
  }

  /** A message whose regular round never came (see healMissedPushes), for one member. */
  missed(message: Message, userId: UserId): void {
    this.queues.run(message.conversationId, () => notifyMessage(message, userId));
  }

  read(userId: UserId, conversationId: ConversationId): void {
    // Queued after the waiting round: a later message must not take that round over and go out
    // before this close, which would then close its notification.
    this.waiting.delete(conversationId);
    this.queues.run(conversationId, () => notifyRead(userId, conversationId));
  }

  /** Resolves when every push queued so far is done (shutdown, tests). */
  idle(): Promise<void> {
    return this.queues.idle();
  }
}

export const push = new PushQueue();

/**
 * Pushes whose regular round never ran: the instance died between a commit and its fan-out, or the
 * fan-out's member query failed. Looks at each conversation's newest text message committed between
 * `fromMs` and `toMs` ago (every member but its sender has read nothing after their own last message
 * before it, so that one message is all the news): a member with a browser to push to who has not
 * had it delivered, read or pushed gets its round now. notifyMessage checks the rest (mute, presence)
 * and claims it, so a round that did run, on any instance, is never repeated. Returns how many were
 * queued.
 */
export async function healMissedPushes(fromMs: number, toMs: number): Promise<number> {
  const now = Date.now();
  const rows = await getDb().$queryRaw<(MessageRow & { target: string })[]>`
    SELECT ${Prisma.raw(messageColumns('msg'))}, m.user_id AS target
    FROM (SELECT DISTINCT ON (conversation_id) * FROM messages
          WHERE id > ${snowflakeAt(now - fromMs)}::bigint AND id <= ${snowflakeAt(now - toMs)}::bigint AND kind = 'text'
          ORDER BY conversation_id, seq DESC) msg
    JOIN members m ON m.conversation_id = msg.conversation_id
    WHERE m.user_id <> msg.sender_id AND m.left_seq IS NULL AND m.from_seq <= msg.seq
      AND GREATEST(m.pushed_seq, m.delivered_seq, m.read_seq) < msg.seq
      AND (m.muted_until IS NULL OR m.muted_until <= now())
      AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = m.user_id)`;
  for (const row of rows) push.missed(toMessage(row), row.target);
  if (rows.length > 0) metrics.pushesHealed.inc(rows.length);
  return rows.length;
}

/** The server's VAPID public key, for PushManager.subscribe's applicationServerKey. */
export function pushConfig(): { publicKey: string } {
  return { publicKey: vapid().publicKey };
}
