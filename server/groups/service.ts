// Groups: creation, settings, membership and roles. Every change is a system message in the group's
// sequence, written in the same transaction as the change, under the conversation's lock.
import { randomUUID } from 'node:crypto';
import type {
  AddMembersInput,
  ConversationId,
  ConversationSummary,
  CreateGroupInput,
  MemberInput,
  MemberRole,
  SetGroupPhotoInput,
  SetRoleInput,
  SystemEvent,
  UpdateGroupInput,
  UserId,
} from '../../lib/schemas.ts';
import { blocksAmong } from '../contacts/service.ts';
import { assertMember, getConversation } from '../conversations/service.ts';
import { getDb } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
import { env } from '../env.ts';
import { AppError, notAMember } from '../errors.ts';
import { photoFromUpload } from '../media/service.ts';
import { fanout } from '../messages/fanout.ts';
import { messageIds } from '../messages/service.ts';
import { appendSystemMessages, lockConversation } from '../messages/write.ts';

type Tx = Prisma.TransactionClient;

interface ActiveMember {
  userId: UserId;
  role: MemberRole;
  joinedAt: Date;
  displayName: string;
}

/** What a change sees: the group's current members (under its lock) and who is acting. */
interface GroupState {
  tx: Tx;
  conversationId: ConversationId;
  actor: ActiveMember;
  members: Map<UserId, ActiveMember>;
  /** The seq the next system message will get: record() returns it. */
  record(event: SystemEvent, body: string): bigint;
}

const isAdmin = (m: ActiveMember) => m.role === 'owner' || m.role === 'admin';

function groupFull(): AppError {
  return new AppError('LIMIT_REACHED', `A group can have at most ${env.GROUP_MAX_MEMBERS} members`, 'usernames');
}

/** The users behind these usernames; NOT_FOUND (naming them) if any does not exist. */
/** The people `actorId` names to add to a group: each must exist, and no block may stand between them. */
async function usersByName(tx: Tx, actorId: UserId, usernames: string[]): Promise<{ id: string; displayName: string }[]> {
  const wanted = [...new Set(usernames)];
  const users = await tx.user.findMany({ where: { username: { in: wanted } }, select: { id: true, username: true, displayName: true } });
  const missing = wanted.filter((u) => !users.some((x) => x.username === u));
  if (missing.length) throw new AppError('NOT_FOUND', `No user named ${missing.join(', ')}`, 'usernames');
  const { blockedMe, iBlocked } = await blocksAmong(actorId, users.map((u) => u.id));
  const unblockFirst = users.filter((u) => iBlocked.has(u.id));
  if (unblockFirst.length) throw new AppError('FORBIDDEN', `You blocked ${names(unblockFirst)}: unblock them to add them`, 'usernames');
  // Said as WhatsApp says it: that they could not be added, not why.
  const refused = users.filter((u) => blockedMe.has(u.id));
  if (refused.length) throw new AppError('FORBIDDEN', `Could not add ${names(refused)}`, 'usernames');
  return users;
}

function names(list: { displayName: string }[]): string {
  const all = list.map((u) => u.displayName);
  return all.length <= 1 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/**
 * Runs one change of a group in a transaction: locks the conversation (so it is ordered with sends
 * and other changes, and counts under it are exact), checks that the actor is a current member,
 * lets `change` act and record system messages, writes those, and fans them out after the commit.
 */
async function changeGroup<T>(actorId: UserId, conversationId: ConversationId, change: (g: GroupState) => Promise<T>): Promise<T> {
  const { result, messages } = await getDb().$transaction(async (tx) => {
    const locked = await lockConversation(tx, conversationId);
    const rows = locked
      ? await tx.member.findMany({
          where: { conversationId, leftSeq: null },
          select: { userId: true, role: true, joinedAt: true, user: { select: { displayName: true } } },
        })
      : [];
    const members = new Map(
      rows.map((r) => [r.userId, { userId: r.userId, role: r.role as MemberRole, joinedAt: r.joinedAt, displayName: r.user.displayName }]),
    );
    const actor = members.get(actorId);
    if (!locked || !actor) throw notAMember();
    if (locked.kind !== 'group') throw new AppError('BAD_REQUEST', 'This is not a group');
    const recorded: { event: SystemEvent; body: string }[] = [];
    const state: GroupState = {
      tx,
      conversationId,
      actor,
      members,
      record(event, body) {
        recorded.push({ event, body });
        return locked.lastSeq + BigInt(recorded.length);
      },
    };
    const result = await change(state);
    const messages = await appendSystemMessages(tx, messageIds, conversationId, locked.lastSeq, recorded);
    return { result, messages };
  });
  fanout.publish(conversationId, messages);
  return result;
}

const adminsOnly = (what: string) => new AppError('FORBIDDEN', `Only group admins can ${what}`);

function requireAdmin(g: GroupState, what: string): void {
  if (!isAdmin(g.actor)) throw adminsOnly(what);
}

function requireMember(g: GroupState, userId: UserId): ActiveMember {
  const member = g.members.get(userId);
  if (!member) throw new AppError('NOT_FOUND', 'That person is not in this group', 'userId');
  return member;
}

/** A new group with the caller as owner and these people as members; its first message says so. */
export async function createGroup(ownerId: UserId, input: CreateGroupInput): Promise<ConversationSummary> {
  const conversationId = randomUUID();
  const messages = await getDb().$transaction(async (tx) => {
    const owner = await tx.user.findUniqueOrThrow({ where: { id: ownerId }, select: { displayName: true } });
    const others = (await usersByName(tx, ownerId, input.usernames)).filter((u) => u.id !== ownerId);
    if (others.length + 1 > env.GROUP_MAX_MEMBERS) throw groupFull();
    await tx.conversation.create({ data: { id: conversationId, kind: 'group', title: input.title, description: input.description || null } });
    await tx.member.createMany({
      data: [
        { conversationId, userId: ownerId, role: 'owner' },
        ...others.map((u) => ({ conversationId, userId: u.id, role: 'member' })),
      ],
    });
    return appendSystemMessages(tx, messageIds, conversationId, 0n, [
      { event: { type: 'group.created', actorId: ownerId, title: input.title, ...(input.description ? { description: input.description } : {}) }, body: `${owner.displayName} created group "${input.title}"` },
    ]);
  });
  fanout.publish(conversationId, messages);
  return getConversation(ownerId, conversationId);
}

export async function updateGroup(actorId: UserId, input: UpdateGroupInput): Promise<ConversationSummary> {
  await changeGroup(actorId, input.conversationId, async (g) => {
    requireAdmin(g, 'change the group’s name or description');
    const current = await g.tx.conversation.findUniqueOrThrow({ where: { id: g.conversationId }, select: { title: true, description: true } });
    const data: { title?: string; description?: string | null } = {};
    if (input.title !== undefined && input.title !== current.title) {
      data.title = input.title;
      g.record({ type: 'group.renamed', actorId, title: input.title }, `${g.actor.displayName} changed the group name to "${input.title}"`);
    }
    const description = input.description === undefined ? undefined : input.description || null;
    if (description !== undefined && description !== current.description) {
      data.description = description;
      g.record(
        { type: 'group.described', actorId, description: description ?? '' },
        description ? `${g.actor.displayName} changed the group description` : `${g.actor.displayName} removed the group description`,
      );
    }
    if (Object.keys(data).length) await g.tx.conversation.update({ where: { id: g.conversationId }, data });
  });
  return getConversation(actorId, input.conversationId);
}

/**
 * Sets a group's photo from a finished upload of the actor's (cropped square: media/service.ts), or
 * removes it; its admins may. The picture is made before the group is locked.
 */
export async function setGroupPhoto(actorId: UserId, input: SetGroupPhotoInput): Promise<ConversationSummary> {
  const what = 'change the group’s photo';
  // Someone who may not is refused before their upload becomes anything (and again under the lock).
  if ((await assertMember(actorId, input.conversationId)) === 'member') throw adminsOnly(what);
  const photo = input.uploadId === null ? null : await photoFromUpload(actorId, input.uploadId, input.crop);
  await changeGroup(actorId, input.conversationId, async (g) => {
    requireAdmin(g, what);
    const current = await g.tx.conversation.findUniqueOrThrow({ where: { id: g.conversationId }, select: { photoId: true } });
    const photoId = photo?.id ?? null;
    if (photoId === current.photoId) return;
    await g.tx.conversation.update({ where: { id: g.conversationId }, data: { photoId } });
    g.record(
      photoId ? { type: 'group.photo', actorId } : { type: 'group.photo', actorId, removed: true },
      photoId ? `${g.actor.displayName} changed the group photo` : `${g.actor.displayName} removed the group photo`,
    );
  });
  return getConversation(actorId, input.conversationId);
}

/** Adds people (former members come back, seeing only what is said from now on); the cap holds. */
export async function addMembers(actorId: UserId, input: AddMembersInput): Promise<ConversationSummary> {
  await changeGroup(actorId, input.conversationId, async (g) => {
    requireAdmin(g, 'add members');
    const added = (await usersByName(g.tx, actorId, input.usernames)).filter((u) => !g.members.has(u.id));
    if (added.length === 0) return;
    if (g.members.size + added.length > env.GROUP_MAX_MEMBERS) throw groupFull();
    const seq = g.record(
      { type: 'members.added', actorId, userIds: added.map((u) => u.id) },
      `${g.actor.displayName} added ${names(added)}`,
    );
    // They see from the message that adds them; their watermarks start just below it, so nothing
    // earlier waits on them and no older message is theirs to read.
    const ids = added.map((u) => u.id);
    await g.tx.$executeRaw`
      INSERT INTO members (conversation_id, user_id, role, from_seq, left_seq, delivered_seq, read_seq, joined_at)
      SELECT ${g.conversationId}::uuid, u, 'member', ${seq}, NULL, ${seq - 1n}, ${seq - 1n}, now() FROM unnest(${ids}::uuid[]) AS u
      ON CONFLICT (conversation_id, user_id) DO UPDATE SET role = 'member', from_seq = EXCLUDED.from_seq, left_seq = NULL,
        delivered_seq = GREATEST(members.delivered_seq, EXCLUDED.delivered_seq), read_seq = GREATEST(members.read_seq, EXCLUDED.read_seq),
        joined_at = now()`;
  });
  return getConversation(actorId, input.conversationId);
}

/** Marks members as gone at `seq` (the message that says so): they keep the history up to it. */
async function depart(g: GroupState, userId: UserId, seq: bigint): Promise<void> {
  await g.tx.member.update({
    where: { conversationId_userId: { conversationId: g.conversationId, userId } },
    data: { leftSeq: seq, role: 'member' },
  });
  g.members.delete(userId);
}

export async function removeMember(actorId: UserId, input: MemberInput): Promise<void> {
  await changeGroup(actorId, input.conversationId, async (g) => {
    requireAdmin(g, 'remove members');
    if (input.userId === actorId) throw new AppError('BAD_REQUEST', 'To leave the group, use Leave group', 'userId');
    const target = requireMember(g, input.userId);
    if (target.role === 'owner') throw new AppError('FORBIDDEN', 'The group’s owner cannot be removed');
    const seq = g.record({ type: 'member.removed', actorId, userId: target.userId }, `${g.actor.displayName} removed ${target.displayName}`);
    await depart(g, target.userId, seq);
  });
}

export async function setRole(actorId: UserId, input: SetRoleInput): Promise<void> {
  await changeGroup(actorId, input.conversationId, async (g) => {
    requireAdmin(g, 'change who is an admin');
    const target = requireMember(g, input.userId);
    if (target.role === 'owner') throw new AppError('FORBIDDEN', 'The group’s owner is always an admin');
    if (target.role === input.role) return;
    await g.tx.member.update({
      where: { conversationId_userId: { conversationId: g.conversationId, userId: target.userId } },
      data: { role: input.role },
    });
    g.record(
      { type: 'role.changed', actorId, userId: target.userId, role: input.role },
      input.role === 'admin'
        ? `${g.actor.displayName} made ${target.displayName} an admin`
        : `${g.actor.displayName} dismissed ${target.displayName} as admin`,
    );
  });
}

/**
 * Anyone can leave. An owner who leaves hands the group to the longest-standing admin, else the
 * longest-standing member.
 */
export async function leaveGroup(userId: UserId, conversationId: ConversationId): Promise<void> {
  await changeGroup(userId, conversationId, async (g) => {
    const seq = g.record({ type: 'member.left', actorId: userId }, `${g.actor.displayName} left`);
    await depart(g, userId, seq);
    if (g.actor.role !== 'owner') return;
    const bySeniority = [...g.members.values()].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || a.userId.localeCompare(b.userId));
    const heir = bySeniority.find((m) => m.role === 'admin') ?? bySeniority[0];
    if (!heir) return; // the last one out
    await g.tx.member.update({
      where: { conversationId_userId: { conversationId, userId: heir.userId } },
      data: { role: 'owner' },
    });
    // Said by the heir: the one who left is no longer there to say anything.
    g.record({ type: 'role.changed', actorId: heir.userId, userId: heir.userId, role: 'owner' }, `${heir.displayName} is now the group owner`);
  });
}
