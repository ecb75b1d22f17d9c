// Uploads while they arrive, for the tus server (server/media/http.ts): in PostgreSQL, so a chunk may
// reach any instance and the upload goes on (no sticky sessions, nothing shared but the database).
// An upload is a row with its owner, length and metadata; its bytes are rows of at most PART bytes,
// each at its offset, so how much is there is a sum and a chunk cut off half-way keeps what arrived.
// A finished upload is read once (media.complete) and removed; unfinished ones expire.
import { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import { getPool } from '../db/client.ts';

/** The most bytes one chunk row holds: a request's body is stored in rows of this size. */
const PART = 4 * 1024 * 1024;

interface UploadRow {
  id: string;
  size: string;
  metadata: Record<string, string | null>;
  created_at: Date;
  received: string;
}

export class DatabaseUploadStore extends DataStore {
  constructor(private readonly expiryMs: number) {
    super();
    this.extensions = ['creation', 'creation-with-upload', 'termination', 'expiration'];
  }

  async create(upload: Upload): Promise<Upload> {
    const { owner, ...metadata } = upload.metadata ?? {};
    if (!owner || upload.size === undefined) throw ERRORS.INVALID_LENGTH;
    await getPool().query({
      name: 'upload-create',
      text: 'INSERT INTO uploads (id, owner_id, size, metadata, created_at) VALUES ($1, $2, $3, $4, $5)',
      values: [upload.id, owner, upload.size, { ...metadata, owner }, upload.creation_date ?? new Date().toISOString()],
    });
    return upload;
  }

  async getUpload(id: string): Promise<Upload> {
    const { rows } = await getPool().query<UploadRow>({
      name: 'upload-get',
      text: `SELECT u.id, u.size, u.metadata, u.created_at,
          (SELECT COALESCE(sum(c.size), 0) FROM upload_chunks c WHERE c.upload_id = u.id) AS received
        FROM uploads u WHERE u.id = $1`,
      values: [id],
    });
    const row = rows[0];
    if (!row) throw ERRORS.FILE_NOT_FOUND;
    return new Upload({
      id,
      size: Number(row.size),
      offset: Number(row.received),
      metadata: row.metadata,
      creation_date: row.created_at.toISOString(),
    });
  }

  /**
   * Stores a request's bytes from offset on, PART at a time; returns the new offset. A request cut
   * off keeps what arrived. Two writers at one offset (two instances, one upload): the second fails.
   */
  async write(readable: Readable, id: string, offset: number): Promise<number> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let at = offset;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const bytes = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await getPool().query({
        name: 'upload-chunk',
        text: 'INSERT INTO upload_chunks (upload_id, "offset", size, bytes) VALUES ($1, $2, $3, $4)',
        values: [id, at, bytes.length, bytes],
      });
      at += bytes.length;
    };
    try {
      for await (const chunk of readable) {
        let data = chunk as Buffer;
        while (data.length > 0) {
          const take = Math.min(PART - pendingBytes, data.length);
          pending.push(data.subarray(0, take));
          pendingBytes += take;
          data = data.subarray(take);
          if (pendingBytes === PART) await flush();
        }
      }
    } catch (err) {
      // Cut off: what did arrive is kept, and the client goes on from there.
      await flush();
      throw err;
    }
    await flush();
    return at;
  }

  /** The upload's bytes, a chunk row at a time. */
  read(id: string): Readable {
    async function* chunks() {
      let offset = 0;
      for (;;) {
        const { rows } = await getPool().query<{ bytes: Buffer }>({
          name: 'upload-read',
          text: 'SELECT bytes FROM upload_chunks WHERE upload_id = $1 AND "offset" = $2',
          values: [id, offset],
        });
        if (!rows[0]) return;
        offset += rows[0].bytes.length;
        yield rows[0].bytes;
      }
    }
    return Readable.from(chunks());
  }

  async remove(id: string): Promise<void> {
    const { rowCount } = await getPool().query({ name: 'upload-remove', text: 'DELETE FROM uploads WHERE id = $1', values: [id] });
    if (!rowCount) throw ERRORS.FILE_NOT_FOUND;
  }

  async deleteExpired(): Promise<number> {
    const { rowCount } = await getPool().query({
      name: 'upload-expire',
      text: "DELETE FROM uploads WHERE created_at < now() - $1 * interval '1 millisecond'",
      values: [this.expiryMs],
    });
    return rowCount ?? 0;
  }

  getExpiration(): number {
    return this.expiryMs;
  }
}
