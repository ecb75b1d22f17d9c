// Web push against a push service on loopback: what is sent, to whom, when not, and what a 410 does.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getDb } from '../db/client.ts';
import { fanout } from '../messages/fanout.ts';
import { messageIds } from '../messages/service.ts';
import { writeSends } from '../messages/write.ts';
import { getPresenceRegistry } from '../realtime/index.ts';
import { FakePushService, type FakeSubscription } from '../test/fake-push-service.ts';
import { callerFor, createGroup, createPair, createUser, expectTRPCError, releaseServices, send, type TestUser } from '../test/helpers.ts';
import { endSessions, startSession } from '../auth/sessions.ts';
import type { PushPayload } from '../../lib/push.ts';
import { healMissedPushes, isPushServiceEndpoint, MAX_SUBSCRIPTIONS, push } from './service.ts';

const service = new FakePushService();
beforeAll(() => service.start());
afterAll(async () => {
  await service.stop();
  await releaseServices();
});

/** A browser of `user` with notifications on. */
async function subscribe(user: TestUser): Promise<FakeSubscription> {
  const subscription = service.subscription();
  await user.caller.push.subscribe(subscription);
  return subscription;
}

const pushesTo = async (subscription: FakeSubscription) => {
  await push.idle();
  return service.payloadsFor(subscription.endpoint) as PushPayload[];
};

describe('push for new messages', () => {
  test('a recipient with no live connection gets one push, encrypted to their browser, with a preview and the conversation to open', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('push');
    const bobsBrowser = await subscribe(bob);
    const alicesBrowser = await subscribe(alice);
    const message = await send(alice, conversationId, 'Dinner at eight?');

    const [payload] = await pushesTo(bobsBrowser);
    expect(payload).toEqual({
      type: 'message',
      conversationId,
      tag: `c:${conversationId}`,
      title: alice.displayName,
      body: 'Dinner at eight?',
      count: 1,
      badge: 1,
      url: `/c/${conversationId}`,
      at: message.createdAt.getTime(),
    });
    const request = service.received.find((r) => r.subscription === bobsBrowser.endpoint.split('/').at(-1))!;
    expect(request.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]{87}$/);
    expect(request.headers).toMatchObject({ ttl: '86400', urgency: 'high', topic: conversationId.replaceAll('-', ''), 'content-encoding': 'aes128gcm' });
    // The sender's own browser hears nothing of her own message.
    expect(await pushesTo(alicesBrowser)).toEqual([]);
  });

  test('a photo or voice note is named in the push, with its caption', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushm');
    const bobsBrowser = await subscribe(bob);
    const media = async (kind: string, durationMs: number | null) =>
      getDb().media.create({
        data: {
          id: randomUUID(), ownerId: alice.id, uploadId: randomUUID().replaceAll('-', ''), sourceSha256: new Uint8Array(32), sha256: new Uint8Array(32),
          kind, mime: kind === 'image' ? 'image/jpeg' : 'audio/webm', name: 'x', size: 10n, durationMs,
        },
      });
    await alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'at the lake', mediaId: (await media('image', null)).id });
    expect((await pushesTo(bobsBrowser)).at(-1)).toMatchObject({ body: '📷 Photo at the lake' });
    await bob.caller.receipts.ack({ receipts: [{ conversationId, readSeq: 1 }] });
    await alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: '', mediaId: (await media('voice', 12_000)).id });
    expect((await pushesTo(bobsBrowser)).at(-1)).toMatchObject({ body: '🎤 Voice message (0:12)', count: 1 });
  });

  test('nothing is pushed while the recipient has a live connection anywhere; after it closes, pushes resume', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushon');
    const bobsBrowser = await subscribe(bob);
    const connection = randomUUID();
    await getPresenceRegistry().connect(bob.id, connection);
    await send(alice, conversationId, 'you are here');
    expect(await pushesTo(bobsBrowser)).toEqual([]);

    await getPresenceRegistry().disconnect(bob.id, connection);
    await send(alice, conversationId, 'now you are not');
    // One notification for the conversation, counting both unread messages.
    expect(await pushesTo(bobsBrowser)).toMatchObject([{ type: 'message', count: 2, body: '2 new messages\nnow you are not' }]);
  });

  test('a message deleted for everyone: a notification still showing it says so instead, quietly; others are left alone', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushdel');
    const bobsBrowser = await subscribe(bob);
    const first = await send(alice, conversationId, 'keep this');
    const second = await send(alice, conversationId, 'oops, not for you');
    await alice.caller.messages.delete({ conversationId, seq: first.seq, clientId: randomUUID() });
    // Bob's notification shows the second message: deleting the first changes nothing there.
    expect(await pushesTo(bobsBrowser)).toHaveLength(2);
    await alice.caller.messages.delete({ conversationId, seq: second.seq, clientId: randomUUID() });
    const pushes = await pushesTo(bobsBrowser);
    expect(pushes).toHaveLength(3);
    expect(pushes[2]).toMatchObject({ type: 'message', tag: `c:${conversationId}`, body: '2 new messages\nThis message was deleted', quiet: true });
    expect(JSON.stringify(pushes[2])).not.toContain('oops');
  });

  test('several messages in one conversation share a tag and count up, per conversation', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushn');
    const other = await createPair('pushm');
    const carolChat = await other.a.caller.conversations.openDirect({ username: bob.username });
    const bobsBrowser = await subscribe(bob);
    for (const body of ['one', 'two', 'three']) await send(alice, conversationId, body);
    await send(other.a, carolChat.id, 'hello from elsewhere');

    const pushes = await pushesTo(bobsBrowser);
    const fromAlice = pushes.filter((p) => p.conversationId === conversationId);
    // In order, one tag; a round still waiting when a newer message comes is replaced by it.
    const counts = fromAlice.map((p) => p.type === 'message' && p.count);
    expect(counts[0]).toBe(1);
    expect(counts.at(-1)).toBe(3);
    expect(counts).toEqual([...counts].sort());
    expect(new Set(fromAlice.map((p) => p.tag))).toEqual(new Set([`c:${conversationId}`]));
    expect(fromAlice.at(-1)).toMatchObject({ body: '3 new messages\nthree' });
    // Another chat has its own notification; the badge counts every unread message.
    expect(pushes.filter((p) => p.conversationId === carolChat.id)).toMatchObject([{ tag: `c:${carolChat.id}`, count: 1, badge: 4 }]);
  });

  test('when two people write at once, each still gets a push for the other one\'s message', async () => {
    const { users: [alice, bob, carol], conversationId } = await createGroup('pushtwo', 3);
    const [bobs, carols] = [await subscribe(bob), await subscribe(carol)];
    await Promise.all([
      alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'from alice' }),
      bob.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'from bob' }),
    ]);
    await fanout.idle();
    const toBob = await pushesTo(bobs);
    expect(toBob.at(-1)).toMatchObject({ body: `${alice.displayName}: from alice`, count: 1 });
    expect(JSON.stringify(toBob)).not.toContain('from bob');
    expect((await pushesTo(carols)).at(-1)).toMatchObject({ count: 2 });
  });

  test('two people alternating against a slow push service make one waiting round, not one per message', async () => {
    const { users: [alice, bob, carol], conversationId } = await createGroup('pushpile', 3);
    const [alices, bobs, carols] = [await subscribe(alice), await subscribe(bob), await subscribe(carol)];
    const release = service.hold();
    const answeredBefore = service.answered;
    await send(alice, conversationId, 'first'); // its round starts and waits on the push service
    for (let i = 0; i < 20; i++) await send(i % 2 === 0 ? bob : alice, conversationId, `#${i}`);
    release();
    const toCarol = await pushesTo(carols);
    expect(toCarol.length).toBeLessThanOrEqual(2); // the first round, and one that took in the other 20
    expect(toCarol.at(-1)).toMatchObject({ body: `21 new messages\n${alice.displayName}: #19`, count: 21 });
    // Bob's last push is Alice's newest; Alice read everything by writing last, so hers carry nothing new.
    expect((await pushesTo(bobs)).at(-1)).toMatchObject({ body: `${alice.displayName}: #19`, count: 1 });
    expect(JSON.stringify(await pushesTo(alices))).not.toContain('#');
    expect(service.answered - answeredBefore).toBeLessThanOrEqual(4);
  });

  test('the badge counts unread messages up to 100 per conversation, so its cost stays bounded', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushcap');
    const other = await createPair('pushcap2');
    const otherChat = await other.a.caller.conversations.openDirect({ username: bob.username });
    await Promise.all(Array.from({ length: 105 }, (_, i) => alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: `#${i}` })));
    await send(other.a, otherChat.id, 'one more');
    const bobsBrowser = await subscribe(bob);
    await send(other.a, otherChat.id, 'and another');
    expect((await pushesTo(bobsBrowser)).at(-1)).toMatchObject({ count: 2, badge: 102 });
  });

  test('a group notification names the group and who spoke', async () => {
    const { users: [owner, member], conversationId } = await createGroup('pushg', 2);
    const browser = await subscribe(member);
    await send(owner, conversationId, 'meeting moved');
    expect(await pushesTo(browser)).toMatchObject([{ title: 'pushg group', body: `${owner.displayName}: meeting moved`, count: 1 }]);
  });

  test('private previews say only that something came', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushp');
    const browser = await subscribe(bob);
    await expect(bob.caller.push.setPreviews({ previews: false })).resolves.toEqual({ previews: false });
    expect((await bob.caller.users.me())?.pushPreviews).toBe(false);
    await send(alice, conversationId, 'secret plans');
    await send(alice, conversationId, 'more secret plans');
    const pushes = await pushesTo(browser);
    expect(pushes.map((p) => p.type === 'message' && [p.title, p.body])).toEqual([
      ['Parley', 'New message'],
      ['Parley', '2 new messages'],
    ]);
    expect(JSON.stringify(pushes)).not.toContain('secret');
  });

  test('a muted conversation pushes nothing but still counts unread; unmuting brings pushes back', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushmute');
    const browser = await subscribe(bob);
    const muted = await bob.caller.conversations.mute({ conversationId, duration: '8h' });
    expect(muted.mutedUntil!.getTime()).toBeGreaterThan(Date.now() + 8 * 3600_000 - 60_000);
    await send(alice, conversationId, 'shh');
    expect(await pushesTo(browser)).toEqual([]);
    expect((await bob.caller.conversations.get({ conversationId })).unreadCount).toBe(1);

    expect((await bob.caller.conversations.mute({ conversationId, duration: 'always' })).mutedUntil?.getUTCFullYear()).toBe(9999);
    await send(alice, conversationId, 'still shh');
    expect(await pushesTo(browser)).toEqual([]);

    expect((await bob.caller.conversations.mute({ conversationId, duration: null })).mutedUntil).toBeNull();
    await send(alice, conversationId, 'loud');
    expect(await pushesTo(browser)).toMatchObject([{ count: 3 }]);
    // Only your own mute: Alice is not muted, and strangers cannot mute.
    expect((await alice.caller.conversations.get({ conversationId })).mutedUntil).toBeNull();
    const stranger = await createUser('pushx');
    await expectTRPCError(stranger.caller.conversations.mute({ conversationId, duration: '1w' }), 'FORBIDDEN');
  });

  test('a subscription the push service says is gone (410) is deleted; another browser of the user keeps getting pushes', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('push410');
    const [gone, kept] = [await subscribe(bob), await subscribe(bob)];
    service.answer(gone.endpoint, 410);
    await send(alice, conversationId, 'anyone?');
    await push.idle();
    const endpoints = (await getDb().pushSubscription.findMany({ where: { userId: bob.id } })).map((s) => s.endpoint);
    expect(endpoints).toEqual([kept.endpoint]);
    expect(await pushesTo(kept)).toHaveLength(1);
  });
});

describe('pushes whose round never ran', () => {
  /** Heals over what was committed since `since` (this test's own messages). */
  // The sweep looks at every conversation: tests running beside this one may give it work of their
  // own, so what it did is judged by what this test's browsers received, not by its count.
  const healSince = (since: number) => healMissedPushes(Date.now() - since + 100, 0);

  test('a message committed but never fanned out (its instance died) is pushed by the healing sweep, once', async () => {
    const started = Date.now();
    const { a: alice, b: bob, conversationId } = await createPair('pushheal');
    const browser = await subscribe(bob);
    const alicesBrowser = await subscribe(alice);
    await send(alice, conversationId, 'pushed as usual');
    expect(await pushesTo(browser)).toHaveLength(1);
    // Committed, then nothing: as if the process died before its fan-out.
    const [lost] = (await writeSends([{ conversationId, senderId: alice.id, clientId: randomUUID(), body: 'never fanned out' }], messageIds)).outcomes;
    if (!lost.ok) throw lost.error;
    expect(await pushesTo(browser)).toHaveLength(1);

    await healSince(started);
    expect((await pushesTo(browser)).at(-1)).toMatchObject({ type: 'message', body: '2 new messages\nnever fanned out', count: 2 });
    expect(await pushesTo(alicesBrowser)).toEqual([]);
    // Pushed now: the next sweeps (on any instance) find nothing more to send.
    await healSince(started);
    expect(await pushesTo(browser)).toHaveLength(2);
  });

  test('nothing is healed for messages that were pushed, delivered, read or muted, nor for a member who left', async () => {
    const started = Date.now();
    const { users: [owner, pushed, online, muted, leaver], conversationId } = await createGroup('pushhealno', 5);
    const browsers = await Promise.all([pushed, online, muted, leaver].map(subscribe));
    await muted.caller.conversations.mute({ conversationId, duration: '8h' });
    await leaver.caller.groups.leave({ conversationId });
    const connection = randomUUID();
    await getPresenceRegistry().connect(online.id, connection);
    try {
      const message = await send(owner, conversationId, 'news');
      await online.caller.receipts.ack({ receipts: [{ conversationId, deliveredSeq: message.seq }] });
      await healSince(started);
      const [forPushed, forOnline, forMuted, forLeaver] = await Promise.all(browsers.map(pushesTo));
      expect(forPushed).toHaveLength(1);
      expect([forOnline, forMuted, forLeaver]).toEqual([[], [], []]);
    } finally {
      await getPresenceRegistry().disconnect(online.id, connection);
    }
  });

  test('a regular round and a healing one for the same message send one push', async () => {
    const started = Date.now();
    const { a: alice, b: bob, conversationId } = await createPair('pushrace');
    const browser = await subscribe(bob);
    const [written] = (await writeSends([{ conversationId, senderId: alice.id, clientId: randomUUID(), body: 'late' }], messageIds)).outcomes;
    if (!written.ok) throw written.error;
    const release = service.hold();
    push.messages([written.message]); // its fan-out came late after all, while the sweep looks
    await healSince(started); // finds it or not, depending on whether the regular round claimed it yet
    release();
    expect(await pushesTo(browser)).toMatchObject([{ body: 'late' }]);
  });
});

describe('reading closes notifications elsewhere', () => {
  test('a read of what was pushed sends every browser of the reader a close for that conversation, once', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushread');
    const [phone, laptop] = [await subscribe(bob), await subscribe(bob)];
    const message = await send(alice, conversationId, 'read me');
    await push.idle();
    await bob.caller.receipts.ack({ receipts: [{ conversationId, readSeq: message.seq }] });
    const close = { type: 'read', conversationId, tag: `c:${conversationId}`, badge: 0 };
    expect((await pushesTo(phone)).at(-1)).toEqual(close);
    expect((await pushesTo(laptop)).at(-1)).toEqual(close);

    // Nothing outstanding any more: a replayed read sends nothing.
    const before = service.received.length;
    await bob.caller.receipts.ack({ receipts: [{ conversationId, readSeq: message.seq }] });
    await push.idle();
    expect(service.received.length).toBe(before);
  });

  test('a read when nothing was pushed (the reader was online) sends nothing', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushread2');
    const browser = await subscribe(bob);
    const connection = randomUUID();
    await getPresenceRegistry().connect(bob.id, connection);
    try {
      const message = await send(alice, conversationId, 'seen live');
      await bob.caller.receipts.ack({ receipts: [{ conversationId, readSeq: message.seq }] });
      expect(await pushesTo(browser)).toEqual([]);
    } finally {
      await getPresenceRegistry().disconnect(bob.id, connection);
    }
  });
});

describe('subscriptions', () => {
  test('config gives the VAPID public key a browser subscribes with', async () => {
    const user = await createUser('pushcfg');
    const { publicKey } = await user.caller.push.config();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65); // an uncompressed P-256 point
  });

  test('bad subscriptions are refused and store nothing', async () => {
    const user = await createUser('pushbad');
    const good = service.subscription();
    await expectTRPCError(user.caller.push.subscribe({ ...good, endpoint: 'javascript:alert(1)' }), 'BAD_REQUEST');
    await expectTRPCError(user.caller.push.subscribe({ ...good, keys: { ...good.keys, p256dh: 'short' } }), 'BAD_REQUEST');
    await expectTRPCError(user.caller.push.subscribe({ ...good, keys: { ...good.keys, auth: 'A'.repeat(40) } }), 'BAD_REQUEST');
    // Well-formed, but no point on the curve: nothing could ever be encrypted to it.
    await expectTRPCError(user.caller.push.subscribe({ ...good, keys: { ...good.keys, p256dh: `B${'A'.repeat(86)}` } }), 'BAD_REQUEST');
    expect(await getDb().pushSubscription.count({ where: { userId: user.id } })).toBe(0);
  });

  test('only the browsers\' push services, over HTTPS, are endpoints, unless local ones are allowed (tests)', () => {
    const ok = [
      'https://fcm.googleapis.com/fcm/send/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/x',
      'https://web.push.apple.com/QG',
      'https://wns2-par02p.notify.windows.com/w/?token=x',
    ];
    for (const endpoint of ok) expect(isPushServiceEndpoint(endpoint, false), endpoint).toBe(true);
    const bad = [
      'http://fcm.googleapis.com/x',
      'https://fcm.googleapis.com:8443/x',
      'https://127.0.0.1/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://localhost./x',
      'https://127.0.0.1.nip.io/x',
      'https://metadata.google.internal/x',
      'https://evil.example/fcm.googleapis.com',
      'https://fcm.googleapis.com.evil.example/x',
    ];
    for (const endpoint of bad) expect(isPushServiceEndpoint(endpoint, false), endpoint).toBe(false);
    expect(isPushServiceEndpoint('http://127.0.0.1:9000/push/1', true)).toBe(true);
  });

  test(`a user keeps at most ${MAX_SUBSCRIPTIONS} browsers: a new one beyond that drops the oldest`, async () => {
    const user = await createUser('pushcap');
    const browsers = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS; i++) browsers.push(await subscribe(user));
    const kept = (await getDb().pushSubscription.findMany({ where: { userId: user.id } })).map((s) => s.endpoint).sort();
    expect(kept).toEqual(browsers.slice(1).map((b) => b.endpoint).sort());
  });

  test('a subscription whose key is no point on the curve is deleted at its first push; the round goes on', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushkey');
    const [broken, fine] = [await subscribe(bob), await subscribe(bob)];
    // Well-formed, but not a point on P-256.
    await getDb().pushSubscription.update({ where: { endpoint: broken.endpoint }, data: { p256dh: `B${'A'.repeat(86)}` } });
    await send(alice, conversationId, 'hi');
    expect(await pushesTo(fine)).toHaveLength(1);
    expect(await getDb().pushSubscription.count({ where: { endpoint: broken.endpoint } })).toBe(0);
  });

  test('ending the session that subscribed (logging out, here or on another device) stops that browser\'s pushes', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('pushend');
    const { id: sessionId } = await startSession(bob.id, 'browser', 'Chrome on Linux');
    const browser = service.subscription();
    await callerFor(bob.id, { sessionId }).push.subscribe(browser);
    const stays = await subscribe(bob); // another browser of his, through another session
    await endSessions(bob.id, { only: sessionId });
    await send(alice, conversationId, 'anyone there?');
    expect(await pushesTo(browser)).toEqual([]);
    expect(await pushesTo(stays)).toHaveLength(1);
    expect(await getDb().pushSubscription.count({ where: { endpoint: browser.endpoint } })).toBe(0);
  });

  test('a browser used by someone else next belongs to them; unsubscribing removes only your own', async () => {
    const [first, second] = [await createUser('pusha'), await createUser('pushb')];
    const browser = await subscribe(first);
    await second.caller.push.subscribe(browser);
    const owner = async () => (await getDb().pushSubscription.findUnique({ where: { endpoint: browser.endpoint } }))?.userId;
    expect(await owner()).toBe(second.id);
    await first.caller.push.unsubscribe({ endpoint: browser.endpoint });
    expect(await owner()).toBe(second.id);
    await second.caller.push.unsubscribe({ endpoint: browser.endpoint });
    expect(await owner()).toBeUndefined();
  });
});
