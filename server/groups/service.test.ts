// Groups: who may do what, system messages in sequence, removal for live subscriptions, the cap, ownership.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { HeadsEvent, MessageNewEvent } from '../../lib/events.ts';
import type { ConversationId, Message } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { env } from '../env.ts';
import { fanout } from '../messages/fanout.ts';
import {
  createPair,
  createUser,
  EventReader,
  expectTRPCError,
  isMessageIn,
  releaseServices,
  send,
  type TestUser,
} from '../test/helpers.ts';

afterAll(releaseServices);

const defaultCap = env.GROUP_MAX_MEMBERS;
afterEach(() => {
  env.GROUP_MAX_MEMBERS = defaultCap;
});

/** Waits for the changes' system messages to be fanned out, as `send` does for messages. */
async function settled<T>(change: Promise<T>): Promise<T> {
  const result = await change;
  await fanout.idle();
  return result;
}

async function makeGroup(owner: TestUser, others: TestUser[], title = 'Test group'): Promise<ConversationId> {
  const group = await settled(owner.caller.groups.create({ title, usernames: others.map((u) => u.username) }));
  return group.id;
}

async function history(user: TestUser, conversationId: ConversationId): Promise<Message[]> {
  return (await user.caller.messages.list({ conversationId, limit: 100 })).messages;
}

async function activeMembers(conversationId: ConversationId): Promise<Record<string, string>> {
  const rows = await getDb().member.findMany({ where: { conversationId, leftSeq: null }, select: { userId: true, role: true } });
  return Object.fromEntries(rows.map((r) => [r.userId, r.role]));
}

describe('groups.create', () => {
  test('makes the caller owner and the others members; seq 1 says it was created, to everyone', async () => {
    const [alice, bob, carol] = await Promise.all([createUser('ga'), createUser('gb'), createUser('gc')]);
    const bobEvents = await EventReader.open(bob.id);
    await bobEvents.next((e) => e.type === 'sync.heads');
    const group = await settled(alice.caller.groups.create({ title: '  Hiking  ', description: 'Sundays', usernames: [bob.username, carol.username, alice.username] }));
    expect(group).toMatchObject({ kind: 'group', title: 'Hiking', description: 'Sundays', role: 'owner', memberCount: 3, lastSeq: 1, unreadCount: 0 });
    expect(await activeMembers(group.id)).toEqual({ [alice.id]: 'owner', [bob.id]: 'member', [carol.id]: 'member' });

    const created = await bobEvents.next<MessageNewEvent>(isMessageIn(group.id));
    expect(created.message).toMatchObject({ seq: 1, kind: 'system', senderId: alice.id, event: { type: 'group.created', actorId: alice.id, title: 'Hiking' } });
    expect(created.message.body).toBe(`${alice.displayName} created group "Hiking"`);
    await bobEvents.close();

    // It shows in Bob's inbox at once, with its system message as preview but nothing unread.
    const inbox = (await bob.caller.conversations.list()).conversations;
    expect(inbox.find((c) => c.id === group.id)).toMatchObject({ role: 'member', unreadCount: 0, lastSenderName: alice.displayName });
  });

  test('refuses bad input with a typed error and creates nothing', async () => {
    const alice = await createUser('gbad');
    const before = await getDb().member.count({ where: { userId: alice.id } });
    await expectTRPCError(alice.caller.groups.create({ title: '   ', usernames: [] }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.groups.create({ title: 'x'.repeat(101), usernames: [] }), 'BAD_REQUEST');
    const missing = await expectTRPCError(alice.caller.groups.create({ title: 'Ghosts', usernames: ['no_such_user_x1'] }), 'NOT_FOUND');
    expect(missing.message).toContain('no_such_user_x1');
    env.GROUP_MAX_MEMBERS = 2;
    const [b, c] = await Promise.all([createUser('gbb'), createUser('gbc')]);
    await expectTRPCError(alice.caller.groups.create({ title: 'Too big', usernames: [b.username, c.username] }), 'UNPROCESSABLE_CONTENT');
    expect(await getDb().member.count({ where: { userId: alice.id } })).toBe(before);
  });
});

describe('authorization matrix', () => {
  type Role = 'owner' | 'admin' | 'member' | 'former' | 'stranger';
  const roles: Role[] = ['owner', 'admin', 'member', 'former', 'stranger'];

  /** A fresh group with one user in each role, a spare member to act on, and a message by each current member. */
  async function cast() {
    const [owner, admin, member, former, stranger, target, newcomer] = await Promise.all(
      ['own', 'adm', 'mem', 'frm', 'str', 'tgt', 'new'].map((p) => createUser(p)),
    );
    const conversationId = await makeGroup(owner, [admin, member, former, target]);
    await settled(owner.caller.groups.setRole({ conversationId, userId: admin.id, role: 'admin' }));
    const sent = new Map<Role, number>();
    for (const [role, user] of [['owner', owner], ['admin', admin], ['member', member], ['former', former]] as const) {
      sent.set(role, (await send(user, conversationId, `hi from ${role}`)).seq);
    }
    await settled(former.caller.groups.leave({ conversationId }));
    const users: Record<Role, TestUser> = { owner, admin, member, former, stranger };
    return { conversationId, users, target, newcomer, sent };
  }

  type Cast = Awaited<ReturnType<typeof cast>>;
  const procedures: Record<string, { allowed: Role[]; call: (c: Cast, u: TestUser, role: Role) => Promise<unknown> }> = {
    'groups.update': { allowed: ['owner', 'admin'], call: (c, u) => u.caller.groups.update({ conversationId: c.conversationId, title: 'Renamed' }) },
    'groups.addMembers': { allowed: ['owner', 'admin'], call: (c, u) => u.caller.groups.addMembers({ conversationId: c.conversationId, usernames: [c.newcomer.username] }) },
    'groups.removeMember': { allowed: ['owner', 'admin'], call: (c, u) => u.caller.groups.removeMember({ conversationId: c.conversationId, userId: c.target.id }) },
    'groups.setRole': { allowed: ['owner', 'admin'], call: (c, u) => u.caller.groups.setRole({ conversationId: c.conversationId, userId: c.target.id, role: 'admin' }) },
    'groups.leave': { allowed: ['owner', 'admin', 'member'], call: (c, u) => u.caller.groups.leave({ conversationId: c.conversationId }) },
    'messages.send': { allowed: ['owner', 'admin', 'member'], call: (c, u) => u.caller.messages.send({ conversationId: c.conversationId, clientId: randomUUID(), body: 'x' }) },
    'typing.set': { allowed: ['owner', 'admin', 'member'], call: (c, u) => u.caller.typing.set({ conversationId: c.conversationId, isTyping: true }) },
    'messages.list': { allowed: ['owner', 'admin', 'member', 'former'], call: (c, u) => u.caller.messages.list({ conversationId: c.conversationId }) },
    'messages.info': {
      allowed: ['owner', 'admin', 'member'], // read states keep changing after someone leaves
      call: (c, u, role) => u.caller.messages.info({ conversationId: c.conversationId, seq: c.sent.get(role) ?? 1 }),
    },
    'conversations.get': { allowed: ['owner', 'admin', 'member', 'former'], call: (c, u) => u.caller.conversations.get({ conversationId: c.conversationId }) },
    'conversations.members': { allowed: ['owner', 'admin', 'member', 'former'], call: (c, u) => u.caller.conversations.members({ conversationId: c.conversationId }) },
    'receipts.ack': { allowed: ['owner', 'admin', 'member', 'former'], call: (c, u) => u.caller.receipts.ack({ receipts: [{ conversationId: c.conversationId, readSeq: 2 }] }) },
  };

  for (const [name, { allowed, call }] of Object.entries(procedures)) {
    test(`${name}: only ${allowed.join(', ')}`, async () => {
      // Each role on a group of its own, so one success cannot change what the next call meets.
      const outcomes = await Promise.all(
        roles.map(async (role) => {
          const c = await cast();
          return call(c, c.users[role], role).then(
            () => 'ok',
            (err: { code?: string }) => err.code ?? String(err),
          );
        }),
      );
      expect(Object.fromEntries(roles.map((r, i) => [r, outcomes[i]]))).toEqual(
        Object.fromEntries(roles.map((r) => [r, allowed.includes(r) ? 'ok' : 'FORBIDDEN'])),
      );
    });
  }

  test('removing and role changes: admins act on members and admins, never on the owner', async () => {
    const c = await cast();
    const { owner, admin, member } = c.users;
    const id = c.conversationId;
    await expectTRPCError(admin.caller.groups.removeMember({ conversationId: id, userId: owner.id }), 'FORBIDDEN');
    await expectTRPCError(admin.caller.groups.setRole({ conversationId: id, userId: owner.id, role: 'member' }), 'FORBIDDEN');
    await expectTRPCError(owner.caller.groups.removeMember({ conversationId: id, userId: owner.id }), 'BAD_REQUEST');
    await expectTRPCError(owner.caller.groups.removeMember({ conversationId: id, userId: c.users.former.id }), 'NOT_FOUND');
    await expectTRPCError(owner.caller.groups.removeMember({ conversationId: id, userId: c.users.stranger.id }), 'NOT_FOUND');
    await settled(admin.caller.groups.setRole({ conversationId: id, userId: member.id, role: 'admin' }));
    await settled(member.caller.groups.removeMember({ conversationId: id, userId: admin.id })); // an admin removes an admin
    await settled(owner.caller.groups.removeMember({ conversationId: id, userId: c.target.id }));
    expect(await activeMembers(id)).toEqual({ [owner.id]: 'owner', [member.id]: 'admin' });
    const { messages } = await owner.caller.messages.list({ conversationId: id, limit: 100 });
    expect(messages.slice(-3).map((m) => m.body)).toEqual([
      `${admin.displayName} made ${member.displayName} an admin`,
      `${member.displayName} removed ${admin.displayName}`,
      `${owner.displayName} removed ${c.target.displayName}`,
    ]);
  });

  test('a direct conversation is not a group', async () => {
    const { a, b, conversationId } = await createPair('dgrp');
    await send(a, conversationId, 'hi');
    await expectTRPCError(a.caller.groups.leave({ conversationId }), 'BAD_REQUEST');
    await expectTRPCError(a.caller.groups.removeMember({ conversationId, userId: b.id }), 'BAD_REQUEST');
  });
});

describe('membership changes', () => {
  test('are system messages in sequence with the others, on every member’s stream', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['sa', 'sb', 'sc', 'sd'].map((p) => createUser(p)));
    const id = await makeGroup(alice, [bob, carol]);
    const readers = await Promise.all([bob, carol].map((u) => EventReader.open(u.id)));
    await Promise.all(readers.map((r) => r.next((e) => e.type === 'sync.heads')));

    await send(bob, id, 'first');
    await settled(alice.caller.groups.addMembers({ conversationId: id, usernames: [dave.username, bob.username] }));
    await settled(alice.caller.groups.update({ conversationId: id, title: 'Renamed', description: 'About us' }));
    await send(carol, id, 'second');
    await settled(alice.caller.groups.update({ conversationId: id, title: 'Renamed' })); // no change: no message

    for (const reader of readers) {
      const seen = [];
      for (let i = 0; i < 5; i++) seen.push((await reader.next<MessageNewEvent>(isMessageIn(id))).message);
      expect(seen.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
      expect(seen.map((m) => m.event?.type ?? m.body)).toEqual(['first', 'members.added', 'group.renamed', 'group.described', 'second']);
    }
    await Promise.all(readers.map((r) => r.close()));
    const added = (await history(alice, id))[2];
    expect(added.event).toEqual({ type: 'members.added', actorId: alice.id, userIds: [dave.id] }); // Bob was already in
    expect(added.body).toBe(`${alice.displayName} added ${dave.displayName}`);
    expect(await alice.caller.conversations.get({ conversationId: id })).toMatchObject({ title: 'Renamed', description: 'About us', memberCount: 4 });
    // System messages are nobody's unread.
    expect((await bob.caller.conversations.get({ conversationId: id })).unreadCount).toBe(1);
  });

  test('a member added later sees from their "added" message on, and holds up no older tick', async () => {
    const [alice, bob, carol] = await Promise.all(['la', 'lb', 'lc'].map((p) => createUser(p)));
    const id = await makeGroup(alice, [bob]);
    await send(alice, id, 'before carol');
    await bob.caller.receipts.ack({ receipts: [{ conversationId: id, readSeq: 2 }] });
    await settled(alice.caller.groups.addMembers({ conversationId: id, usernames: [carol.username] }));
    const page = await carol.caller.messages.list({ conversationId: id });
    expect(page.fromSeq).toBe(3);
    expect(page.hasMoreBefore).toBe(false);
    expect(page.messages.map((m) => m.seq)).toEqual([3]);
    expect(await carol.caller.messages.list({ conversationId: id, after: 0 })).toMatchObject({ messages: [{ seq: 3 }] });
    expect(await carol.caller.messages.list({ conversationId: id, before: 3 })).toMatchObject({ messages: [], hasMoreBefore: false });
    // "before carol" was read by everyone it was sent to.
    expect((await alice.caller.conversations.get({ conversationId: id })).allReadSeq).toBeGreaterThanOrEqual(2);
  });

  test('removal takes effect at once for a live subscription: the removal is the last group event it gets', async () => {
    const [alice, bob, carol] = await Promise.all(['ra', 'rb', 'rc'].map((p) => createUser(p)));
    const id = await makeGroup(alice, [bob, carol]);
    const carolAndBob = (await carol.caller.conversations.openDirect({ username: bob.username })).id;
    await send(alice, id, 'before');
    const [carolEvents, bobEvents] = await Promise.all([EventReader.open(carol.id), EventReader.open(bob.id)]);
    await Promise.all([carolEvents, bobEvents].map((r) => r.next((e) => e.type === 'sync.heads')));

    await settled(alice.caller.groups.removeMember({ conversationId: id, userId: carol.id }));
    const removal = await carolEvents.next<MessageNewEvent>(isMessageIn(id));
    expect(removal.message).toMatchObject({ seq: 3, event: { type: 'member.removed', actorId: alice.id, userId: carol.id } });

    const after = await send(alice, id, 'after');
    await alice.caller.typing.set({ conversationId: id, isTyping: true });
    await bobEvents.next((e) => isMessageIn(id)(e) && (e as MessageNewEvent).message.seq === after.seq);
    await bobEvents.next((e) => e.type === 'typing.updated');
    // Whatever was published to Carol for the group would come before this.
    const sentinel = await send(bob, carolAndBob, 'sentinel');
    expect(await carolEvents.next()).toEqual({ type: 'message.new', message: sentinel });
    await Promise.all([carolEvents.close(), bobEvents.close()]);

    // She keeps the history up to her removal and nothing newer, and can no longer act in it.
    expect((await history(carol, id)).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect((await carol.caller.messages.list({ conversationId: id, after: 3 })).messages).toEqual([]);
    await expectTRPCError(carol.caller.messages.info({ conversationId: id, seq: after.seq }), 'NOT_FOUND');
    await expectTRPCError(send(carol, id, 'let me back'), 'FORBIDDEN');
    const summary = await carol.caller.conversations.get({ conversationId: id });
    expect(summary).toMatchObject({ role: null, lastSeq: 3, lastMessage: { seq: 3 } });
    // Resume stops at her departure too.
    const again = await EventReader.open(carol.id);
    const heads = await again.next<HeadsEvent>((e) => e.type === 'sync.heads');
    expect(heads.conversations.find((h) => h.id === id)?.lastSeq).toBe(3);
    await again.close();
  });

  test('the cap holds under concurrent adds', async () => {
    env.GROUP_MAX_MEMBERS = 5;
    const [owner, first, ...candidates] = await Promise.all(Array.from({ length: 8 }, (_, i) => createUser(`cap${i}`)));
    const id = await makeGroup(owner, [first]);
    const results = await Promise.allSettled(
      candidates.map((u) => owner.caller.groups.addMembers({ conversationId: id, usernames: [u.username] })),
    );
    await fanout.idle();
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as { code: string }).code)).toEqual(['UNPROCESSABLE_CONTENT', 'UNPROCESSABLE_CONTENT', 'UNPROCESSABLE_CONTENT']);
    expect(refused[0].reason.message).toBe('A group can have at most 5 members');
    expect(Object.keys(await activeMembers(id))).toHaveLength(5);
    // One "added" message per success, gapless.
    expect((await history(owner, id)).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  test('an owner who leaves hands the group to the longest-standing admin, else the longest-standing member', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['oa', 'ob', 'oc', 'od'].map((p) => createUser(p)));
    const id = await makeGroup(alice, [bob]);
    await settled(alice.caller.groups.addMembers({ conversationId: id, usernames: [carol.username] }));
    await settled(alice.caller.groups.addMembers({ conversationId: id, usernames: [dave.username] }));
    await settled(alice.caller.groups.setRole({ conversationId: id, userId: dave.id, role: 'admin' }));
    await settled(alice.caller.groups.setRole({ conversationId: id, userId: carol.id, role: 'admin' }));

    await settled(alice.caller.groups.leave({ conversationId: id }));
    expect(await activeMembers(id)).toEqual({ [bob.id]: 'member', [carol.id]: 'owner', [dave.id]: 'admin' });
    expect((await history(bob, id)).slice(-2).map((m) => m.body)).toEqual([`${alice.displayName} left`, `${carol.displayName} is now the group owner`]);

    await settled(dave.caller.groups.setRole({ conversationId: id, userId: dave.id, role: 'member' }));
    await settled(carol.caller.groups.leave({ conversationId: id }));
    // No admin left: Bob was there before Dave.
    expect(await activeMembers(id)).toEqual({ [bob.id]: 'owner', [dave.id]: 'member' });
    await settled(bob.caller.groups.leave({ conversationId: id }));
    await settled(dave.caller.groups.leave({ conversationId: id }));
    expect(await activeMembers(id)).toEqual({});
  });

  test('a former member added again sees only what is said from then on', async () => {
    const [alice, bob] = await Promise.all([createUser('ia'), createUser('ib')]);
    const id = await makeGroup(alice, [bob]);
    await settled(bob.caller.groups.leave({ conversationId: id }));
    await send(alice, id, 'while bob was away');
    await settled(alice.caller.groups.addMembers({ conversationId: id, usernames: [bob.username] }));
    await send(alice, id, 'welcome back');
    const page = await bob.caller.messages.list({ conversationId: id });
    expect(page.messages.map((m) => m.body)).toEqual([`${alice.displayName} added ${bob.displayName}`, 'welcome back']);
    expect(page.fromSeq).toBe(4);
    const members = await bob.caller.conversations.members({ conversationId: id });
    expect(members.map((m) => [m.id, m.role, m.active])).toEqual([[alice.id, 'owner', true], [bob.id, 'member', true]]);
  });
});

describe('group ticks and message info', () => {
  test('ticks wait for every current member; message info lists who read and who has it, with times', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['ta', 'tb', 'tc', 'td'].map((p) => createUser(p)));
    const id = await makeGroup(alice, [bob, carol, dave]);
    const message = await send(alice, id, 'hello all');
    await bob.caller.receipts.ack({ receipts: [{ conversationId: id, readSeq: message.seq }] });
    await carol.caller.receipts.ack({ receipts: [{ conversationId: id, deliveredSeq: message.seq }] });
    const summary = await alice.caller.conversations.get({ conversationId: id });
    expect(summary.allDeliveredSeq).toBeLessThan(message.seq); // Dave has not got it

    const info = await alice.caller.messages.info({ conversationId: id, seq: message.seq });
    expect(info.read.map((r) => r.user.id)).toEqual([bob.id]);
    expect(info.read[0].at).toBeInstanceOf(Date);
    expect(info.delivered.map((r) => r.user.id)).toEqual([carol.id]);
    expect(info.delivered[0].at!.getTime()).toBeGreaterThanOrEqual(info.read[0].at!.getTime());
    expect(info.waiting.map((u) => u.id)).toEqual([dave.id]);
    await expectTRPCError(bob.caller.messages.info({ conversationId: id, seq: message.seq }), 'FORBIDDEN');
    await expectTRPCError(alice.caller.messages.info({ conversationId: id, seq: 1 }), 'FORBIDDEN'); // a system message
    await expectTRPCError(alice.caller.messages.info({ conversationId: id, seq: 99 }), 'NOT_FOUND');

    // Dave leaves: the ticks now wait only for those still there.
    await settled(dave.caller.groups.leave({ conversationId: id }));
    await carol.caller.receipts.ack({ receipts: [{ conversationId: id, readSeq: message.seq }] });
    const after = await alice.caller.conversations.get({ conversationId: id });
    expect(after.allReadSeq).toBeGreaterThanOrEqual(message.seq);
    expect((await alice.caller.messages.info({ conversationId: id, seq: message.seq })).read.map((r) => r.user.id).sort()).toEqual(
      [bob.id, carol.id].sort(),
    );
  });
});

describe('privacy after leaving', () => {
  test('a former member sees the group as it was when they left: its name, description, members and count then', async () => {
    const [owner, bob, carol, dave] = await Promise.all([createUser('pvo'), createUser('pvb'), createUser('pvc'), createUser('pvd')]);
    const id = await settled(owner.caller.groups.create({ title: 'Before', description: 'first words', usernames: [bob.username, carol.username] })).then((g) => g.id);
    await settled(owner.caller.groups.removeMember({ conversationId: id, userId: carol.id }));
    await settled(bob.caller.groups.leave({ conversationId: id })); // bob leaves after carol was removed

    // Everything below happens after carol and bob are gone.
    await settled(owner.caller.groups.update({ conversationId: id, title: 'After', description: 'secret plans' }));
    await settled(owner.caller.groups.addMembers({ conversationId: id, usernames: [dave.username] }));

    const carolView = await carol.caller.conversations.get({ conversationId: id });
    expect(carolView).toMatchObject({ title: 'Before', description: 'first words', memberCount: 3, role: null });
    const carolInbox = (await carol.caller.conversations.list()).conversations.find((c) => c.id === id);
    expect(carolInbox).toMatchObject({ title: 'Before', description: 'first words', memberCount: 3 });
    const carolMembers = await carol.caller.conversations.members({ conversationId: id });
    expect(carolMembers.map((m) => [m.id, m.active])).toEqual([
      [owner.id, true],
      [bob.id, true], // still in it when she was removed
      [carol.id, false],
    ]);
    expect(await bob.caller.conversations.get({ conversationId: id })).toMatchObject({ title: 'Before', memberCount: 2 });
    expect((await bob.caller.conversations.members({ conversationId: id })).map((m) => m.id)).not.toContain(dave.id);

    // The members see it as it is.
    expect(await owner.caller.conversations.get({ conversationId: id })).toMatchObject({ title: 'After', description: 'secret plans', memberCount: 2 });
  });

  test('message info is for current members: a former member is told nothing newer than their departure', async () => {
    const [owner, bob] = await Promise.all([createUser('pvio'), createUser('pvib')]);
    const id = await makeGroup(owner, [bob]);
    const message = await send(bob, id, 'mine');
    await settled(bob.caller.groups.leave({ conversationId: id }));
    const refused = await expectTRPCError(bob.caller.messages.info({ conversationId: id, seq: message.seq }), 'FORBIDDEN');
    expect(refused.message).toBe('Message info is only for current members');
  });
});
