// Profile and group photos over HTTP: a picture uploaded (tus) and made a square photo (the crop
// asked for, upright, small, without metadata), shown in place of initials to whom the person lets
// see it (everyone, contacts, nobody; never someone they blocked) and to a group's members, and
// fetched by nobody else.
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { mediaUrl, thumbnailUrl } from '../../lib/media.ts';
import { deleteAccount } from '../auth/delete-account.ts';
import { fanout } from '../messages/fanout.ts';
import { requestsAs, serverForTests } from '../test/http-server.ts';
import { createGroup, createPair, createUser, EventReader, expectTRPCError, send, type TestUser } from '../test/helpers.ts';
import { uploadStaging } from './service.ts';

const { tus, fetchAs } = requestsAs(serverForTests());
const upload = async (user: TestUser, bytes: Buffer, name = 'me.png') => (await tus(user)).upload(bytes, name);

/** A picture whose left half is red and right half blue, `width` × `height`. */
async function halves(width: number, height: number, format: 'png' | 'jpeg' = 'png', orientation?: number): Promise<Buffer> {
  const half = await sharp({ create: { width: width / 2, height, channels: 3, background: '#0000ff' } }).png().toBuffer();
  let image = sharp({ create: { width, height, channels: 3, background: '#ff0000' } }).composite([{ input: half, left: width / 2, top: 0 }]);
  image = format === 'png' ? image.png() : image.jpeg({ quality: 95 });
  const bytes = await image.toBuffer();
  return orientation ? sharp(bytes).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer() : bytes;
}

/** The colour at a point of a picture, as [r, g, b]. */
async function colourAt(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at], data[at + 1], data[at + 2]];
}
const reddish = ([r, g, b]: number[]) => r > 200 && g < 60 && b < 60;
const bluish = ([r, g, b]: number[]) => b > 200 && r < 60 && g < 60;

/** What `viewer` is shown of `person` everywhere people appear: the photo id, or undefined. */
async function photoSeen(viewer: TestUser, person: TestUser): Promise<(string | undefined)[]> {
  const profile = await viewer.caller.users.profile({ userId: person.id });
  const found = await viewer.caller.users.search({ query: person.username });
  return [profile.photo, found.find((u) => u.id === person.id)?.photo];
}

describe('profile photos', () => {
  test('made square (the middle, or the crop asked for), upright, at most 640 pixels, without metadata, with a small thumbnail', async () => {
    const alice = await createUser('pha');
    const middle = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(600, 400)) });
    expect(middle).toMatchObject({ id: alice.id, photo: expect.any(String) });
    // Her data export names it.
    const exported = (await (await fetchAs(alice, '/api/export')).json()) as { profile: { photo?: string } };
    expect(exported.profile.photo).toMatch(new RegExp(`${mediaUrl(middle.photo!)}$`));
    const whole = Buffer.from(await (await fetchAs(alice, mediaUrl(middle.photo!))).arrayBuffer());
    expect(await sharp(whole).metadata()).toMatchObject({ format: 'jpeg', width: 400, height: 400 });
    // The middle square: red on its left, blue on its right.
    expect(reddish(await colourAt(whole, 20, 200))).toBe(true);
    expect(bluish(await colourAt(whole, 380, 200))).toBe(true);
    const thumbnail = await fetchAs(alice, thumbnailUrl(middle.photo!));
    expect(await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 192, height: 192 });

    // A square half the height at the top left: all red, 200 pixels a side (not enlarged).
    const left = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(600, 400)), crop: { x: 0, y: 0, size: 0.5 } });
    const leftBytes = Buffer.from(await (await fetchAs(alice, mediaUrl(left.photo!))).arrayBuffer());
    expect(await sharp(leftBytes).metadata()).toMatchObject({ width: 200, height: 200 });
    expect(reddish(await colourAt(leftBytes, 190, 190))).toBe(true);
    // One at the right edge, asked a rounding past it, is moved back inside: all blue.
    const right = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(600, 400)), crop: { x: 0.67, y: 0.5, size: 0.5 } });
    const rightBytes = Buffer.from(await (await fetchAs(alice, mediaUrl(right.photo!))).arrayBuffer());
    expect(bluish(await colourAt(rightBytes, 5, 5))).toBe(true);

    // A big picture is made small; one turned by its EXIF is turned upright first, and its EXIF is gone.
    const big = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(2000, 1000), 'big.png') });
    expect(await sharp(Buffer.from(await (await fetchAs(alice, mediaUrl(big.photo!))).arrayBuffer())).metadata()).toMatchObject({ width: 640, height: 640 });
    // 400 × 200 stored, shown turned a quarter (orientation 6): upright 200 × 400, red on top.
    const turned = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(400, 200, 'jpeg', 6), 'turned.jpg'), crop: { x: 0, y: 0, size: 1 } });
    const turnedBytes = Buffer.from(await (await fetchAs(alice, mediaUrl(turned.photo!))).arrayBuffer());
    const meta = await sharp(turnedBytes).metadata();
    expect(meta).toMatchObject({ width: 200, height: 200 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(reddish(await colourAt(turnedBytes, 100, 100))).toBe(true);
  });

  test('refused with a clear error, changing nothing: not a picture, not an upload of theirs, an unfinished one', async () => {
    const alice = await createUser('phr');
    const bob = await createUser('phs');
    const photo = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(100, 100)) });
    const notPicture = await upload(alice, Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'doc.pdf');
    const refused = await expectTRPCError(alice.caller.users.setPhoto({ uploadId: notPicture }), 'BAD_REQUEST');
    expect(refused.message).toMatch(/must be a picture/);
    await expectTRPCError(bob.caller.users.setPhoto({ uploadId: await upload(alice, await halves(100, 100)) }), 'NOT_FOUND');
    const unfinished = await (await tus(alice)).create(1000, 'half.png');
    await expectTRPCError(alice.caller.users.setPhoto({ uploadId: unfinished.id! }), 'CONFLICT');
    await expectTRPCError(alice.caller.users.setPhoto({ uploadId: 'nope' }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.users.setPhoto({ uploadId: unfinished.id!, crop: { x: 0, y: 0, size: 0 } }), 'BAD_REQUEST');
    expect((await alice.caller.users.me())?.photo).toBe(photo.photo);
  });

  test('seen as the person allows: everyone, contacts, nobody, never by someone they blocked; replaced or removed, the old one is nobody’s', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('phv');
    const stranger = await createUser('phw');
    await send(alice, conversationId, 'hi');
    const { photo } = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(200, 200)) });
    const inboxPhoto = async () => {
      const chat = (await bob.caller.conversations.list({})).conversations.find((c) => c.id === conversationId)!;
      return [chat.photo, chat.peer?.photo];
    };

    // Everyone (the default): in the chat list, the profile, search, and the bytes.
    expect(await inboxPhoto()).toEqual([photo, photo]);
    expect(await photoSeen(bob, alice)).toEqual([photo, photo]);
    expect(await photoSeen(stranger, alice)).toEqual([photo, photo]);
    expect((await fetchAs(stranger, thumbnailUrl(photo!))).status).toBe(200);

    // Contacts: people in Alice's contact list.
    await alice.caller.users.updateProfile({ photoVisibility: 'contacts' });
    expect(await photoSeen(stranger, alice)).toEqual([undefined, undefined]);
    expect((await fetchAs(stranger, thumbnailUrl(photo!))).status).toBe(404);
    expect(await inboxPhoto()).toEqual([undefined, undefined]);
    await alice.caller.contacts.add({ username: bob.username });
    expect(await inboxPhoto()).toEqual([photo, photo]);
    expect((await bob.caller.conversations.members({ conversationId })).find((m) => m.id === alice.id)?.photo).toBe(photo);
    expect((await fetchAs(bob, mediaUrl(photo!))).status).toBe(200);

    // Nobody.
    await alice.caller.users.updateProfile({ photoVisibility: 'nobody' });
    expect(await photoSeen(bob, alice)).toEqual([undefined, undefined]);
    expect((await fetchAs(bob, mediaUrl(photo!))).status).toBe(404);
    expect((await alice.caller.users.me())?.photo).toBe(photo); // she still sees her own

    // Everyone, but Alice blocked Bob.
    await alice.caller.users.updateProfile({ photoVisibility: 'everyone' });
    await alice.caller.contacts.block({ userId: bob.id });
    expect(await photoSeen(bob, alice)).toEqual([undefined, undefined]);
    expect((await fetchAs(bob, mediaUrl(photo!))).status).toBe(404);
    await alice.caller.contacts.unblock({ userId: bob.id });
    expect((await fetchAs(bob, mediaUrl(photo!))).status).toBe(200);

    // Replaced: the old photo is nobody's but hers; removed: initials again.
    const next = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(200, 200, 'jpeg')) });
    expect(next.photo).not.toBe(photo);
    expect((await fetchAs(bob, mediaUrl(photo!))).status).toBe(404);
    expect((await fetchAs(alice, mediaUrl(photo!))).status).toBe(200);
    expect(await photoSeen(bob, alice)).toEqual([next.photo, next.photo]);
    expect((await alice.caller.users.removePhoto()).photo).toBeUndefined();
    expect(await photoSeen(bob, alice)).toEqual([undefined, undefined]);
    expect((await fetchAs(bob, mediaUrl(next.photo!))).status).toBe(404);

    // A deleted account shows no photo.
    const again = await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(200, 200)) });
    await deleteAccount(alice.id);
    expect(await photoSeen(bob, alice)).toEqual([undefined, undefined]);
    expect((await fetchAs(bob, mediaUrl(again.photo!))).status).toBe(404);
  });
});

test('a new photo, or who may see it, is told at once to the person’s own devices and their one-to-one partners, no one else', async () => {
  const { a: alice, b: bob } = await createPair('phl');
  const stranger = await createUser('phm');
  const [hers, his, theirs] = await Promise.all([alice, bob, stranger].map((u) => EventReader.open(u.id)));
  try {
    await alice.caller.users.setPhoto({ uploadId: await upload(alice, await halves(100, 100)) });
    const peopleUpdated = (e: { type: string }) => e.type === 'people.updated';
    await expect(hers.next(peopleUpdated)).resolves.toEqual({ type: 'people.updated' });
    await expect(his.next(peopleUpdated)).resolves.toEqual({ type: 'people.updated' });
    await alice.caller.users.updateProfile({ photoVisibility: 'contacts' });
    await expect(his.next(peopleUpdated)).resolves.toEqual({ type: 'people.updated' });
    await alice.caller.users.removePhoto();
    await expect(his.next(peopleUpdated)).resolves.toEqual({ type: 'people.updated' });
    // The stranger heard none of it (the last event, sent after everything, is the first they get).
    await stranger.caller.contacts.add({ username: alice.username });
    await theirs.next(peopleUpdated);
    expect(theirs.events.filter(peopleUpdated)).toHaveLength(1);
  } finally {
    await Promise.all([hers, his, theirs].map((r) => r.close()));
  }
});

describe('group photos', () => {
  test('set and removed by its admins, each a system message; its members see it, nobody else, and not a member who left', async () => {
    const { users: [owner, member, leaver], conversationId } = await createGroup('gph', 3);
    const stranger = await createUser('gps');

    // A member who is not an admin is refused before their upload becomes anything.
    const theirs = await upload(member, await halves(200, 200));
    await expectTRPCError(member.caller.groups.setPhoto({ conversationId, uploadId: theirs }), 'FORBIDDEN');
    const staged = await uploadStaging().getUpload(theirs);
    expect(staged.offset).toBe(staged.size);
    await expectTRPCError(stranger.caller.groups.setPhoto({ conversationId, uploadId: await upload(stranger, await halves(200, 200)) }), 'FORBIDDEN');

    const set = await owner.caller.groups.setPhoto({ conversationId, uploadId: await upload(owner, await halves(300, 200)) });
    expect(set.photo).toEqual(expect.any(String));
    await fanout.idle();
    const last = async (user: TestUser) => (await user.caller.messages.list({ conversationId })).messages.at(-1);
    expect(await last(member)).toMatchObject({ kind: 'system', event: { type: 'group.photo', actorId: owner.id }, body: expect.stringMatching(/changed the group photo$/) });
    const chatOf = async (user: TestUser) => (await user.caller.conversations.list({})).conversations.find((c) => c.id === conversationId);
    expect((await chatOf(member))?.photo).toBe(set.photo);
    expect((await fetchAs(member, thumbnailUrl(set.photo!))).status).toBe(200);
    expect((await fetchAs(stranger, thumbnailUrl(set.photo!))).status).toBe(404);

    await leaver.caller.groups.leave({ conversationId });
    expect((await chatOf(leaver))?.photo).toBeUndefined();
    expect((await fetchAs(leaver, thumbnailUrl(set.photo!))).status).toBe(404);

    const removed = await owner.caller.groups.setPhoto({ conversationId, uploadId: null });
    expect(removed.photo).toBeUndefined();
    await fanout.idle();
    expect(await last(member)).toMatchObject({ event: { type: 'group.photo', removed: true }, body: expect.stringMatching(/removed the group photo$/) });
    expect((await fetchAs(member, thumbnailUrl(set.photo!))).status).toBe(404);
    // Removing it again says nothing more.
    await owner.caller.groups.setPhoto({ conversationId, uploadId: null });
    expect((await last(member))?.seq).toBe((await last(owner))?.seq);
    expect((await member.caller.messages.list({ conversationId })).messages.filter((m) => m.event?.type === 'group.photo')).toHaveLength(2);
  });
});
