// Web push: browsers' subscriptions, and notifications for people with no live connection, coalesced
// per conversation; a read on one device closes the notifications on the others.
import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { notificationTag, type PushPayload } from '../../lib/push.ts';
import type { ConversationId, Message, PushSubscriptionInput, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { vapidKeys, type VapidKeys } from '../env.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { getPresenceRegistry } from '../realtime/index.ts';

const log = logger.child({ part: 'push' });

/** How long a push service keeps a push for a device that is off: a day-old chat is still news. */
const TTL_S = 24 * 3600;
const SEND_TIMEOUT_MS = 10_000;
const PREVIEW_CHARS = 180;

let keys: VapidKeys | undefined;
/** The VAPID keys (from the environment, or generated once under the data directory). */
export function vapid(): VapidKeys {
  return (keys ??= vapidKeys(() => webpush.generateVAPIDKeys()));
}

export async function saveSubscription(userId: UserId, input: PushSubscriptionInput): Promise<void> {
  const data = { userId, p256dh: input.keys.p256dh, auth: input.keys.auth };
  // An endpoint is one browser profile: if someone else was signed in there before, it is ours now.
  await getDb().pushSubscription.upsert({
    where: { endpoint: input.endpoint },
    create: { id: randomUUID(), endpoint: input.endpoint, ...data },
    update: data,
  });
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
async function send(target: Target, payload: PushPayload, options: { topic?: string; urgency: webpush.Urgency }): Promise<void> {
  const { publicKey, privateKey, subject } = vapid();
  const request = webpush.generateRequestDetails(
    { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    JSON.stringify(payload),
    { TTL: TTL_S, urgency: options.urgency, topic: options.topic, contentEncoding: 'aes128gcm', vapidDetails: { subject, publicKey, privateKey } },
  );
  try {
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: new Uint8Array(request.body),
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

/** Unread messages per user over all their conversations (the badge). */
async function unreadTotals(userIds: string[]): Promise<Map<string, number>> {
  const rows = await getDb().$queryRaw<{ user_id: string; unread: number }[]>`
    SELECT m.user_id, count(x.*)::int AS unread FROM members m
    JOIN conversations c ON c.id = m.conversation_id
    LEFT JOIN messages x ON x.conversation_id = m.conversation_id AND x.seq > m.read_seq
      AND x.seq <= COALESCE(m.left_seq, c.last_seq) AND x.kind = 'text' AND x.sender_id <> m.user_id
    WHERE m.user_id = ANY(${userIds}::uuid[])
    GROUP BY m.user_id`;
  return new Map(rows.map((r) => [r.user_id, r.unread]));
}

/**
 * A text message was committed and fanned out: each member who has a push subscription, has not
 * muted the conversation and has no live connection anywhere gets one notification for the
 * conversation, replacing the previous one ("3 new messages").
 */
async function notifyMessage(message: Message): Promise<void> {
  const db = getDb();
  const seq = BigInt(message.seq);
  const rows = await db.$queryRaw<(Target & { previews: boolean; unread: number; kind: string; title: string | null; sender_name: string })[]>`
    SELECT s.id, s.user_id, s.endpoint, s.p256dh, s.auth, u.push_previews AS previews, c.kind, c.title,
      sender.display_name AS sender_name,
      (SELECT count(*)::int FROM messages x WHERE x.conversation_id = m.conversation_id AND x.seq > m.read_seq
        AND x.seq <= ${seq} AND x.kind = 'text' AND x.sender_id <> m.user_id) AS unread
    FROM members m
    JOIN push_subscriptions s ON s.user_id = m.user_id
    JOIN users u ON u.id = m.user_id
    JOIN conversations c ON c.id = m.conversation_id
    JOIN users sender ON sender.id = ${message.senderId}::uuid
    WHERE m.conversation_id = ${message.conversationId}::uuid AND m.user_id <> ${message.senderId}::uuid
      AND m.left_seq IS NULL AND m.from_seq <= ${seq} AND m.read_seq < ${seq}
      AND (m.muted_until IS NULL OR m.muted_until <= now())`;
  if (rows.length === 0) return;
  const online = await getPresenceRegistry().online([...new Set(rows.map((r) => r.user_id))]);
  const targets = rows.filter((r) => !online.has(r.user_id));
  if (targets.length === 0) return;
  const userIds = [...new Set(targets.map((t) => t.user_id))];
  await db.member.updateMany({
    where: { conversationId: message.conversationId, userId: { in: userIds }, pushedSeq: { lt: seq } },
    data: { pushedSeq: seq },
  });
  const badges = await unreadTotals(userIds);
  await Promise.all(
    targets.map((t) => {
      const count = Math.max(1, t.unread);
      const text = message.body.length > PREVIEW_CHARS ? `${message.body.slice(0, PREVIEW_CHARS - 1)}…` : message.body;
      const said = t.kind === 'group' ? `${t.sender_name}: ${text}` : text;
      const preview = t.previews
        ? { title: t.kind === 'group' ? (t.title ?? 'Group') : t.sender_name, body: count > 1 ? `${count} new messages\n${said}` : said }
        : { title: 'Parley', body: count > 1 ? `${count} new messages` : 'New message' };
      return send(
        t,
        {
          type: 'message',
          conversationId: message.conversationId,
          tag: notificationTag(message.conversationId),
          ...preview,
          count,
          badge: badges.get(t.user_id) ?? count,
          url: `/c/${message.conversationId}`,
          at: message.createdAt.getTime(),
        },
        { topic: message.conversationId.replaceAll('-', ''), urgency: 'high' },
      );
    }),
  );
}

/**
 * The user read up to readSeq: if a push went out for something they have now read, every one of
 * their browsers is told to close that conversation's notification.
 */
async function notifyRead(userId: UserId, conversationId: ConversationId, readSeq: number): Promise<void> {
  const db = getDb();
  const cleared = await db.member.updateMany({
    where: { conversationId, userId, pushedSeq: { gt: 0, lte: BigInt(readSeq) } },
    data: { pushedSeq: 0 },
  });
  if (cleared.count === 0) return;
  const targets = await db.$queryRaw<Target[]>`
    SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ${userId}::uuid`;
  if (targets.length === 0) return;
  const badge = (await unreadTotals([userId])).get(userId) ?? 0;
  // The same topic as the message pushes: a device that was off gets the close instead of them.
  const payload: PushPayload = { type: 'read', conversationId, tag: notificationTag(conversationId), badge };
  await Promise.all(targets.map((t) => send(t, payload, { topic: conversationId.replaceAll('-', ''), urgency: 'normal' })));
}

/** Pushes run beside delivery, never on the send's ack path nor in the fan-out chain. */
class PushQueue {
  private readonly running = new Set<Promise<void>>();

  private run(work: () => Promise<void>): void {
    const p = work().catch((err) => log.warn({ err }, 'push round failed'));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  messages(messages: Message[]): void {
    // One notification per conversation and batch: the newest text message, with the unread count.
    const newest = messages.filter((m) => m.kind === 'text').at(-1);
    if (newest) this.run(() => notifyMessage(newest));
  }

  read(userId: UserId, conversationId: ConversationId, readSeq: number): void {
    this.run(() => notifyRead(userId, conversationId, readSeq));
  }

  /** Resolves when every push started so far is done (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

export const push = new PushQueue();

/** The server's VAPID public key, for PushManager.subscribe's applicationServerKey. */
export function pushConfig(): { publicKey: string } {
  return { publicKey: vapid().publicKey };
}
