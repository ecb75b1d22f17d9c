// Media end to end over HTTP: resumable uploads that are their owner's alone, types told by content,
// images cleaned (EXIF with GPS gone, orientation applied) and measured, the same file stored once,
// the limits, and who may fetch what a message carries (members in their window, nobody else).
import { randomBytes, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { mediaUrl, thumbnailUrl, type MediaSummary } from '../../lib/media.ts';
import { getDb } from '../db/client.ts';
import { requestsAs, serverForTests } from '../test/http-server.ts';
import { createGroup, createPair, createUser, expectTRPCError, type TestUser } from '../test/helpers.ts';
import { uploadStaging } from './service.ts';

const { base, tokenOf, tus, fetchAs } = requestsAs(serverForTests());

/** Uploads and completes bytes as user: the media. */
async function uploadMedia(user: TestUser, bytes: Buffer, filename: string): Promise<MediaSummary> {
  const uploadId = await (await tus(user)).upload(bytes, filename);
  return user.caller.media.complete({ uploadId });
}

const png = (width: number, height: number, background = '#2a7') => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

/** A WAV file of `seconds` of silence (16-bit mono, 8 kHz). */
function wav(seconds: number): Buffer {
  const samples = Math.round(8000 * seconds);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

/** An MP4 holding only what says how long it lasts (ftyp, moov with mvhd in ms, an empty mdat); `salt` makes it another file. */
function mp4(durationMs: number, salt = 0): Buffer {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + body.length);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, body]);
  };
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale: ms
  mvhd.writeUInt32BE(durationMs, 16);
  return Buffer.concat([box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1')), box('moov', box('mvhd', mvhd)), box('mdat', Buffer.alloc(64, salt))]);
}

async function sendMedia(user: TestUser, conversationId: string, media: MediaSummary, body = '') {
  return user.caller.messages.send({ conversationId, clientId: randomUUID(), body, mediaId: media.id });
}

describe('uploading', () => {
  test('a photo goes from upload to a message: both people of the chat fetch it and its thumbnail, nobody else', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('mdp');
    const stranger = await createUser('mds');
    const media = await uploadMedia(alice, await png(600, 400), 'holiday.png');
    expect(media).toMatchObject({ kind: 'image', mime: 'image/png', name: 'holiday.png', width: 600, height: 400, thumbnail: true });
    expect(media.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);

    // Before it is sent, only its owner sees it.
    expect((await fetchAs(bob, mediaUrl(media.id))).status).toBe(404);
    const sent = await sendMedia(alice, conversationId, media, 'Look!');
    expect(sent).toMatchObject({ body: 'Look!', media: { id: media.id, kind: 'image' } });

    const history = await bob.caller.messages.list({ conversationId });
    expect(history.messages.at(-1)).toMatchObject({ seq: sent.seq, media: { id: media.id, width: 600 } });
    const inbox = await bob.caller.conversations.list({});
    expect(inbox.conversations.find((c) => c.id === conversationId)?.lastMessage).toMatchObject({ media: { kind: 'image' } });

    const full = await fetchAs(bob, mediaUrl(media.id));
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('content-disposition')).toBe(`inline; filename="holiday.png"; filename*=UTF-8''holiday.png`);
    expect(full.headers.get('x-content-type-options')).toBe('nosniff');
    expect(full.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect((await sharp(Buffer.from(await full.arrayBuffer())).metadata()).width).toBe(600);
    const thumb = await fetchAs(bob, thumbnailUrl(media.id));
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbMeta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([thumbMeta.width, thumbMeta.height]).toEqual([480, 320]);

    expect((await fetchAs(stranger, mediaUrl(media.id))).status).toBe(404);
    expect((await fetchAs(stranger, thumbnailUrl(media.id))).status).toBe(404);
    expect((await fetchAs(null, mediaUrl(media.id))).status).toBe(401);
    // The stranger cannot attach it either.
    const theirs = await createPair('mdq');
    await expectTRPCError(sendMedia(theirs.a, theirs.conversationId, { ...media }), 'BAD_REQUEST');
  });

  test('EXIF goes (the GPS position with it) and the orientation it gave is applied', async () => {
    const { a: alice } = await createPair('mdx');
    const photo = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#c00' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Make: 'SpyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
      .toBuffer();
    expect(photo.includes(Buffer.from('SpyCam'))).toBe(true);
    const media = await uploadMedia(alice, photo, 'IMG_0001.jpg');
    // Turned a quarter: 20 wide, 40 high.
    expect(media).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 20, height: 40 });
    const stored = Buffer.from(await (await fetchAs(alice, mediaUrl(media.id))).arrayBuffer());
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([20, 40, undefined, undefined]);
    expect(stored.includes(Buffer.from('SpyCam'))).toBe(false);
  });

  test('what a file is comes from its bytes: a page named photo.jpg is a file served as a download, a PNG named notes.txt a photo', async () => {
    const { a: alice } = await createPair('mdt');
    const page = await uploadMedia(alice, Buffer.from('<html><script>alert(document.cookie)</script></html>'), 'photo.jpg');
    expect(page).toMatchObject({ kind: 'file', mime: 'application/octet-stream', name: 'photo.jpg' });
    expect(page.thumbnail).toBeUndefined();
    const served = await fetchAs(alice, mediaUrl(page.id));
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="photo.jpg"/);
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const image = await uploadMedia(alice, await png(10, 10), 'notes.txt');
    expect(image).toMatchObject({ kind: 'image', mime: 'image/png' });
    // ?download makes any of them a download.
    expect((await fetchAs(alice, `${mediaUrl(image.id)}?download=1`)).headers.get('content-disposition')).toMatch(/^attachment;/);
    // A name is only a name: no path, no control characters.
    const named = await uploadMedia(alice, randomBytes(100), '../../etc/\u202Egnp.exe');
    expect(named.name).toBe('gnp.exe');
  });

  test('a recording made in the app is a voice note, with the length and waveform the page measured; "voice" makes nothing else one', async () => {
    const { a: alice } = await createPair('mdv');
    const voice = await alice.caller.media.complete({ uploadId: await (await tus(alice)).upload(wav(1.2), 'voice.wav'), voice: true, durationMs: 1200, waveform: [0, 40, 255, 90] });
    expect(voice).toMatchObject({ kind: 'voice', mime: 'audio/wav', durationMs: 1200, waveform: [0, 40, 255, 90] });
    const photo = await alice.caller.media.complete({ uploadId: await (await tus(alice)).upload(await png(4, 4), 'x.png'), voice: true, durationMs: 5, waveform: [1] });
    expect(photo.kind).toBe('image');
    expect(photo.durationMs).toBeUndefined();
    expect(photo.waveform).toBeUndefined();
    await expectTRPCError(alice.caller.media.complete({ uploadId: await (await tus(alice)).upload(wav(0.1), 'v.wav'), waveform: [256] }), 'BAD_REQUEST');
  });

  test('a length is the file’s own where it says one (the page’s word otherwise); a video comes with the poster its page took', async () => {
    const { a: alice, b: bob } = await createPair('mdl');
    // A sound of 2 s that the page said lasted 9 s: 2 s.
    const sound = await alice.caller.media.complete({ uploadId: await (await tus(alice)).upload(wav(2), 'song.wav'), durationMs: 9000 });
    expect(sound).toMatchObject({ kind: 'audio', durationMs: 2000 });
    // An MP4 whose movie header says 12.345 s, the page 99 s; with a poster of one of its frames.
    const poster = await (await tus(alice)).upload(await png(320, 180, '#335'), 'poster.png');
    const video = await alice.caller.media.complete({ uploadId: await (await tus(alice)).upload(mp4(12_345), 'clip.mp4'), durationMs: 99_000, posterUploadId: poster });
    expect(video).toMatchObject({ kind: 'video', mime: 'video/mp4', durationMs: 12_345, width: 320, height: 180, thumbnail: true, blurhash: expect.any(String) });
    const thumbnail = await fetchAs(alice, thumbnailUrl(video.id));
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).toMatchObject({ width: 320, height: 180 });
    // The poster's upload is used up; without a poster, no thumbnail, and the page's size is kept.
    await expect(uploadStaging().getUpload(poster)).rejects.toThrow();
    const plain = await alice.caller.media.complete({ uploadId: await (await tus(alice)).upload(mp4(3_000, 1), 'plain.mp4'), width: 640, height: 360 });
    expect(plain).toMatchObject({ durationMs: 3_000, width: 640, height: 360 });
    expect(plain.thumbnail).toBeUndefined();

    // A poster that is not a picture, or not the caller's, is refused, and the video stays an upload.
    const clip = await (await tus(alice)).upload(mp4(1_000, 2), 'again.mp4');
    const notPicture = await (await tus(alice)).upload(wav(0.1), 'poster.wav');
    await expectTRPCError(alice.caller.media.complete({ uploadId: clip, posterUploadId: notPicture }), 'BAD_REQUEST');
    const bobsPoster = await (await tus(bob)).upload(await png(8, 8), 'p.png');
    await expectTRPCError(alice.caller.media.complete({ uploadId: clip, posterUploadId: bobsPoster }), 'NOT_FOUND');
    expect((await uploadStaging().getUpload(clip)).id).toBe(clip);
  });

  test('an image that cannot be read is refused, and nothing is made of it', async () => {
    const { a: alice } = await createPair('mdc');
    // A JPEG's first bytes (which is what it is by its content), then nothing a decoder can use.
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const uploadId = await (await tus(alice)).upload(broken, 'broken.jpg');
    const error = await expectTRPCError(alice.caller.media.complete({ uploadId }), 'BAD_REQUEST');
    expect(error.message).toBe('This image cannot be read');
    expect(await getDb().media.count({ where: { uploadId } })).toBe(0);
  });

  test('the same file sent twice, by two people, is stored once', async () => {
    const { a: alice, b: bob } = await createPair('mdd');
    const bytes = await png(300, 300, '#123456');
    const first = await uploadMedia(alice, bytes, 'a.png');
    const second = await uploadMedia(bob, bytes, 'b.png');
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ name: 'b.png', width: 300, blurhash: first.blurhash });
    const rows = await getDb().media.findMany({ where: { id: { in: [first.id, second.id] } }, select: { sha256: true, thumbSha256: true, ownerId: true } });
    expect(Buffer.from(rows[0].sha256).equals(Buffer.from(rows[1].sha256))).toBe(true);
    expect(Buffer.from(rows[0].thumbSha256!).equals(Buffer.from(rows[1].thumbSha256!))).toBe(true);
    expect(new Set(rows.map((r) => r.ownerId))).toEqual(new Set([alice.id, bob.id]));
  });

  test('an upload cut off half-way goes on where it stopped; completing it before the end says how far it is', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('mdr');
    const bytes = randomBytes(300_000);
    const client = await tus(alice);
    const { id } = await client.create(bytes.length, 'report.pdf');
    expect((await client.patch(id!, 0, bytes.subarray(0, 120_000))).status).toBe(204);
    // ... the connection drops; later, from wherever it is:
    expect(await client.offset(id!)).toBe(120_000);
    const early = await expectTRPCError(alice.caller.media.complete({ uploadId: id! }), 'CONFLICT');
    expect(early.message).toBe('The upload is not finished: 120000 of 300000 bytes are here');
    // A chunk at the wrong offset is refused and changes nothing.
    expect((await client.patch(id!, 100_000, bytes.subarray(100_000))).status).toBe(409);
    expect((await client.patch(id!, 120_000, bytes.subarray(120_000))).status).toBe(204);
    const media = await alice.caller.media.complete({ uploadId: id! });
    // Asked again (the answer was lost): the same media.
    expect(await alice.caller.media.complete({ uploadId: id! })).toEqual(media);
    await sendMedia(alice, conversationId, media);
    const got = Buffer.from(await (await fetchAs(bob, mediaUrl(media.id))).arrayBuffer());
    expect(got.equals(bytes)).toBe(true);
    // By range, as a player seeks.
    const part = await fetchAs(bob, mediaUrl(media.id), { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/300000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    expect((await fetchAs(bob, mediaUrl(media.id), { range: 'bytes=400000-' })).status).toBe(416);
  });

  test("an upload is its owner's alone: nobody else sees, continues or completes it", async () => {
    const { a: alice, b: bob } = await createPair('mdo');
    const bytes = randomBytes(1000);
    const { id } = await (await tus(alice)).create(bytes.length);
    const theirs = await tus(bob);
    expect(await theirs.offset(id!)).toBeNull();
    expect((await theirs.patch(id!, 0, bytes)).status).toBe(404);
    expect(await (await tus(alice)).offset(id!)).toBe(0);
    await (await tus(alice)).patch(id!, 0, bytes);
    await expectTRPCError(bob.caller.media.complete({ uploadId: id! }), 'NOT_FOUND');
    // Nor can anyone say whose it is in its metadata.
    const forged = await fetch(`${base()}/api/uploads`, {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        authorization: `Bearer ${await tokenOf(bob)}`,
        'upload-length': '10',
        'upload-metadata': `owner ${Buffer.from(alice.id).toString('base64')}`,
      },
    });
    const forgedId = forged.headers.get('location')!.split('/').pop()!;
    await (await tus(bob)).patch(forgedId, 0, randomBytes(10));
    await expectTRPCError(alice.caller.media.complete({ uploadId: forgedId }), 'NOT_FOUND');
    expect((await fetch(`${base()}/api/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } })).status).toBe(401);
  });
});

test('an upload left unfinished for a day is forgotten, bytes and all', async () => {
  const alice = await createUser('mdz');
  const client = await tus(alice);
  const { id: stale } = await client.create(1000);
  await client.patch(stale!, 0, randomBytes(400));
  const { id: fresh } = await client.create(1000);
  await getDb().$executeRaw`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = ${stale}`;
  expect(await uploadStaging().deleteExpired()).toBeGreaterThanOrEqual(1);
  expect(await client.offset(stale!)).toBeNull();
  expect(await getDb().uploadChunk.count({ where: { uploadId: stale! } })).toBe(0);
  expect(await client.offset(fresh!)).toBe(0);
});

describe('limits', () => {
  // The tests' limits (server/test/worker-setup.ts): photos 1 MB, files 2 MB, 3 MB per account.
  test('an upload longer than any file may be is refused before a byte of it arrives', async () => {
    const alice = await createUser('mlb');
    const { id, response } = await (await tus(alice)).create(2_500_000);
    expect(id).toBeNull();
    expect(response.status).toBe(413);
  });

  test('each kind has its limit: a photo over 1 MB is refused, a file of that size is not', async () => {
    const alice = await createUser('mlk');
    const noise = await sharp(randomBytes(700 * 700 * 3), { raw: { width: 700, height: 700, channels: 3 } }).png().toBuffer();
    expect(noise.length).toBeGreaterThan(1_000_000);
    const uploadId = await (await tus(alice)).upload(noise, 'noise.png');
    const error = await expectTRPCError(alice.caller.media.complete({ uploadId }), 'PAYLOAD_TOO_LARGE');
    expect(error.message).toBe('Photos can be at most 1 MB');
    await expect(uploadMedia(alice, randomBytes(1_500_000), 'big.bin')).resolves.toMatchObject({ kind: 'file', size: 1_500_000 });
  });

  test("what one account stores is held to its quota; media.limits says where it stands", async () => {
    const alice = await createUser('mlq');
    await uploadMedia(alice, randomBytes(1_600_000), 'one.bin');
    expect(await alice.caller.media.limits()).toMatchObject({ quota: 3_000_000, used: 1_600_000, perKind: { image: 1_000_000, file: 2_000_000 } });
    const { id, response } = await (await tus(alice)).create(1_600_000);
    expect(id).toBeNull();
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Your media would take more than your 3 MB');
  });
});

describe('who may fetch media', () => {
  test('members inside their window: not one added later to earlier media, a former member up to their departure, nobody once deleted for everyone', async () => {
    const { users: [owner, member, leaver], conversationId } = await createGroup('mwg', 3);
    const before = await uploadMedia(owner, await png(20, 20, '#111'), 'before.png');
    const beforeMessage = await sendMedia(owner, conversationId, before);
    await leaver.caller.groups.leave({ conversationId });
    const after = await uploadMedia(owner, await png(20, 20, '#222'), 'after.png');
    const afterMessage = await sendMedia(owner, conversationId, after);
    const late = await createUser('mwl');
    await owner.caller.groups.addMembers({ conversationId, usernames: [late.username] });

    const status = async (user: TestUser, media: MediaSummary) => (await fetchAs(user, mediaUrl(media.id))).status;
    expect([await status(member, before), await status(member, after)]).toEqual([200, 200]);
    expect([await status(leaver, before), await status(leaver, after)]).toEqual([200, 404]);
    expect([await status(late, before), await status(late, after)]).toEqual([404, 404]);

    // Forwarded by someone who may see it: it travels with the message.
    const elsewhere = await member.caller.conversations.openDirect({ username: late.username });
    await member.caller.messages.send({ conversationId: elsewhere.id, clientId: randomUUID(), body: '', mediaId: after.id, forwarded: true });
    expect(await status(late, after)).toBe(200);
    // The leaver cannot forward what they never saw.
    const theirs = await leaver.caller.conversations.openDirect({ username: member.username });
    await expectTRPCError(leaver.caller.messages.send({ conversationId: theirs.id, clientId: randomUUID(), body: '', mediaId: after.id }), 'BAD_REQUEST');

    // Deleted for everyone: gone from the message and from the group's members (its owner keeps their upload).
    await owner.caller.messages.delete({ conversationId, seq: afterMessage.seq, clientId: randomUUID() });
    const shown = (await member.caller.messages.list({ conversationId })).messages.find((m) => m.seq === afterMessage.seq);
    expect(shown).toMatchObject({ deleted: true });
    expect(shown?.media).toBeUndefined();
    expect(await getDb().message.count({ where: { mediaId: after.id, deletedAt: null } })).toBe(1); // the forwarded copy
    expect(await status(late, after)).toBe(200);
    await owner.caller.messages.delete({ conversationId, seq: beforeMessage.seq, clientId: randomUUID() });
    expect([await status(member, before), await status(leaver, before), await status(owner, before)]).toEqual([404, 404, 200]);
  });

  test('a place shared: its coordinates in the message, the history and the chat list; gone once deleted for everyone; never with media', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('mwp');
    const place = { latitude: 51.5074, longitude: -0.1278, accuracy: 12, label: 'Trafalgar Square' };
    const sent = await alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'here!', location: place });
    expect(sent).toMatchObject({ body: 'here!', location: place });
    expect(sent.media).toBeUndefined();
    expect((await bob.caller.messages.list({ conversationId })).messages.at(-1)).toMatchObject({ location: place });
    expect((await bob.caller.conversations.list({})).conversations.find((c) => c.id === conversationId)?.lastMessage).toMatchObject({ location: place });
    await alice.caller.messages.delete({ conversationId, seq: sent.seq, clientId: randomUUID() });
    expect((await bob.caller.messages.list({ conversationId })).messages.at(-1)?.location).toBeUndefined();

    const media = await uploadMedia(alice, await png(8, 8), 'dot.png');
    await expectTRPCError(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: '', mediaId: media.id, location: place }), 'BAD_REQUEST');
    await expectTRPCError(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: '', location: { latitude: 91, longitude: 0 } }), 'BAD_REQUEST');
  });

  test("a chat's gallery: its media newest first, a page at a time, as far as each member may read; no places, nothing deleted or hidden", async () => {
    const { users: [owner, member, leaver], conversationId } = await createGroup('mwk', 3);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await sendMedia(owner, conversationId, await uploadMedia(owner, await png(4 + i, 4), `p${i}.png`)));
    await owner.caller.messages.send({ conversationId, clientId: randomUUID(), body: '', location: { latitude: 1, longitude: 2 } });
    await leaver.caller.groups.leave({ conversationId });
    const late = await sendMedia(owner, conversationId, await uploadMedia(owner, await png(20, 4), 'late.png'));
    await owner.caller.messages.delete({ conversationId, seq: sent[1].seq, clientId: randomUUID() });
    await member.caller.messages.hide({ conversationId, seqs: [sent[2].seq] });

    const seqs = (page: { items: { seq: number }[] }) => page.items.map((i) => i.seq);
    const first = await member.caller.media.list({ conversationId, limit: 2 });
    expect(seqs(first)).toEqual([late.seq, sent[4].seq]);
    expect(first.items[0]).toMatchObject({ senderId: owner.id, media: { name: 'late.png', kind: 'image' } });
    const second = await member.caller.media.list({ conversationId, limit: 2, cursor: first.nextCursor! });
    expect(seqs(second)).toEqual([sent[3].seq, sent[0].seq]);
    expect(second.nextCursor).toBeNull();
    expect(seqs(await leaver.caller.media.list({ conversationId }))).toEqual([sent[4].seq, sent[3].seq, sent[2].seq, sent[0].seq]);
    await expectTRPCError((await createUser('mwx')).caller.media.list({ conversationId }), 'FORBIDDEN');
  });

  test('a message with nothing in it is refused; with media, its caption may be empty', async () => {
    const { a: alice, conversationId } = await createPair('mwe');
    await expectTRPCError(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: ' ' }), 'BAD_REQUEST');
    // A text message carries nothing: SQL NULL in the media column, not a JSON null.
    const text = await alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: 'just words' });
    const [stored] = await getDb().$queryRaw<{ none: boolean }[]>`SELECT media IS NULL AS none FROM messages WHERE conversation_id = ${conversationId}::uuid AND seq = ${text.seq}`;
    expect(stored.none).toBe(true);
    const media = await uploadMedia(alice, await png(8, 8), 'dot.png');
    await expect(sendMedia(alice, conversationId, media)).resolves.toMatchObject({ body: '', media: { id: media.id } });
    await expectTRPCError(alice.caller.messages.send({ conversationId, clientId: randomUUID(), body: '', mediaId: randomUUID() }), 'BAD_REQUEST');
  });
});
