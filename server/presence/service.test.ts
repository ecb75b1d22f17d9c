// Presence: announced only to the people a user shares a conversation with, offline only after the
// grace period, last seen written when the last connection closes, and hidden as the user chooses.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PresenceUpdatedEvent } from '../../lib/events.ts';
import type { ConversationId, Message } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { env } from '../env.ts';
import { MemoryPresenceRegistry } from '../realtime/memory-presence.ts';
import { getPresenceRegistry, setPresenceRegistry } from '../realtime/index.ts';
import { createPair, createUser, EventReader, expectTRPCError, releaseServices, send, type TestUser } from '../test/helpers.ts';
import { OFFLINE_GRACE_MS, presenceTracker } from './service.ts';

// The registry's clock runs this far ahead of the real one: a test moves it to let connections expire.
let clockSkewMs = 0;
beforeAll(() => setPresenceRegistry(new MemoryPresenceRegistry(env.PRESENCE_TTL_MS, () => Date.now() + clockSkewMs)));
afterAll(async () => {
  presenceTracker.stop();
  await releaseServices();
});

// Long enough for an offline announced after the grace period.
const PAST_GRACE_MS = OFFLINE_GRACE_MS + 5_000;

/** Subscriptions that are live: each has received its heads, so every later publish reaches it. */
async function openReaders(...users: TestUser[]): Promise<EventReader[]> {
  const readers = await Promise.all(users.map((u) => EventReader.open(u.id)));
  await Promise.all(readers.map((r) => r.next((e) => e.type === 'sync.heads')));
  return readers;
}

const closeAll = (readers: EventReader[]) => Promise.all(readers.map((r) => r.close()));


const online = (userId: string): PresenceUpdatedEvent => ({ type: 'presence.updated', userId, visible: true, online: true, lastSeenAt: null });
const offline = (userId: string, lastSeenAt: Date): PresenceUpdatedEvent => ({ type: 'presence.updated', userId, visible: true, online: false, lastSeenAt });

/**
 * Asserts that nothing reached the reader between what it has taken and `marker`: events arrive in
 * publish order, so anything published before the marker would come first.
 */
async function expectNextIsMarker(reader: EventReader, marker: Message): Promise<void> {
  expect(await reader.next()).toEqual({ type: 'message.new', message: marker });
}

async function lastSeenOf(userId: string): Promise<Date | null> {
  const user = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { lastSeenAt: true } });
  return user.lastSeenAt;
}

/** A third user in a direct conversation with `contact`. */
async function contactOf(contact: TestUser, prefix: string): Promise<{ user: TestUser; conversationId: ConversationId }> {
  const user = await createUser(prefix);
  const conversation = await user.caller.conversations.openDirect({ username: contact.username });
  return { user, conversationId: conversation.id };
}

describe('presence events', () => {
  test("a contact hears a user's first connection come online; a second connection, and strangers, hear nothing", async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pon');
    const { a: stranger, b: strangersFriend, conversationId: strangersConversation } = await createPair('ponx');
    const [bobEvents, strangerEvents] = await openReaders(bob, stranger);
    try {
      await presenceTracker.connected(alice.id, randomUUID());
      expect(await bobEvents.next()).toEqual(online(alice.id));

      await presenceTracker.connected(alice.id, randomUUID());
      await expectNextIsMarker(bobEvents, await send(alice, conversationId, 'marker'));
      await expectNextIsMarker(strangerEvents, await send(strangersFriend, strangersConversation, 'stranger marker'));
    } finally {
      await closeAll([bobEvents, strangerEvents]);
    }
  });

  test('closing the last connection writes last seen at once; contacts hear offline with it after the grace period', async () => {
    const { a: alice, b: bob } = await createPair('poff');
    const [bobEvents] = await openReaders(bob);
    try {
      const [first, second] = [randomUUID(), randomUUID()];
      await presenceTracker.connected(alice.id, first);
      await presenceTracker.connected(alice.id, second);
      expect(await bobEvents.next()).toEqual(online(alice.id));

      await presenceTracker.disconnected(alice.id, first);
      expect(await lastSeenOf(alice.id)).toBeNull(); // still online through the other connection

      const closedAt = Date.now();
      await presenceTracker.disconnected(alice.id, second);
      const lastSeen = await lastSeenOf(alice.id);
      expect(lastSeen?.getTime()).toBeGreaterThanOrEqual(closedAt);
      expect(lastSeen?.getTime()).toBeLessThanOrEqual(Date.now());

      expect(await bobEvents.next(() => true, PAST_GRACE_MS)).toEqual(offline(alice.id, lastSeen!));
      expect(Date.now() - closedAt).toBeGreaterThanOrEqual(OFFLINE_GRACE_MS - 20); // timers may round by a millisecond
      expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([
        { userId: alice.id, visible: true, online: false, lastSeenAt: lastSeen },
      ]);
    } finally {
      await closeAll([bobEvents]);
    }
  });

  test('a reconnect within the grace period announces neither offline nor a second online', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pflap');
    // Carol goes offline for good after Alice's flap: her offline, announced a grace period later, is
    // the marker that Alice's (whose timer would have run out first) never came.
    const { user: carol } = await contactOf(bob, 'pflapc');
    const [bobEvents] = await openReaders(bob);
    try {
      const carolConnection = randomUUID();
      const aliceConnection = randomUUID();
      await presenceTracker.connected(alice.id, aliceConnection);
      await presenceTracker.connected(carol.id, carolConnection);
      expect(await bobEvents.next()).toEqual(online(alice.id));
      expect(await bobEvents.next()).toEqual(online(carol.id));

      await presenceTracker.disconnected(alice.id, aliceConnection); // a reload
      await presenceTracker.connected(alice.id, randomUUID());
      await expectNextIsMarker(bobEvents, await send(alice, conversationId, 'back'));

      await presenceTracker.disconnected(carol.id, carolConnection);
      expect(await bobEvents.next(() => true, PAST_GRACE_MS)).toEqual(offline(carol.id, (await lastSeenOf(carol.id))!));
      await expectNextIsMarker(bobEvents, await send(alice, conversationId, 'still here'));
      expect(await bob.caller.presence.get({ userIds: [alice.id] })).toMatchObject([{ userId: alice.id, visible: true, online: true }]);
    } finally {
      await closeAll([bobEvents]);
    }
  });

  test("a heartbeat takes a dead instance's users offline, writes their last seen and tells contacts; this instance's survive", async () => {
    const { a: alice, b: bob } = await createPair('pbeat');
    const { user: carol } = await contactOf(bob, 'pbeatc');
    const [bobEvents] = await openReaders(bob);
    try {
      // Alice's connection lives on another instance, which dies: nothing renews it. Carol's is here.
      await getPresenceRegistry().connect(alice.id, randomUUID());
      await presenceTracker.connected(carol.id, randomUUID());
      expect(await bobEvents.next()).toEqual(online(carol.id));
      expect(await bob.caller.presence.get({ userIds: [alice.id, carol.id] })).toEqual(
        expect.arrayContaining([expect.objectContaining({ userId: alice.id, online: true }), expect.objectContaining({ userId: carol.id, online: true })]),
      );

      clockSkewMs = env.PRESENCE_TTL_MS + 1;
      try {
        await presenceTracker.beat();
      } finally {
        clockSkewMs = 0;
      }

      const lastSeen = await lastSeenOf(alice.id);
      expect(lastSeen).toBeInstanceOf(Date);
      expect(await bobEvents.next()).toEqual(offline(alice.id, lastSeen!));
      expect(await lastSeenOf(carol.id)).toBeNull();
      const presence = await bob.caller.presence.get({ userIds: [alice.id, carol.id] });
      expect(presence).toHaveLength(2);
      expect(presence).toEqual(
        expect.arrayContaining([
          { userId: alice.id, visible: true, online: false, lastSeenAt: lastSeen },
          { userId: carol.id, visible: true, online: true, lastSeenAt: null },
        ]),
      );
    } finally {
      await closeAll([bobEvents]);
    }
  });
});

describe('presence visibility', () => {
  test("with 'nobody', contacts hear nothing and presence.get hides the status from them, not from the user", async () => {
    const { a: alice, b: bob } = await createPair('pnone');
    // Carol comes and goes just after Alice: her events are the markers that Alice's never came.
    const { user: carol } = await contactOf(bob, 'pnonec');
    expect(await alice.caller.presence.setVisibility({ visibility: 'nobody' })).toEqual({ visibility: 'nobody' });
    const [bobEvents] = await openReaders(bob);
    try {
      const [aliceConnection, carolConnection] = [randomUUID(), randomUUID()];
      await presenceTracker.connected(alice.id, aliceConnection);
      await presenceTracker.connected(carol.id, carolConnection);
      expect(await bobEvents.next()).toEqual(online(carol.id));

      expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
      expect(await alice.caller.presence.get({ userIds: [alice.id] })).toEqual([
        { userId: alice.id, visible: true, online: true, lastSeenAt: null },
      ]);

      await presenceTracker.disconnected(alice.id, aliceConnection);
      await presenceTracker.disconnected(carol.id, carolConnection);
      expect(await bobEvents.next(() => true, PAST_GRACE_MS)).toEqual(offline(carol.id, (await lastSeenOf(carol.id))!));
      expect(await lastSeenOf(alice.id)).toBeInstanceOf(Date); // kept, only not shown
      expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
    } finally {
      await closeAll([bobEvents]);
    }
  });

  test("'contacts' shows the status to people in the user's contact list, not to other chat partners or strangers; 'everyone' (the default) shows it to all", async () => {
    const { a: alice, b: bob } = await createPair('pcon');
    const stranger = await createUser('pconx');
    await presenceTracker.connected(alice.id, randomUUID());
    const shown = [{ userId: alice.id, visible: true, online: true, lastSeenAt: null }];

    expect(await alice.caller.users.me()).toMatchObject({ presenceVisibility: 'everyone' });
    expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual(shown);
    expect(await stranger.caller.presence.get({ userIds: [alice.id] })).toEqual(shown);

    await alice.caller.presence.setVisibility({ visibility: 'contacts' });
    expect(await alice.caller.users.me()).toMatchObject({ presenceVisibility: 'contacts' });
    // Chatting with her does not make Bob a contact: her contact list does.
    expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
    await alice.caller.contacts.add({ username: bob.username });
    expect(await bob.caller.presence.get({ userIds: [alice.id] })).toEqual(shown);
    expect(await stranger.caller.presence.get({ userIds: [alice.id] })).toEqual([{ userId: alice.id, visible: false }]);
  });

  test("switching to 'nobody' tells contacts to forget the status; switching back shows it to them again", async () => {
    const { a: alice, b: bob } = await createPair('pswitch');
    await alice.caller.contacts.add({ username: bob.username });
    await presenceTracker.connected(alice.id, randomUUID());
    const [bobEvents] = await openReaders(bob);
    try {
      await alice.caller.presence.setVisibility({ visibility: 'nobody' });
      expect(await bobEvents.next()).toEqual({ type: 'presence.updated', userId: alice.id, visible: false });
      expect(await alice.caller.users.me()).toMatchObject({ presenceVisibility: 'nobody' });

      await alice.caller.presence.setVisibility({ visibility: 'contacts' });
      expect(await bobEvents.next()).toEqual(online(alice.id));
    } finally {
      await closeAll([bobEvents]);
    }
  });

  test('presence.get always shows the caller their own status, and leaves out unknown users', async () => {
    const alice = await createUser('pself');
    await alice.caller.presence.setVisibility({ visibility: 'nobody' });
    expect(await alice.caller.presence.get({ userIds: [alice.id, randomUUID()] })).toEqual([
      { userId: alice.id, visible: true, online: false, lastSeenAt: null },
    ]);
  });
});

describe('presence input validation', () => {
  test('presence.get refuses an empty list, a malformed id and too many ids', async () => {
    const alice = await createUser('pget');
    await expectTRPCError(alice.caller.presence.get({ userIds: [] }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.presence.get({ userIds: ['not-a-uuid'] }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.presence.get({ userIds: Array.from({ length: 201 }, () => randomUUID()) }), 'BAD_REQUEST');
  });

  test('presence.setVisibility refuses an unknown value and changes nothing', async () => {
    const alice = await createUser('pset');
    await alice.caller.presence.setVisibility({ visibility: 'contacts' });
    // @ts-expect-error: not a visibility
    await expectTRPCError(alice.caller.presence.setVisibility({ visibility: 'friends' }), 'BAD_REQUEST');
    // @ts-expect-error: missing
    await expectTRPCError(alice.caller.presence.setVisibility({}), 'BAD_REQUEST');
    expect(await alice.caller.users.me()).toMatchObject({ presenceVisibility: 'contacts' });
  });
});
