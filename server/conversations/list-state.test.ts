// The caller's own chat list: pins (at most three, first on the first page), archive (until news,
// unless muted), marked unread, and chats cleared or deleted for the caller alone.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { ConversationUpdatedEvent } from '../../lib/events.ts';
import { createPair, createUser, EventReader, expectTRPCError, releaseServices, send, type TestUser } from '../test/helpers.ts';

afterAll(releaseServices);

/** `me` in direct chats with `n` new people, oldest first; each has a message from the other side. */
async function chats(me: TestUser, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const peer = await createUser(`ls${i}`);
    const chat = await peer.caller.conversations.openDirect({ username: me.username });
    await send(peer, chat.id, `hello ${i}`);
    ids.push(chat.id);
  }
  return ids;
}

describe('conversations.setListState', () => {
  test('up to three pins, first on the first page whatever their activity and on no later page', async () => {
    const me = await createUser('pinner');
    const ids = await chats(me, 6);
    for (const id of ids.slice(0, 3)) await me.caller.conversations.setListState({ conversationId: id, pinned: true });
    await expectTRPCError(me.caller.conversations.setListState({ conversationId: ids[3], pinned: true }), 'UNPROCESSABLE_CONTENT');
    const first = await me.caller.conversations.list({ limit: 2 });
    expect(first.conversations.map((c) => c.id)).toEqual([...ids.slice(0, 3).reverse(), ids[5], ids[4]]);
    expect(first.conversations.slice(0, 3).every((c) => c.pinnedAt !== null)).toBe(true);
    const second = await me.caller.conversations.list({ limit: 2, cursor: first.nextCursor });
    expect(second.conversations.map((c) => c.id)).toEqual([ids[3]]);
    expect(second.nextCursor).toBeNull();
    await me.caller.conversations.setListState({ conversationId: ids[0], pinned: false });
    await me.caller.conversations.setListState({ conversationId: ids[3], pinned: true });
  });

  test('an archived chat comes back with news unless muted; archiving unpins; marked unread is the caller’s alone', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('archive');
    await send(bob, conversationId, 'first');
    await alice.caller.conversations.setListState({ conversationId, pinned: true });
    let mine = await alice.caller.conversations.setListState({ conversationId, archived: true, unread: true });
    expect(mine).toMatchObject({ archived: true, pinnedAt: null, markedUnread: true });
    expect(await bob.caller.conversations.get({ conversationId })).toMatchObject({ archived: false, markedUnread: false });
    await send(bob, conversationId, 'news');
    expect(await alice.caller.conversations.get({ conversationId })).toMatchObject({ archived: false });
    await alice.caller.conversations.mute({ conversationId, duration: 'always' });
    await alice.caller.conversations.setListState({ conversationId, archived: true });
    await send(bob, conversationId, 'more news');
    mine = await alice.caller.conversations.get({ conversationId });
    expect(mine).toMatchObject({ archived: true, unreadCount: 3 });
  });

  test('only a member (or former member) of the chat', async () => {
    const { conversationId } = await createPair('lsnot');
    const outsider = await createUser('lsout');
    await expectTRPCError(outsider.caller.conversations.setListState({ conversationId, pinned: true }), 'FORBIDDEN');
    await expectTRPCError(outsider.caller.conversations.clear({ conversationId }), 'FORBIDDEN');
    await expectTRPCError(outsider.caller.conversations.setListState({ conversationId: randomUUID(), archived: true }), 'FORBIDDEN');
  });
});

describe('conversations.clear', () => {
  test('clears the history for the caller alone and reads it; with remove, the chat leaves their list until something new is said', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('clear');
    await send(bob, conversationId, 'old 1');
    await send(bob, conversationId, 'old 2');
    const devices = await EventReader.open(alice.id);
    try {
      await alice.caller.conversations.clear({ conversationId });
      await devices.next<ConversationUpdatedEvent>((e) => e.type === 'conversation.updated' && e.conversationId === conversationId);
    } finally {
      await devices.close();
    }
    expect((await alice.caller.messages.list({ conversationId })).messages).toEqual([]);
    expect(await alice.caller.conversations.get({ conversationId })).toMatchObject({ unreadCount: 0, lastMessage: null });
    expect((await bob.caller.messages.list({ conversationId })).messages.map((m) => m.body)).toEqual(['old 1', 'old 2']);
    expect((await alice.caller.conversations.list()).conversations.map((c) => c.id)).toContain(conversationId);

    await alice.caller.conversations.clear({ conversationId, remove: true });
    expect((await alice.caller.conversations.list()).conversations.map((c) => c.id)).not.toContain(conversationId);
    await send(bob, conversationId, 'new');
    const back = (await alice.caller.conversations.list()).conversations.find((c) => c.id === conversationId);
    expect(back).toMatchObject({ unreadCount: 1, lastMessage: { body: 'new' } });
    expect((await alice.caller.messages.list({ conversationId })).messages.map((m) => m.body)).toEqual(['new']);
  });
});
