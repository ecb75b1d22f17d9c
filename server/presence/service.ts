// Presence: online while a connection lives anywhere, last seen when the last one closes, shown only to
// whom the user allows, and announced to the people they share a conversation with.
import type { Presence, PresenceVisibility, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { channels, getBus, getPresenceRegistry } from '../realtime/index.ts';
import { visibleTo } from '../users/visibility.ts';

const log = logger.child({ part: 'presence' });
// Going offline is announced only if the user stays offline this long, so a reload or a flaky network
// costs their contacts nothing; short enough that contacts still learn within 2 s.
export const OFFLINE_GRACE_MS = 1_500;

/**
 * The people with a one-to-one chat with the user now (the only ones told about changes: the app
 * shows presence only there, and telling a 500-member group of every reconnect would cost 500
 * events for nothing shown); with `visibleOnly`, those of them who may see it.
 */
export async function partnersOf(userId: UserId, { visibleOnly = false } = {}): Promise<string[]> {
  const rows = await getDb().$queryRawUnsafe<{ user_id: string }[]>(
    `SELECT DISTINCT other.user_id FROM members mine
      JOIN members other ON other.conversation_id = mine.conversation_id AND other.user_id <> mine.user_id AND other.left_seq IS NULL
      JOIN conversations c ON c.id = mine.conversation_id AND c.kind = 'direct'
      JOIN users u ON u.id = mine.user_id
      WHERE mine.user_id = $1::uuid AND mine.left_seq IS NULL AND ($2::boolean OR ${visibleTo('other.user_id', 'presence_visibility')})`,
    userId,
    !visibleOnly,
  );
  return rows.map((r) => r.user_id);
}

async function announce(userId: UserId, online: boolean, lastSeenAt: Date | null): Promise<void> {
  const viewers = await partnersOf(userId, { visibleOnly: true });
  void getBus().publish(viewers.map(channels.user), { type: 'presence.updated', userId, visible: true, online, lastSeenAt });
}

async function markLastSeen(userIds: string[], at: Date): Promise<void> {
  if (userIds.length) await getDb().user.updateMany({ where: { id: { in: userIds } }, data: { lastSeenAt: at } });
}

/** This instance's live connections, kept in the registry by heartbeats. */
class PresenceTracker {
  private readonly local = new Map<string, UserId>();
  private readonly pendingOffline = new Map<UserId, ReturnType<typeof setTimeout>>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  async connected(userId: UserId, connectionId: string): Promise<void> {
    this.local.set(connectionId, userId);
    this.startHeartbeat();
    const flapped = this.pendingOffline.get(userId);
    if (flapped) clearTimeout(flapped);
    this.pendingOffline.delete(userId);
    const cameOnline = await getPresenceRegistry().connect(userId, connectionId);
    // Back within the grace period: the offline was never announced, so neither is this online.
    if (cameOnline && !flapped) await announce(userId, true, null);
  }

  async disconnected(userId: UserId, connectionId: string): Promise<void> {
    this.local.delete(connectionId);
    if (!(await getPresenceRegistry().disconnect(userId, connectionId))) return;
    const at = new Date();
    await markLastSeen([userId], at);
    const prior = this.pendingOffline.get(userId);
    if (prior) clearTimeout(prior);
    this.pendingOffline.set(
      userId,
      setTimeout(() => {
        this.pendingOffline.delete(userId);
        void getPresenceRegistry()
          .online([userId])
          .then((online) => (online.has(userId) ? undefined : announce(userId, false, at)))
          .catch((err) => log.warn({ err, userId }, 'announcing offline failed'));
      }, OFFLINE_GRACE_MS).unref(),
    );
  }

  /** Renews this instance's connections and takes offline the users of instances that died. */
  async beat(): Promise<void> {
    const registry = getPresenceRegistry();
    await registry.renew([...this.local].map(([connectionId, userId]) => ({ userId, connectionId })));
    const gone = await registry.sweep();
    if (gone.length === 0) return;
    const at = new Date();
    await markLastSeen(gone, at);
    await Promise.all(gone.map((userId) => announce(userId, false, at)));
  }

  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const t of this.pendingOffline.values()) clearTimeout(t);
    this.pendingOffline.clear();
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    // Three beats per TTL: one late beat never takes a live user offline.
    this.heartbeat = setInterval(() => void this.beat().catch((err) => log.warn({ err }, 'presence heartbeat failed')), env.PRESENCE_TTL_MS / 3);
    this.heartbeat.unref();
  }
}

export const presenceTracker = new PresenceTracker();

/** What the caller may see of each user's presence. */
export async function getPresence(callerId: UserId, userIds: string[]): Promise<Presence[]> {
  const users = await getDb().$queryRawUnsafe<{ id: string; last_seen_at: Date | null; visible: boolean }[]>(
    `SELECT u.id, u.last_seen_at, ${visibleTo('$1::uuid', 'presence_visibility')} AS visible FROM users u WHERE u.id = ANY ($2::uuid[])`,
    callerId,
    userIds,
  );
  const online = await getPresenceRegistry().online(users.filter((u) => u.visible).map((u) => u.id));
  return users.map((u): Presence => (u.visible ? { userId: u.id, visible: true, online: online.has(u.id), lastSeenAt: u.last_seen_at } : { userId: u.id, visible: false }));
}

/** Tells each of `viewerIds` what they may now see of `userId`'s status (after a rule changed). */
export async function tellPresence(userId: UserId, viewerIds: string[]): Promise<void> {
  const bus = getBus();
  await Promise.all(
    viewerIds.map(async (viewerId) => {
      const [presence] = await getPresence(viewerId, [userId]);
      if (presence) await bus.publish([channels.user(viewerId)], { type: 'presence.updated', ...presence });
    }),
  );
}

export async function setPresenceVisibility(userId: UserId, visibility: PresenceVisibility): Promise<{ visibility: PresenceVisibility }> {
  await getDb().user.update({ where: { id: userId }, data: { presenceVisibility: visibility } });
  // Each one-to-one partner learns what they may see now (those who may no longer forget it).
  await tellPresence(userId, await partnersOf(userId));
  return { visibility };
}
