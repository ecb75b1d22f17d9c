// The tus protocol's requests as a test makes them by hand (creation, a chunk, where it stands), so a
// test can stop an upload half-way and go on later.
import { UPLOADS_PATH } from '../../lib/media.ts';

const TUS = { 'tus-resumable': '1.0.0' };

export class TusClient {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return { ...TUS, authorization: `Bearer ${this.token}`, ...extra };
  }

  /** POST: a new upload of `length` bytes; its id (null and the response when refused). */
  async create(length: number, filename = 'file.bin'): Promise<{ id: string | null; response: Response }> {
    const response = await fetch(`${this.base}${UPLOADS_PATH}`, {
      method: 'POST',
      headers: this.headers({ 'upload-length': String(length), 'upload-metadata': `filename ${Buffer.from(filename).toString('base64')}` }),
    });
    const location = response.headers.get('location');
    return { id: response.status === 201 && location ? location.split('/').pop()! : null, response };
  }

  /** PATCH: bytes at offset. */
  patch(id: string, offset: number, bytes: Buffer): Promise<Response> {
    return fetch(`${this.base}${UPLOADS_PATH}/${id}`, {
      method: 'PATCH',
      headers: this.headers({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
      body: new Uint8Array(bytes),
    });
  }

  /** HEAD: how much of the upload is there (null: no such upload for this caller). */
  async offset(id: string): Promise<number | null> {
    const response = await fetch(`${this.base}${UPLOADS_PATH}/${id}`, { method: 'HEAD', headers: this.headers() });
    return response.status === 200 ? Number(response.headers.get('upload-offset')) : null;
  }

  /** A whole upload in one request; its id. */
  async upload(bytes: Buffer, filename?: string): Promise<string> {
    const { id, response } = await this.create(bytes.length, filename);
    if (!id) throw new Error(`upload refused: ${response.status} ${await response.text()}`);
    const patched = await this.patch(id, 0, bytes);
    if (patched.status !== 204) throw new Error(`chunk refused: ${patched.status} ${await patched.text()}`);
    return id;
  }
}
