// Where media bytes live, behind one interface: a directory under DATA_DIR by default (zero setup),
// or any S3-compatible store when MEDIA_S3_BUCKET is set, so that every instance sees the same
// bytes. Keys are content hashes (hex SHA-256), so a blob once written never changes: writing a key
// again is harmless, and readers may cache forever.
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';

/** Bytes start..end inclusive, as HTTP ranges count them. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** Stores bytes (or a file's) under key (a no-op when key is there: the same key is the same content). */
  put(key: string, content: Buffer | { file: string }, contentType: string): Promise<void>;
  /** The blob's size, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** The blob's bytes (a range of them), or null when there is none. */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes the blob; no error when there is none. */
  remove(key: string): Promise<void>;
}

const KEY = /^[0-9a-f]{64}(\.thumb)?$/;
function checkKey(key: string): void {
  // Keys come from our own hashes; anything else would be a path or object name we never meant.
  if (!KEY.test(key)) throw new Error(`not a media key: ${key}`);
}

/** Files under root, fanned out by the key's first two bytes (ab/cd/abcd…). */
export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private file(key: string): string {
    checkKey(key);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(key: string, content: Buffer | { file: string }): Promise<void> {
    const file = this.file(key);
    if ((await this.size(key)) !== null) return;
    await mkdir(path.dirname(file), { recursive: true });
    // Written whole under another name, then renamed into place: a reader never sees half a blob.
    const draft = `${file}.${randomBytes(6).toString('hex')}.part`;
    if (Buffer.isBuffer(content)) await writeFile(draft, content, { mode: 0o600 });
    else await copyFile(content.file, draft);
    await rename(draft, file);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.file(key))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    if ((await this.size(key)) === null) return null;
    return createReadStream(this.file(key), range ? { start: range.start, end: range.end } : {});
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Bucket in the path (MinIO, s3rver and most self-hosted stores) rather than in the host name. */
  forcePathStyle: boolean;
  /** Keys are stored under this prefix (one bucket shared with other things). */
  prefix: string;
}

const missing = (err: unknown) =>
  err instanceof NoSuchKey || err instanceof NotFound || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404);

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 requires them: a streamed upload otherwise goes out aws-chunked with a
      // trailing checksum, which many S3-compatible stores do not understand (they store the framing).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    });
  }

  private object(key: string) {
    checkKey(key);
    return { Bucket: this.settings.bucket, Key: `${this.settings.prefix}${key}` };
  }

  async put(key: string, content: Buffer | { file: string }, contentType: string): Promise<void> {
    if ((await this.size(key)) !== null) return;
    const [body, length] = Buffer.isBuffer(content) ? [content, content.length] : [createReadStream(content.file), (await stat(content.file)).size];
    await this.client.send(new PutObjectCommand({ ...this.object(key), Body: body, ContentType: contentType, ContentLength: length }));
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand(this.object(key)));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const got = await this.client.send(new GetObjectCommand({ ...this.object(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      return got.Body as Readable;
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand(this.object(key)));
  }

  destroy(): void {
    this.client.destroy();
  }
}
