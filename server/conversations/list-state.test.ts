// The caller's own chat list: pins (at most three, first on the first page), archive (until news,
// unless muted), marked unread, chats cleared or deleted, and messages deleted, for the caller alone.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import type { ConversationUpdatedEvent } from '../../lib/events.ts';
import { createGroup, createPair, createUser, EventReader, expectTRPCError, releaseServices, send, type TestUser } from '../test/helpers.ts';

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

describe('messages.hide (delete for me)', () => {
  test('hides messages of either sender from the caller alone: a stub in history, past them in the preview and search; their devices hear of it', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('hide');
    const mine = await send(alice, conversationId, 'my secret plan');
    const theirs = await send(bob, conversationId, 'their secret reply');
    await send(bob, conversationId, 'something else');
    const last = await send(bob, conversationId, 'the last secret');
    const devices = await EventReader.open(alice.id);
    try {
      await alice.caller.messages.hide({ conversationId, seqs: [mine.seq, theirs.seq, last.seq] });
      const event = await devices.next<ConversationUpdatedEvent>((e) => e.type === 'conversation.updated' && e.conversationId === conversationId);
      expect(event.hidden).toEqual([mine.seq, theirs.seq, last.seq]);
    } finally {
      await devices.close();
    }
    // Alice: the seqs stay (gapless), with nothing of what they said.
    const page = await alice.caller.messages.list({ conversationId });
    expect(page.messages.map((m) => [m.seq, m.body, m.hidden ?? false])).toEqual([
      [mine.seq, '', true],
      [theirs.seq, '', true],
      [theirs.seq + 1, 'something else', false],
      [last.seq, '', true],
    ]);
    expect((await alice.caller.messages.list({ conversationId, after: mine.seq - 1 })).messages.filter((m) => m.hidden).map((m) => m.seq)).toEqual([mine.seq, theirs.seq, last.seq]);
    expect((await alice.caller.conversations.get({ conversationId })).lastMessage).toMatchObject({ body: 'something else' });
    expect((await alice.caller.messages.search({ query: 'secret' })).hits).toEqual([]);
    // Bob keeps everything.
    expect((await bob.caller.messages.list({ conversationId })).messages.every((m) => !m.hidden)).toBe(true);
    expect((await bob.caller.conversations.get({ conversationId })).lastMessage).toMatchObject({ body: 'the last secret' });
    expect((await bob.caller.messages.search({ query: 'secret' })).hits).toHaveLength(3);
    // Again: nothing changes.
    await alice.caller.messages.hide({ conversationId, seqs: [mine.seq] });
    expect((await alice.caller.messages.list({ conversationId })).messages.filter((m) => m.hidden)).toHaveLength(3);
  });

  test('later changes to a hidden message keep it hidden', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('hidech');
    const m = await send(bob, conversationId, 'before the edit');
    await alice.caller.messages.hide({ conversationId, seqs: [m.seq] });
    await bob.caller.messages.edit({ conversationId, seq: m.seq, clientId: randomUUID(), body: 'after the edit' });
    await bob.caller.messages.react({ conversationId, seq: m.seq, clientId: randomUUID(), emoji: '👍' });
    const [held] = (await alice.caller.messages.list({ conversationId })).messages;
    expect(held).toMatchObject({ seq: m.seq, body: '', hidden: true });
    expect(held.reactions).toBeUndefined();
    expect(held.edited).toBeUndefined();
    expect((await alice.caller.messages.search({ query: 'after' })).hits).toEqual([]);
  });

  test('only text messages the caller may read; a bad seq refuses the whole call and hides nothing', async () => {
    const { users: [owner, member, other], conversationId } = await createGroup('hidebad', 3);
    const said = await send(member, conversationId, 'said in the group');
    const reaction = await member.caller.messages.react({ conversationId, seq: said.seq, clientId: randomUUID(), emoji: '👍' });
    await expectTRPCError(owner.caller.messages.hide({ conversationId, seqs: [said.seq, 1] }), 'NOT_FOUND'); // 1: "created"
    await expectTRPCError(owner.caller.messages.hide({ conversationId, seqs: [said.seq, reaction.seq] }), 'NOT_FOUND');
    await expectTRPCError(owner.caller.messages.hide({ conversationId, seqs: [said.seq, reaction.seq + 100] }), 'NOT_FOUND');
    await expectTRPCError(owner.caller.messages.hide({ conversationId, seqs: [] }), 'BAD_REQUEST');
    expect((await owner.caller.messages.list({ conversationId })).messages.some((m) => m.hidden)).toBe(false);
    const outsider = await createUser('hideout');
    await expectTRPCError(outsider.caller.messages.hide({ conversationId, seqs: [said.seq] }), 'FORBIDDEN');
    // A former member, within what they may read.
    await other.caller.groups.leave({ conversationId });
    const after = await send(member, conversationId, 'said after they left');
    await expectTRPCError(other.caller.messages.hide({ conversationId, seqs: [after.seq] }), 'NOT_FOUND');
    await other.caller.messages.hide({ conversationId, seqs: [said.seq] });
    expect((await other.caller.messages.list({ conversationId })).messages.find((m) => m.seq === said.seq)).toMatchObject({ hidden: true });
  });
});
