// Administration: the instance's admins (the first account is one; admins make others), disabled
// accounts, how people may register (open, by invite link, closed), invite links, and the figures
// of the instance. The same operations serve the admin page (admin.* procedures) and the command
// line (server/admin/cli.ts) for when no admin can sign in.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { AdminUser, AdminUsersInput, CreateInviteInput, InstanceFigures, InviteInfo, RegistrationMode, UserId } from '../../lib/schemas.ts';
import { deleteAccount } from '../auth/delete-account.ts';
import { endSessions } from '../auth/sessions.ts';
import { getDb } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import { getPresenceRegistry } from '../realtime/index.ts';

type Db = Prisma.TransactionClient | ReturnType<typeof getDb>;

const REGISTRATION = 'registration';
/** Registration is open until an admin closes it: a new install works with no setup. */
const DEFAULT_REGISTRATION: RegistrationMode = 'open';
/** Taken while the first account is made, so two at once cannot both become the admin. */
const FIRST_ACCOUNT_LOCK = 0x7061726c; // 'parl'

const hashCode = (code: string) => new Uint8Array(createHash('sha256').update(code).digest());

export async function getRegistration(db: Db = getDb()): Promise<RegistrationMode> {
  const row = await db.instanceSetting.findUnique({ where: { key: REGISTRATION } });
  return row?.value === 'invite' || row?.value === 'closed' || row?.value === 'open' ? row.value : DEFAULT_REGISTRATION;
}

export async function setRegistration(mode: RegistrationMode): Promise<{ mode: RegistrationMode }> {
  await getDb().instanceSetting.upsert({ where: { key: REGISTRATION }, create: { key: REGISTRATION, value: mode }, update: { value: mode, updatedAt: new Date() } });
  return { mode };
}

/**
 * Whether a new account may be made now, inside the transaction that makes it: by the registration
 * mode, or by an invite (one use of it is taken here, so a single-use link opens one account however
 * many try at once). Returns the role of the new account: the first one administers the instance.
 */
export async function admitRegistration(tx: Prisma.TransactionClient, invite: string | undefined): Promise<{ role: 'admin' | 'user' }> {
  const mode = await getRegistration(tx);
  if (mode === 'closed') throw new AppError('FORBIDDEN', 'Registration is closed on this server', 'invite');
  if (invite !== undefined) {
    const taken = await tx.$queryRaw<{ id: string }[]>`
      UPDATE invites SET uses = uses + 1
      WHERE code_hash = ${hashCode(invite)} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
        AND (max_uses IS NULL OR uses < max_uses)
      RETURNING id`;
    if (taken.length === 0) throw new AppError('FORBIDDEN', 'This invite link does not work any more: it was used up, expired or revoked', 'invite');
  } else if (mode === 'invite') {
    throw new AppError('FORBIDDEN', 'Registration on this server needs an invite link', 'invite');
  }
  const hasAdmin = async () => (await tx.user.count({ where: { role: 'admin' } })) > 0;
  if (await hasAdmin()) return { role: 'user' };
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`;
  return { role: (await hasAdmin()) ? 'user' : 'admin' };
}

const CODE_BYTES = 18;

/** A new invite link's code (shown this once: only its hash is kept) and what it allows. */
export async function createInvite(actorId: UserId | null, input: CreateInviteInput): Promise<{ code: string; invite: InviteInfo }> {
  const code = randomBytes(CODE_BYTES).toString('base64url');
  const row = await getDb().invite.create({
    data: {
      id: randomUUID(),
      codeHash: hashCode(code),
      createdBy: actorId,
      maxUses: input.maxUses,
      expiresAt: input.expiresInHours === null ? null : new Date(Date.now() + input.expiresInHours * 3_600_000),
    },
    include: { creator: { select: { id: true, username: true, displayName: true } } },
  });
  return { code, invite: inviteInfo(row) };
}

function inviteInfo(row: Prisma.InviteGetPayload<{ include: { creator: { select: { id: true; username: true; displayName: true } } } }>): InviteInfo {
  const active = row.revokedAt === null && (row.expiresAt === null || row.expiresAt > new Date()) && (row.maxUses === null || row.uses < row.maxUses);
  return { id: row.id, maxUses: row.maxUses, uses: row.uses, expiresAt: row.expiresAt, revokedAt: row.revokedAt, createdAt: row.createdAt, createdBy: row.creator, active };
}

/** The newest invites first (up to 100). */
export async function listInvites(): Promise<InviteInfo[]> {
  const rows = await getDb().invite.findMany({
    orderBy: { createdAt: 'desc' },
    take: 100,
    include: { creator: { select: { id: true, username: true, displayName: true } } },
  });
  return rows.map(inviteInfo);
}

export async function revokeInvite(inviteId: string): Promise<void> {
  const { count } = await getDb().invite.updateMany({ where: { id: inviteId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0 && !(await getDb().invite.findUnique({ where: { id: inviteId } }))) throw new AppError('NOT_FOUND', 'No such invite', 'inviteId');
}

/** Accounts by username, `limit` at a time; `query` matches a part of the username or name. */
export async function listUsers(input: AdminUsersInput): Promise<{ users: AdminUser[]; nextCursor: string | null }> {
  const q = input.query?.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await getDb().user.findMany({
    where: {
      ...(q ? { OR: [{ username: { contains: q.toLowerCase() } }, { displayName: { contains: q, mode: 'insensitive' } }] } : {}),
      ...(input.cursor ? { username: { gt: input.cursor } } : {}),
    },
    select: { id: true, username: true, displayName: true, role: true, disabledAt: true, deletedAt: true, createdAt: true, lastSeenAt: true },
    orderBy: { username: 'asc' },
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const online = await getPresenceRegistry().online(page.map((u) => u.id));
  return {
    users: page.map((u) => ({
      id: u.id, username: u.username, displayName: u.displayName, role: u.role === 'admin' ? 'admin' : 'user',
      disabled: u.disabledAt !== null, deleted: u.deletedAt !== null, createdAt: u.createdAt, lastSeenAt: u.lastSeenAt, online: online.has(u.id),
    })),
    nextCursor: rows.length > input.limit ? page[page.length - 1].username : null,
  };
}

/** The account an admin acts on: another one, that exists and was not deleted. */
async function otherAccount(actorId: UserId | null, userId: UserId, what: string) {
  if (actorId === userId) throw new AppError('BAD_REQUEST', `You cannot ${what} yourself`, 'userId');
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { id: true, role: true, deletedAt: true } });
  if (!user) throw new AppError('NOT_FOUND', 'No such user', 'userId');
  if (user.deletedAt) throw new AppError('BAD_REQUEST', 'This account was deleted', 'userId');
  return user;
}

/** Deletes another account (server/auth/delete-account.ts); the last admin stays. */
export async function deleteUser(actorId: UserId | null, userId: UserId): Promise<void> {
  const user = await otherAccount(actorId, userId, 'delete');
  if (user.role === 'admin' && (await getDb().user.count({ where: { role: 'admin' } })) <= 1) {
    throw new AppError('BAD_REQUEST', 'The last admin cannot be deleted', 'userId');
  }
  await deleteAccount(userId);
}

/**
 * Disables (or enables again) an account: a disabled one cannot sign in, and every session it had
 * ends at once (its devices leave the app within seconds; its tokens stop working).
 */
export async function setDisabled(actorId: UserId | null, userId: UserId, disabled: boolean): Promise<void> {
  await otherAccount(actorId, userId, disabled ? 'disable' : 'enable');
  await getDb().user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
  if (disabled) await endSessions(userId, { except: null });
}

/** Makes an account an admin, or a user again; the last admin stays one. */
export async function setAdmin(actorId: UserId | null, userId: UserId, admin: boolean): Promise<void> {
  const user = await otherAccount(actorId, userId, admin ? 'promote' : 'demote');
  if (!admin && user.role === 'admin' && (await getDb().user.count({ where: { role: 'admin' } })) <= 1) {
    throw new AppError('BAD_REQUEST', 'The last admin cannot be demoted', 'userId');
  }
  await getDb().user.update({ where: { id: userId }, data: { role: admin ? 'admin' : 'user' } });
}

/** Whether this account may administer the instance now. */
export async function isAdmin(userId: UserId): Promise<boolean> {
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { role: true, disabledAt: true } });
  return user?.role === 'admin' && user.disabledAt === null;
}

/** An instance counts as live while it was seen this recently (it beats every HEARTBEAT_MS). */
const LIVE_MS = 60_000;
const HEARTBEAT_MS = 15_000;

export async function instanceFigures(): Promise<InstanceFigures> {
  const db = getDb();
  const [registration, users, disabledUsers, messages, instances] = await Promise.all([
    getRegistration(),
    db.user.count(),
    db.user.count({ where: { disabledAt: { not: null } } }),
    messageCount(),
    db.instance.findMany({ where: { seenAt: { gt: new Date(Date.now() - LIVE_MS) } }, orderBy: { startedAt: 'asc' } }),
  ]);
  // This instance's own count is read now; the others' as of their last beat.
  return { registration, users, disabledUsers, messages, instances: instances.map((i) => (i.id === self?.id ? { ...i, connections: self.connections() } : i)) };
}

/** This instance's heartbeat, while it beats. */
let self: { id: string; connections: () => number } | null = null;

/** Messages stored: counted up to EXACT_UP_TO; past that, PostgreSQL's estimate (an exact count reads the whole table). */
const EXACT_UP_TO = 100_000;
async function messageCount(): Promise<number> {
  const [{ estimate }] = await getDb().$queryRaw<{ estimate: number }[]>`
    SELECT GREATEST(reltuples, 0)::bigint::int AS estimate FROM pg_class WHERE relname = 'messages'`;
  if (estimate > EXACT_UP_TO) return estimate;
  const [{ count }] = await getDb().$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM (SELECT 1 FROM messages LIMIT ${EXACT_UP_TO + 1}) m`;
  return count > EXACT_UP_TO ? Math.max(count, estimate) : count;
}

/** This instance says it is alive, with its live connections, every HEARTBEAT_MS; gone on stop. */
export function startInstanceHeartbeat(connections: () => number): () => Promise<void> {
  const id = randomUUID();
  const startedAt = new Date();
  self = { id, connections };
  const beat = () =>
    getDb()
      .instance.upsert({
        where: { id },
        create: { id, host: os.hostname(), connections: connections(), startedAt, seenAt: new Date() },
        update: { connections: connections(), seenAt: new Date() },
      })
      .then(() => getDb().instance.deleteMany({ where: { seenAt: { lt: new Date(Date.now() - 10 * LIVE_MS) } } }))
      .catch((err: unknown) => logger.warn({ err, part: 'admin' }, 'instance heartbeat failed'));
  void beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    if (self?.id === id) self = null;
    await getDb().instance.deleteMany({ where: { id } }).catch(() => {});
  };
}
