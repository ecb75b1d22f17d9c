// Message search: words as prefixes, any case and accents, over exactly what the caller may read.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { createGroup, createPair, createUser, expectTRPCError, releaseServices, send } from '../test/helpers.ts';
import { fanout } from './fanout.ts';

afterAll(releaseServices);

/** A word no other test writes (the test database is shared): letters only, as search sees words. */
const word = () => `w${randomBytes(6).toString('hex').replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}`;

describe('messages.search', () => {
  test('finds every word as a prefix, in any case and without accents, newest first, with the chat and sender named', async () => {
    const { a: alice, b: bob, conversationId: direct } = await createPair('srch');
    const { users: [carol, , dave], conversationId: group } = await createGroup('srchg', 3);
    await carol.caller.groups.addMembers({ conversationId: group, usernames: [alice.username] });
    const w = word();
    const first = await send(bob, direct, `Café ${w} tomorrow?`);
    await send(bob, direct, `only ${w}, nothing else`);
    const third = await send(carol, group, `the CAFE-${w.toUpperCase()} place`);
    const strangers = await createPair('srchx');
    await send(strangers.a, strangers.conversationId, `cafe ${w} elsewhere`);

    const { hits, nextCursor } = await alice.caller.messages.search({ query: `caf ${w.slice(0, 5)}` });
    expect(hits.map((h) => h.seq)).toEqual([third.seq, first.seq]);
    expect(hits[0]).toMatchObject({ conversationId: group, conversationTitle: 'srchg group', conversationKind: 'group', senderId: carol.id, senderName: carol.displayName, body: `the CAFE-${w.toUpperCase()} place` });
    expect(hits[1]).toMatchObject({ conversationId: direct, conversationTitle: bob.displayName, conversationKind: 'direct', senderName: bob.displayName });
    expect(hits[1].edited).toBeUndefined();
    expect(nextCursor).toBeNull();
    // Within one chat; and Dave, in the group only, finds the group's alone.
    expect((await alice.caller.messages.search({ query: w, conversationId: direct })).hits).toHaveLength(2);
    expect((await dave.caller.messages.search({ query: w })).hits.map((h) => h.seq)).toEqual([third.seq]);
  });

  test('a message is found by what it says now: its edit, not its old text; neither once deleted; system lines never', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('srched');
    const [before, after, gone] = [word(), word(), word()];
    const edited = await send(alice, conversationId, `meet ${before}`);
    await alice.caller.messages.edit({ conversationId, seq: edited.seq, clientId: randomUUID(), body: `meet ${after}` });
    const deleted = await send(alice, conversationId, `oops ${gone}`);
    await alice.caller.messages.react({ conversationId, seq: deleted.seq, clientId: randomUUID(), emoji: '👍' });
    await alice.caller.messages.delete({ conversationId, seq: deleted.seq, clientId: randomUUID() });
    await fanout.idle();
    expect((await bob.caller.messages.search({ query: before })).hits).toEqual([]);
    const [hit] = (await bob.caller.messages.search({ query: after })).hits;
    expect(hit).toMatchObject({ seq: edited.seq, body: `meet ${after}`, edited: true, createdAt: edited.createdAt });
    expect((await bob.caller.messages.search({ query: gone })).hits).toEqual([]);
    const { users: [owner], conversationId: group } = await createGroup(word(), 2);
    expect((await owner.caller.messages.search({ query: 'created', conversationId: group })).hits).toEqual([]);
  });

  test('never beyond what the caller may read: before joining, after leaving, what they cleared, chats not theirs', async () => {
    const { users: [owner, stays, leaves], conversationId } = await createGroup('srchwin', 3);
    const w = word();
    const early = await send(owner, conversationId, `${w} one`);
    const late = await createUser('srchlate');
    await owner.caller.groups.addMembers({ conversationId, usernames: [late.username] });
    const middle = await send(owner, conversationId, `${w} two`);
    await owner.caller.groups.removeMember({ conversationId, userId: leaves.id });
    const after = await send(owner, conversationId, `${w} three`);
    // An edit after Leaves left: they still find the text as it was when they left.
    await owner.caller.messages.edit({ conversationId, seq: middle.seq, clientId: randomUUID(), body: `${w} two, edited` });
    await fanout.idle();
    const seqs = async (user: typeof owner) => (await user.caller.messages.search({ query: w })).hits.map((h) => [h.seq, h.body]);
    // An edited message is found where its text was written: at its edit (at most 15 minutes later).
    expect(await seqs(stays)).toEqual([[middle.seq, `${w} two, edited`], [after.seq, `${w} three`], [early.seq, `${w} one`]]);
    expect(await seqs(late)).toEqual([[middle.seq, `${w} two, edited`], [after.seq, `${w} three`]]);
    expect(await seqs(leaves)).toEqual([[middle.seq, `${w} two`], [early.seq, `${w} one`]]);
    await stays.caller.conversations.clear({ conversationId, remove: false });
    expect(await seqs(stays)).toEqual([]);
    const outsider = await createUser('srchout');
    expect(await seqs(outsider)).toEqual([]);
    await expectTRPCError(outsider.caller.messages.search({ query: w, conversationId }), 'FORBIDDEN');
  });

  test('pages go back by a cursor without repeating or skipping', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('srchpage');
    const w = word();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await send(i % 2 ? alice : bob, conversationId, `${w} number ${i}`));
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await alice.caller.messages.search({ query: w, limit: 2, cursor });
      expect(page.hits.length).toBeLessThanOrEqual(2);
      seen.push(...page.hits.map((h) => h.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(sent.map((m) => m.seq).reverse());
  });

  test('a query with no word of two letters or more, too long, or a bad cursor is refused; operators are plain text', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('srchbad');
    for (const query of ['a', '  ', '!!! & |', 'x'.repeat(201)]) await expectTRPCError(alice.caller.messages.search({ query }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.messages.search({ query: 'hello', cursor: '1 OR 1=1' }), 'BAD_REQUEST');
    const w = word();
    await send(bob, conversationId, `${w} & friends`);
    expect((await alice.caller.messages.search({ query: `${w}:* | !'friends' & (` })).hits).toHaveLength(1);
    expect((await alice.caller.messages.search({ query: `${w} missing${w}` })).hits).toHaveLength(0);
  });
});
