// Media: an upload (resumable, server/media/uploads.ts) becomes media once its owner completes it:
// its type sniffed from its bytes, its size held to the limit of that type and to the owner's quota,
// images cleaned and measured (process.ts), its bytes stored once per content (storage.ts). A message
// then carries it, or it becomes a profile or group photo; who may fetch it is decided by the messages
// that carry it and whose photo it is.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Upload } from '@tus/utils';
import { tooLarge, type ChatMediaPage, type MediaKind, type MediaLimits, type MediaSummary } from '../../lib/media.ts';
import { withoutControls, type CompleteUploadInput, type ListMediaInput, type PhotoCrop, type UserId } from '../../lib/schemas.ts';
import type { ReadableRange } from '../conversations/service.ts';
import { getDb, getPool } from '../db/client.ts';
import type { Media, Prisma } from '../db/generated/client.ts';
import { AppError } from '../errors.ts';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { visibleTo } from '../users/visibility.ts';
import { durationOf } from './duration.ts';
import { processImage, processPhoto, sniff, UnreadableImage, type ProcessedImage } from './process.ts';
import { DatabaseUploadStore } from './staging.ts';
import { LocalBlobStore, S3BlobStore, type BlobStore } from './storage.ts';

const MB = 1_000_000;
/** The largest upload of each kind, in bytes. */
export const MEDIA_LIMITS: Record<MediaKind, number> = {
  image: env.MEDIA_MAX_IMAGE_MB * MB,
  video: env.MEDIA_MAX_VIDEO_MB * MB,
  audio: env.MEDIA_MAX_AUDIO_MB * MB,
  voice: env.MEDIA_MAX_AUDIO_MB * MB,
  file: env.MEDIA_MAX_FILE_MB * MB,
};
/** No upload may be longer than the largest limit: what it is is known only once it is there. */
export const MAX_UPLOAD = Math.max(...Object.values(MEDIA_LIMITS));
export const QUOTA = env.MEDIA_QUOTA_MB * MB;
/** An upload left unfinished this long is forgotten. */
export const UPLOAD_EXPIRY_MS = 24 * 3600_000;

let store: BlobStore | undefined;
/** The media store of this instance: S3-compatible when configured, else files under DATA_DIR/media (storage.ts). */
export function blobStore(): BlobStore {
  store ??= env.MEDIA_S3_BUCKET
    ? new S3BlobStore({
        bucket: env.MEDIA_S3_BUCKET,
        endpoint: env.MEDIA_S3_ENDPOINT,
        region: env.MEDIA_S3_REGION,
        accessKeyId: env.MEDIA_S3_ACCESS_KEY_ID,
        secretAccessKey: env.MEDIA_S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.MEDIA_S3_FORCE_PATH_STYLE ?? env.MEDIA_S3_ENDPOINT !== undefined,
        prefix: env.MEDIA_S3_PREFIX,
      })
    : new LocalBlobStore(path.join(env.dataDir, 'media'));
  return store;
}

let staging: DatabaseUploadStore | undefined;
/** Where uploads are while they arrive (staging.ts). */
export function uploadStaging(): DatabaseUploadStore {
  staging ??= new DatabaseUploadStore(UPLOAD_EXPIRY_MS);
  return staging;
}

/** A finished upload's bytes as a file on this machine, for as long as `work` runs. */
async function withStagedFile<T>(uploadId: string, work: (file: string) => Promise<T>): Promise<T> {
  const copy = path.join(os.tmpdir(), `parley-upload-${uploadId}-${randomUUID()}`);
  try {
    await pipeline(uploadStaging().read(uploadId), createWriteStream(copy, { mode: 0o600 }));
    return await work(copy);
  } finally {
    await rm(copy, { force: true });
  }
}

/** Bytes the user's media take (each upload counted, also one stored once for several). */
export async function usedQuota(userId: UserId): Promise<number> {
  const { _sum } = await getDb().media.aggregate({ where: { ownerId: userId }, _sum: { size: true } });
  return Number(_sum.size ?? 0n);
}

/** What the caller may upload: the largest file of each kind and their quota, in bytes. */
export async function mediaLimits(userId: UserId): Promise<MediaLimits> {
  return { perKind: MEDIA_LIMITS, quota: QUOTA, used: await usedQuota(userId) };
}

/** Why an upload of `size` bytes cannot start, or null. */
export async function uploadRefusal(userId: UserId, size: number | undefined): Promise<string | null> {
  if (size === undefined) return 'Say how long the upload is (Upload-Length)';
  if (size === 0) return 'The file is empty';
  if (size > MAX_UPLOAD) return `Files can be at most ${MAX_UPLOAD / MB} MB`;
  if ((await usedQuota(userId)) + size > QUOTA) return `Your media would take more than your ${QUOTA / MB} MB`;
  return null;
}

interface MediaRow {
  id: string;
  kind: string;
  mime: string;
  name: string;
  size: bigint | string | number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  blurhash: string | null;
  thumbSha256: Uint8Array | null;
  waveform: Uint8Array | null;
}

/** The media table's columns as a MediaRow, in raw SQL (alias md). */
const MEDIA_COLUMNS = `md.id, md.kind, md.mime, md.name, md.size, md.width, md.height, md.duration_ms AS "durationMs", md.blurhash,
  md.thumb_sha256 AS "thumbSha256", md.waveform`;

/** A media row as the API shows it: the one mapping. */
export function toSummary(row: MediaRow): MediaSummary {
  const summary: MediaSummary = { id: row.id, kind: row.kind as MediaKind, mime: row.mime, name: row.name, size: Number(row.size) };
  if (row.width) summary.width = row.width;
  if (row.height) summary.height = row.height;
  if (row.durationMs) summary.durationMs = row.durationMs;
  if (row.blurhash) summary.blurhash = row.blurhash;
  if (row.thumbSha256) summary.thumbnail = true;
  if (row.waveform?.length) summary.waveform = [...row.waveform];
  return summary;
}

const NO_SUCH_UPLOAD = (field = 'uploadId') => new AppError('NOT_FOUND', 'No such upload', field);
const NOT_A_PICTURE = () => new AppError('BAD_REQUEST', 'A photo must be a picture (JPEG, PNG, WebP, GIF, HEIC or AVIF)', 'uploadId');

/** A finished upload of the caller's, still in staging; `field` names it in refusals. */
async function finishedUpload(userId: UserId, uploadId: string, field = 'uploadId'): Promise<Upload & { size: number }> {
  const upload = await uploadStaging().getUpload(uploadId).catch(() => null);
  if (!upload || upload.metadata?.owner !== userId) throw NO_SUCH_UPLOAD(field);
  if (upload.size === undefined || upload.offset < upload.size) {
    throw new AppError('CONFLICT', `The upload is not finished: ${upload.offset} of ${upload.size ?? '?'} bytes are here`, field);
  }
  return upload as Upload & { size: number };
}

/** A file's name as it may be shown: no path, no control characters, at most 255 characters. */
export function cleanName(name: string | null | undefined, mime: string): string {
  const base = withoutControls((name ?? '').split(/[\\/]/).pop()!).trim();
  if (base) return base.slice(0, 255);
  return `file.${mime.split('/')[1]?.replace(/^x-/, '') ?? 'bin'}`;
}

async function sha256Of(file: string): Promise<Buffer> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest();
}

async function firstBytes(file: string, n: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface Stored {
  sha256: Buffer;
  thumbSha256: Buffer | null;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  blurhash: string | null;
}

/** Stores a processed picture and its thumbnail. */
async function storeImage(image: ProcessedImage): Promise<Stored> {
  const sha256 = createHash('sha256').update(image.bytes).digest();
  const thumbSha256 = createHash('sha256').update(image.thumbnail).digest();
  await blobStore().put(sha256.toString('hex'), image.bytes, image.mime);
  await blobStore().put(thumbSha256.toString('hex'), image.thumbnail, 'image/webp');
  return { sha256, thumbSha256, mime: image.mime, size: image.bytes.length, width: image.width, height: image.height, blurhash: image.blurhash };
}

/** Stores a finished upload's bytes (cleaned first when an image) unless the same file was stored before. */
async function storeContent(file: string, sourceSha256: Buffer, sniffed: { kind: MediaKind; mime: string }, size: number): Promise<Stored> {
  const store = blobStore();
  const earlier = await getDb().media.findFirst({
    where: { sourceSha256: new Uint8Array(sourceSha256) },
    select: { sha256: true, thumbSha256: true, mime: true, size: true, width: true, height: true, blurhash: true },
  });
  if (earlier && (await store.size(Buffer.from(earlier.sha256).toString('hex'))) !== null) {
    return { ...earlier, sha256: Buffer.from(earlier.sha256), thumbSha256: earlier.thumbSha256 && Buffer.from(earlier.thumbSha256), size: Number(earlier.size) };
  }
  if (sniffed.kind === 'image') return storeImage(await processImage(await readFile(file), sniffed.mime));
  await store.put(sourceSha256.toString('hex'), { file }, sniffed.mime);
  return { sha256: sourceSha256, thumbSha256: null, mime: sniffed.mime, size, width: null, height: null, blurhash: null };
}

/** What a finished upload's bytes became: the media row but who and which upload it is of. */
type MadeMedia = Omit<Prisma.MediaCreateManyInput, 'id' | 'ownerId' | 'uploadId'>;

/**
 * Makes media of a finished upload of the caller's (`make` turns its bytes, a file here, into the
 * row): once, so a retry (or a second device asking) gets the same media. The upload's bytes are
 * gone afterwards.
 */
async function fromUpload(userId: UserId, uploadId: string, make: (file: string, upload: Upload & { size: number }) => Promise<MadeMedia>): Promise<Media> {
  const done = await getDb().media.findUnique({ where: { uploadId } });
  if (done) {
    if (done.ownerId !== userId) throw NO_SUCH_UPLOAD();
    return done;
  }
  const finished = await finishedUpload(userId, uploadId);
  const made = await withStagedFile(uploadId, async (file) => {
    try {
      return await make(file, finished);
    } catch (err) {
      if (err instanceof UnreadableImage) throw new AppError('BAD_REQUEST', 'This image cannot be read', 'uploadId');
      throw err;
    }
  });
  // Two completions of one upload at once: the second finds the first's row.
  const created = await getDb().media.createManyAndReturn({ data: [{ ...made, id: randomUUID(), ownerId: userId, uploadId }], skipDuplicates: true });
  const media = created[0] ?? (await getDb().media.findUnique({ where: { uploadId } }));
  if (!media || media.ownerId !== userId) throw NO_SUCH_UPLOAD();
  await uploadStaging().remove(uploadId).catch((err: unknown) => logger.warn({ err, uploadId }, 'a finished upload was not removed'));
  return media;
}

/** Its kind's limit for an upload of `size` bytes, as a typed refusal. */
function holdToLimit(kind: MediaKind, size: number): void {
  const refusal = tooLarge(kind, size, { perKind: MEDIA_LIMITS });
  if (refusal) throw new AppError('TOO_LARGE', refusal, 'uploadId');
}

/** Media a message can carry, from a finished upload of the caller's (any kind; see the header). */
export async function completeUpload(userId: UserId, input: CompleteUploadInput): Promise<MediaSummary> {
  const media = await fromUpload(userId, input.uploadId, async (file, upload) => {
    const sniffed = await sniff(await firstBytes(file, 4100), input.voice ?? false);
    holdToLimit(sniffed.kind, upload.size);
    const sourceSha256 = await sha256Of(file);
    const stored = await storeContent(file, sourceSha256, sniffed, upload.size);
    const timed = sniffed.kind === 'video' || sniffed.kind === 'audio' || sniffed.kind === 'voice';
    const poster = sniffed.kind === 'video' && input.posterUploadId ? await posterFrom(userId, input.posterUploadId) : null;
    if (poster) Object.assign(stored, { thumbSha256: poster.thumbSha256, blurhash: poster.blurhash, width: stored.width ?? poster.width, height: stored.height ?? poster.height });
    return {
      sourceSha256: new Uint8Array(sourceSha256),
      sha256: new Uint8Array(stored.sha256),
      thumbSha256: stored.thumbSha256 && new Uint8Array(stored.thumbSha256),
      kind: sniffed.kind,
      mime: stored.mime,
      name: cleanName(upload.metadata?.filename, stored.mime),
      size: BigInt(stored.size),
      // What the page measured of a video (the server does not decode video): only for laying it out.
      width: stored.width ?? (sniffed.kind === 'video' ? (input.width ?? null) : null),
      height: stored.height ?? (sniffed.kind === 'video' ? (input.height ?? null) : null),
      durationMs: timed ? ((await durationOf(file, stored.mime)) ?? input.durationMs ?? null) : null,
      blurhash: stored.blurhash,
      waveform: (sniffed.kind === 'audio' || sniffed.kind === 'voice') && input.waveform?.length ? new Uint8Array(input.waveform) : null,
    };
  });
  return toSummary(media);
}

/** The largest poster picture a video may come with. */
const POSTER_MAX = 2 * MB;

/**
 * A video's poster from a finished upload of the caller's (a picture of a frame, taken by their
 * page): stored as the video's thumbnail and placeholder, with the frame's size. The upload is
 * gone afterwards; it never becomes media of its own.
 */
async function posterFrom(userId: UserId, uploadId: string): Promise<Pick<Stored, 'thumbSha256' | 'width' | 'height' | 'blurhash'>> {
  const refused = (why: string) => new AppError('BAD_REQUEST', why, 'posterUploadId');
  const upload = await finishedUpload(userId, uploadId, 'posterUploadId');
  if (upload.size > POSTER_MAX) throw refused(`A poster can be at most ${POSTER_MAX / MB} MB`);
  const poster = await withStagedFile(uploadId, async (file) => {
    const bytes = await readFile(file);
    const sniffed = await sniff(bytes.subarray(0, 4100), false);
    if (sniffed.kind !== 'image') throw refused('A poster must be a picture');
    const image = await processImage(bytes, sniffed.mime).catch(() => {
      throw refused('This poster cannot be read');
    });
    const thumbSha256 = createHash('sha256').update(image.thumbnail).digest();
    await blobStore().put(thumbSha256.toString('hex'), image.thumbnail, 'image/webp');
    return { thumbSha256, width: image.width, height: image.height, blurhash: image.blurhash };
  });
  await uploadStaging().remove(uploadId).catch((err: unknown) => logger.warn({ err, uploadId }, 'a poster upload was not removed'));
  return poster;
}

/**
 * A profile or group photo from a finished upload of the caller's: a picture, cropped square and
 * made small (process.ts). Its source is recorded as what is stored, so sending the same picture
 * later in a chat does not reuse the crop.
 */
export async function photoFromUpload(userId: UserId, uploadId: string, crop?: PhotoCrop): Promise<MediaSummary> {
  const media = await fromUpload(userId, uploadId, async (file, upload) => {
    const sniffed = await sniff(await firstBytes(file, 4100), false);
    if (sniffed.kind !== 'image') throw NOT_A_PICTURE();
    holdToLimit('image', upload.size);
    const stored = await storeImage(await processPhoto(await readFile(file), crop));
    return {
      sourceSha256: new Uint8Array(stored.sha256),
      sha256: new Uint8Array(stored.sha256),
      thumbSha256: stored.thumbSha256 && new Uint8Array(stored.thumbSha256),
      kind: 'image',
      mime: stored.mime,
      name: 'photo.jpg',
      size: BigInt(stored.size),
      width: stored.width,
      height: stored.height,
      blurhash: stored.blurhash,
    };
  });
  // A retry naming an upload that became other media (a file sent in a chat) is not a photo.
  if (media.kind !== 'image') throw NOT_A_PICTURE();
  return toSummary(media);
}

/**
 * Who may see media: its owner; whoever may read a message that carries it (inside their
 * membership window, after what they cleared, not deleted for everyone, not hidden from them); when
 * it is someone's profile photo, whoever they let see it; when it is a group's photo, its members.
 */
const READABLE = `
  md.owner_id = $2
  OR EXISTS (SELECT 1 FROM users u WHERE u.photo_id = md.id AND ${visibleTo('$2', 'photo_visibility')})
  OR EXISTS (SELECT 1 FROM conversations c JOIN members mb ON mb.conversation_id = c.id AND mb.user_id = $2 AND mb.left_seq IS NULL WHERE c.photo_id = md.id)
  OR EXISTS (
    SELECT 1 FROM messages m
    JOIN members mb ON mb.conversation_id = m.conversation_id AND mb.user_id = $2
    WHERE m.media_id = md.id AND m.deleted_at IS NULL
      AND mb.from_seq <= m.seq AND (mb.left_seq IS NULL OR mb.left_seq >= m.seq) AND mb.cleared_seq < m.seq
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.user_id = $2 AND h.seq = m.seq))`;

export interface MediaFile extends MediaSummary {
  key: string;
  thumbnailKey: string | null;
}

/** The media userId may fetch, with where its bytes are; null when there is none they may see. */
export async function mediaFor(userId: UserId, mediaId: string): Promise<MediaFile | null> {
  const { rows } = await getPool().query<MediaRow & { sha256: Buffer }>({
    name: 'media-readable',
    text: `SELECT ${MEDIA_COLUMNS}, md.sha256 FROM media md WHERE md.id = $1 AND (${READABLE})`,
    values: [mediaId, userId],
  });
  const row = rows[0];
  if (!row) return null;
  return { ...toSummary(row), key: row.sha256.toString('hex'), thumbnailKey: row.thumbSha256 ? Buffer.from(row.thumbSha256).toString('hex') : null };
}

/**
 * The media each send may carry, by position: its sender's own uploads, or media they may see in a
 * message (forwarding it). One query for the batch, only when it holds media.
 */
export async function attachableMedia(sends: { senderId: UserId; mediaId?: string }[]): Promise<Map<number, MediaSummary>> {
  const wanted = sends.flatMap((s, i) => (s.mediaId === undefined ? [] : [{ s, i }]));
  const found = new Map<number, MediaSummary>();
  if (wanted.length === 0) return found;
  const { rows } = await getPool().query<MediaRow & { ord: number }>({
    name: 'media-attachable',
    text: `SELECT t.ord::int AS ord, ${MEDIA_COLUMNS}
      FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS t(media_id, sender, ord)
      JOIN media md ON md.id = t.media_id
      WHERE ${READABLE.replaceAll('$2', 't.sender')}`,
    values: [wanted.map((w) => w.s.mediaId), wanted.map((w) => w.s.senderId)],
  });
  for (const r of rows) found.set(wanted[r.ord - 1].i, toSummary(r));
  return found;
}

/**
 * A chat's media as the caller may see it, newest first: inside their window (after what they
 * cleared), not hidden from them, not deleted for everyone.
 */
export async function listChatMedia(userId: UserId, input: ListMediaInput, range: ReadableRange): Promise<ChatMediaPage> {
  const upTo = range.toSeq ?? null;
  const { rows } = await getPool().query<{ seq: string; sender_id: string; created_at: Date; media: MediaSummary }>({
    name: 'chat-media',
    text: `SELECT m.seq, m.sender_id, m.created_at, m.media FROM messages m
      WHERE m.conversation_id = $1 AND m.media_id IS NOT NULL AND m.seq >= $2 AND ($3::bigint IS NULL OR m.seq <= $3) AND m.seq < $4
        AND m.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.conversation_id = m.conversation_id AND h.user_id = $5 AND h.seq = m.seq)
      ORDER BY m.seq DESC LIMIT $6`,
    values: [input.conversationId, range.fromSeq, upTo, input.cursor ?? Number.MAX_SAFE_INTEGER, userId, input.limit + 1],
  });
  const more = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map((r) => ({ seq: Number(r.seq), senderId: r.sender_id, createdAt: r.created_at, media: r.media }));
  return { items, nextCursor: more ? items[items.length - 1].seq : null };
}
