// How long a video or a sound lasts, read from its container by the server (what the uploader's page
// says is only used when the file does not say: a browser's own WebM recordings carry no length).
// MP4 and QuickTime: the movie header (mvhd) of the moov box; everything else through music-metadata.
import { open } from 'node:fs/promises';
import { parseFile } from 'music-metadata';

/** The length in milliseconds, or null when the file does not say. */
export async function durationOf(file: string, mime: string): Promise<number | null> {
  try {
    const seconds = mime === 'video/mp4' || mime === 'video/quicktime' ? await movieHeaderSeconds(file) : (await parseFile(file, { duration: false, skipCovers: true })).format.duration;
    return seconds !== undefined && seconds !== null && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null;
  } catch {
    return null;
  }
}

/** The boxes an MP4's movie header may sit in: moov, then mvhd inside it. */
async function movieHeaderSeconds(file: string): Promise<number | null> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const read = async (at: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, at);
      return buffer.subarray(0, bytesRead);
    };
    /** The first box of `type` between `from` and `to`: where its content starts and ends. */
    const find = async (type: string, from: number, to: number): Promise<{ start: number; end: number } | null> => {
      let at = from;
      while (at + 8 <= to) {
        const header = await read(at, 16);
        if (header.length < 8) return null;
        let length = header.readUInt32BE(0);
        let headerLength = 8;
        if (length === 1 && header.length >= 16) {
          length = Number(header.readBigUInt64BE(8));
          headerLength = 16;
        } else if (length === 0) {
          length = to - at;
        }
        if (length < headerLength) return null;
        if (header.toString('latin1', 4, 8) === type) return { start: at + headerLength, end: Math.min(at + length, to) };
        at += length;
      }
      return null;
    };
    const moov = await find('moov', 0, size);
    const mvhd = moov && (await find('mvhd', moov.start, moov.end));
    if (!mvhd) return null;
    const body = await read(mvhd.start, 32);
    const version = body[0];
    if (version === 1 && body.length >= 32) return Number(body.readBigUInt64BE(24)) / body.readUInt32BE(20);
    if (version === 0 && body.length >= 20) return body.readUInt32BE(16) / body.readUInt32BE(12);
    return null;
  } finally {
    await handle.close();
  }
}
