// Contacts and blocking through the tRPC caller: the contact list, "my contacts" presence, and every
// rule of a block in both directions (docs/api.md, "Blocking").
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageNewEvent, PresenceUpdatedEvent, ServerEvent } from '../../lib/events.ts';
import { fanout } from '../messages/fanout.ts';
import { createPair, createUser, EventReader, expectTRPCError, isMessageIn, releaseServices, send, type TestUser } from '../test/helpers.ts';

afterAll(releaseServices);

const notHeads = (e: ServerEvent) => e.type !== 'sync.heads';

/** The next event `reader` gets after everything earlier is the marker sent to it: nothing else came. */
async function expectNothingBefore(reader: EventReader, marker: { from: TestUser; to: TestUser }): Promise<void> {
  const chat = await marker.from.caller.conversations.openDirect({ username: marker.to.username });
  await send(marker.from, chat.id, 'marker');
  const next = await reader.next(notHeads);
  expect(next.type === 'message.new' && isMessageIn(chat.id)(next) && (next as MessageNewEvent).message.body).toBe('marker');
}

describe('contacts', () => {
  test('added by username (once however often), listed by name, removed', async () => {
    const alice = await createUser('ca');
    const [zed, amy] = [await createUser('cz'), await createUser('cy')];
    await zed.caller.users.updateProfile({ displayName: 'Zed Contact' });
    await amy.caller.users.updateProfile({ displayName: 'Amy Contact' });
    expect(await alice.caller.contacts.add({ username: zed.username })).toEqual({ id: zed.id, username: zed.username, displayName: 'Zed Contact' });
    await alice.caller.contacts.add({ username: zed.username });
    await alice.caller.contacts.add({ username: amy.username.toUpperCase() });
    expect((await alice.caller.contacts.list()).map((u) => u.displayName)).toEqual(['Amy Contact', 'Zed Contact']);
    // Nobody else's list changes.
    expect(await zed.caller.contacts.list()).toEqual([]);
    await alice.caller.contacts.remove({ userId: zed.id });
    await alice.caller.contacts.remove({ userId: zed.id });
    expect((await alice.caller.contacts.list()).map((u) => u.id)).toEqual([amy.id]);
    expect((await alice.caller.users.profile({ userId: amy.id })).isContact).toBe(true);
    expect((await alice.caller.users.profile({ userId: zed.id })).isContact).toBe(false);
  });

  test('oneself is a BAD_REQUEST, an unknown username NOT_FOUND; nothing changes', async () => {
    const alice = await createUser('cbad');
    await expectTRPCError(alice.caller.contacts.add({ username: alice.username }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.contacts.add({ username: `nobody_${Date.now()}` }), 'NOT_FOUND');
    await expectTRPCError(alice.caller.contacts.block({ userId: alice.id }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.contacts.block({ userId: randomUUID() }), 'NOT_FOUND');
    expect(await alice.caller.contacts.list()).toEqual([]);
    expect(await alice.caller.contacts.blocked()).toEqual([]);
  });

  test('"my contacts" presence: people in the contact list see it, a chat partner who is not one does not', async () => {
    const { a: alice, b: bob } = await createPair('cp');
    await alice.caller.presence.setVisibility({ visibility: 'contacts' });
    expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
    const bobEvents = await EventReader.open(bob.id);
    try {
      await alice.caller.contacts.add({ username: bob.username });
      // Bob learns at once that he may see it now.
      expect(await bobEvents.next<PresenceUpdatedEvent>((e) => e.type === 'presence.updated')).toMatchObject({ userId: alice.id, visible: true });
      expect((await bob.caller.presence.get({ userIds: [alice.id] }))[0]).toMatchObject({ visible: true });
      // A contact's own list is theirs: Alice does not see Bob's status through hers.
      await bob.caller.presence.setVisibility({ visibility: 'contacts' });
      expect((await alice.caller.presence.get({ userIds: [bob.id] }))[0]).toEqual({ userId: bob.id, visible: false });
      await alice.caller.contacts.remove({ userId: bob.id });
      expect(await bobEvents.next<PresenceUpdatedEvent>((e) => e.type === 'presence.updated')).toEqual({ type: 'presence.updated', userId: alice.id, visible: false });
    } finally {
      await bobEvents.close();
    }
  });
});

describe('blocking', () => {
  test("the blocked person's messages are written for them and withheld from the blocker: no event, no unread, a hidden stub, one tick", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('bk');
    const before = await send(bob, conversationId, 'before the block');
    await alice.caller.contacts.block({ userId: bob.id });
    expect((await alice.caller.contacts.blocked()).map((u) => u.id)).toEqual([bob.id]);
    const aliceEvents = await EventReader.open(alice.id);
    try {
      const clientId = randomUUID();
      const withheld = await send(bob, conversationId, 'are you there?', clientId);
      expect(withheld).toMatchObject({ seq: before.seq + 1, body: 'are you there?' });
      // A retry is the same message, as for any send.
      expect(await bob.caller.messages.send({ conversationId, clientId, body: 'are you there?' })).toEqual(withheld);
      await expectNothingBefore(aliceEvents, { from: await createUser('bkm'), to: alice });
      // Bob's history holds it; Alice's has a stub in its place.
      expect((await bob.caller.messages.list({ conversationId })).messages.map((m) => m.body)).toEqual(['before the block', 'are you there?']);
      const hers = (await alice.caller.messages.list({ conversationId })).messages;
      expect(hers.map((m) => [m.seq, m.body, m.hidden ?? false])).toEqual([[before.seq, 'before the block', false], [withheld.seq, '', true]]);
      // Her chat list neither counts it nor shows it.
      const summary = await alice.caller.conversations.get({ conversationId });
      expect(summary).toMatchObject({ unreadCount: 1, lastMessage: { seq: before.seq } });
      // Her devices caught up to the head acknowledge it: her watermarks stop below it, so Bob sees it sent, not delivered.
      await alice.caller.receipts.ack({ receipts: [{ conversationId, deliveredSeq: withheld.seq, readSeq: withheld.seq }] });
      expect(await bob.caller.conversations.get({ conversationId })).toMatchObject({ allDeliveredSeq: before.seq, allReadSeq: before.seq });
      expect(await alice.caller.conversations.get({ conversationId })).toMatchObject({ unreadCount: 0, readSeq: before.seq });
    } finally {
      await aliceEvents.close();
    }
  });

  test('the blocker cannot write to the blocked person; neither side can react, edit or type to the other', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('bw');
    const hers = await send(alice, conversationId, 'hi');
    const his = await send(bob, conversationId, 'hello');
    await alice.caller.contacts.block({ userId: bob.id });
    const refused = await expectTRPCError(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'x' }), 'FORBIDDEN');
    expect(refused.message).toMatch(/unblock/);
    await expectTRPCError(alice.caller.messages.react({ conversationId, seq: his.seq, clientId: randomUUID(), emoji: '👍' }), 'FORBIDDEN');
    await expectTRPCError(bob.caller.messages.react({ conversationId, seq: hers.seq, clientId: randomUUID(), emoji: '👍' }), 'FORBIDDEN');
    await expectTRPCError(bob.caller.messages.edit({ conversationId, seq: his.seq, clientId: randomUUID(), body: 'changed' }), 'FORBIDDEN');
    expect((await alice.caller.messages.list({ conversationId })).messages.map((m) => m.body)).toEqual(['hi', 'hello']);
    const [aliceEvents, bobEvents] = await Promise.all([EventReader.open(alice.id), EventReader.open(bob.id)]);
    try {
      await bob.caller.typing.set({ conversationId, isTyping: true });
      await alice.caller.typing.set({ conversationId, isTyping: true });
      await expectNothingBefore(aliceEvents, { from: await createUser('bwm'), to: alice });
      await expectNothingBefore(bobEvents, { from: await createUser('bwn'), to: bob });
    } finally {
      await Promise.all([aliceEvents.close(), bobEvents.close()]);
    }
  });

  test('the blocked person no longer sees the blocker’s status or about line, and cannot add them to groups; the blocker still sees theirs', async () => {
    const { a: alice, b: bob } = await createPair('bp');
    await alice.caller.users.updateProfile({ about: 'Alice about' });
    await bob.caller.users.updateProfile({ about: 'Bob about' });
    const bobEvents = await EventReader.open(bob.id);
    try {
      await alice.caller.contacts.block({ userId: bob.id });
      // Told at once, as when a status is hidden from everyone.
      expect(await bobEvents.next<PresenceUpdatedEvent>((e) => e.type === 'presence.updated' && e.userId === alice.id)).toEqual({ type: 'presence.updated', userId: alice.id, visible: false });
    } finally {
      await bobEvents.close();
    }
    expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
    expect((await alice.caller.presence.get({ userIds: [bob.id] }))[0]).toMatchObject({ visible: true });
    expect(await bob.caller.users.profile({ userId: alice.id })).toMatchObject({ about: '', blocked: false });
    expect(await alice.caller.users.profile({ userId: bob.id })).toMatchObject({ about: 'Bob about', blocked: true });

    const refused = await expectTRPCError(bob.caller.groups.create({ title: 'Nope', usernames: [alice.username] }), 'FORBIDDEN');
    expect(refused.message).toBe(`Could not add ${alice.displayName}`);
    const own = await expectTRPCError(alice.caller.groups.create({ title: 'Nope', usernames: [bob.username] }), 'FORBIDDEN');
    expect(own.message).toMatch(/unblock/);
    const group = await bob.caller.groups.create({ title: 'Without Alice', usernames: [] });
    await expectTRPCError(bob.caller.groups.addMembers({ conversationId: group.id, usernames: [alice.username] }), 'FORBIDDEN');
    expect((await bob.caller.conversations.members({ conversationId: group.id })).map((m) => m.id)).toEqual([bob.id]);
  });

  test('a group both are in is not touched by the block: messages flow both ways', async () => {
    const alice = await createUser('bg');
    const bob = await createUser('bg');
    const group = await alice.caller.groups.create({ title: 'Shared', usernames: [bob.username] });
    await alice.caller.contacts.block({ userId: bob.id });
    await send(bob, group.id, 'from bob');
    await send(alice, group.id, 'from alice');
    expect((await alice.caller.messages.list({ conversationId: group.id })).messages.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['from bob', 'from alice']);
  });

  test('after unblocking, new messages flow both ways; those withheld during the block stay withheld', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('bu');
    await alice.caller.contacts.block({ userId: bob.id });
    const withheld = await send(bob, conversationId, 'during');
    const aliceEvents = await EventReader.open(alice.id);
    try {
      await alice.caller.contacts.unblock({ userId: bob.id });
      expect(await alice.caller.contacts.blocked()).toEqual([]);
      const after = await send(bob, conversationId, 'after');
      expect((await aliceEvents.next<MessageNewEvent>(isMessageIn(conversationId))).message.body).toBe('after');
      await send(alice, conversationId, 'welcome back');
      const hers = (await alice.caller.messages.list({ conversationId })).messages;
      expect(hers.map((m) => (m.hidden ? `(${m.seq})` : m.body))).toEqual([`(${withheld.seq})`, 'after', 'welcome back']);
      expect(after.seq).toBe(withheld.seq + 1);
      await fanout.idle();
    } finally {
      await aliceEvents.close();
    }
  });
});
