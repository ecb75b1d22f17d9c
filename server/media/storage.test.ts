// One conformance suite for every media store: files under a directory, and S3 (against s3rver, an
// S3-compatible server started here, not a mock).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalBlobStore, S3BlobStore, type BlobStore } from './storage.ts';

async function bytesOf(stream: Readable | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const keyOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let s3: S3rver;
let s3Store: S3BlobStore;
const stores: Record<string, () => BlobStore> = {
  local: () => new LocalBlobStore(path.join(dir, 'local')),
  s3: () => s3Store,
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-media-'));
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(dir, 's3'), configureBuckets: [{ name: 'parley-media' }] });
  const { port } = await s3.run();
  s3Store = new S3BlobStore({
    bucket: 'parley-media',
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: 'media/',
  });
});
afterAll(async () => {
  s3Store.destroy();
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(Object.keys(stores))('%s media store', (name) => {
  const store = () => stores[name]();

  test('stores bytes under their key and gives them back whole or by range', async () => {
    const bytes = randomBytes(100_000);
    const key = keyOf(bytes);
    expect(await store().size(key)).toBeNull();
    await store().put(key, bytes, 'application/octet-stream');
    expect(await store().size(key)).toBe(bytes.length);
    expect((await bytesOf(await store().read(key)))?.equals(bytes)).toBe(true);
    expect((await bytesOf(await store().read(key, { start: 10, end: 19 })))?.equals(bytes.subarray(10, 20))).toBe(true);
    expect((await bytesOf(await store().read(key, { start: 99_990, end: 99_999 })))?.equals(bytes.subarray(99_990))).toBe(true);
  });

  test("stores a file's bytes", async () => {
    const bytes = randomBytes(5_000);
    const file = path.join(dir, `${name}-upload`);
    await writeFile(file, bytes);
    await store().put(keyOf(bytes), { file }, 'image/png');
    expect((await bytesOf(await store().read(keyOf(bytes))))?.equals(bytes)).toBe(true);
  });

  test('writing a key again keeps it as it is: a key is its content', async () => {
    const bytes = randomBytes(1_000);
    const key = keyOf(bytes);
    await store().put(key, bytes, 'text/plain');
    await store().put(key, randomBytes(10), 'text/plain');
    expect((await bytesOf(await store().read(key)))?.equals(bytes)).toBe(true);
  });

  test('a missing key reads as nothing; removing it twice is no error', async () => {
    const key = keyOf(randomBytes(8));
    expect(await store().read(key)).toBeNull();
    const bytes = randomBytes(64);
    await store().put(keyOf(bytes), bytes, 'text/plain');
    await store().remove(keyOf(bytes));
    await store().remove(keyOf(bytes));
    expect(await store().size(keyOf(bytes))).toBeNull();
  });

  test('refuses anything but a content key (no path, no other object)', async () => {
    await expect(store().put('../../etc/passwd', Buffer.from('x'), 'text/plain')).rejects.toThrow(/not a media key/);
    await expect(store().size(`${'a'.repeat(63)}/`)).rejects.toThrow(/not a media key/);
  });
});
