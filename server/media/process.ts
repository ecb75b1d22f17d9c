// What an uploaded file is, by its content (never by its name or what the browser said), and the
// work done on images before anyone sees them: the orientation applied, every metadata block
// (EXIF with its GPS position, XMP, comments) dropped, at most 4096 pixels a side, a thumbnail and a
// blurhash placeholder, the final width and height recorded so the layout never jumps.
import { encode as blurhashOf } from 'blurhash';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type OutputInfo } from 'sharp';
import type { MediaKind } from '../../lib/media.ts';
import type { PhotoCrop } from '../../lib/schemas.ts';

/** Types shown in the page (img, video, audio); anything else is a file, only ever downloaded. */
const INLINE: Record<string, Exclude<MediaKind, 'voice' | 'file'>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'image/avif': 'image',
  'image/heic': 'image',
  'image/heif': 'image',
  'video/mp4': 'video',
  'video/webm': 'video',
  'video/quicktime': 'video',
  'audio/ogg': 'audio',
  'audio/opus': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/x-m4a': 'audio',
  'audio/aac': 'audio',
  'audio/wav': 'audio',
  'audio/x-wav': 'audio',
  'audio/webm': 'audio',
  'audio/flac': 'audio',
  'audio/x-flac': 'audio',
};

/** Served as what they are; everything else is application/octet-stream. */
export const SERVED_AS_IS = new Set(Object.keys(INLINE).filter((t) => t !== 'image/heic' && t !== 'image/heif'));

export interface Sniffed {
  kind: MediaKind;
  mime: string;
}

/**
 * What bytes are. `voice` is the uploader's word that a recording is a voice note: only believed
 * for audio (and for WebM, whose container says nothing about whether it holds a picture).
 */
export async function sniff(bytes: Buffer, voice: boolean): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(bytes);
  const mime = found?.mime ?? 'application/octet-stream';
  const kind = INLINE[mime] ?? 'file';
  if (voice && (kind === 'audio' || mime === 'video/webm')) return { kind: 'voice', mime: mime === 'video/webm' ? 'audio/webm' : mime };
  return { kind, mime };
}

export interface ProcessedImage {
  bytes: Buffer;
  mime: string;
  width: number;
  height: number;
  thumbnail: Buffer;
  blurhash: string;
}

const MAX_SIDE = 4096;
/** Twice the width a bubble shows a photo at (280 CSS pixels), less a little: sharp on most screens. */
const THUMB_SIDE = 480;
/** A decompression bomb (a small file that decodes to gigapixels) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 64_000_000;

export class UnreadableImage extends Error {}

/** Re-encodes an image as it will be stored (see the header); GIFs keep their frames and bytes. */
export async function processImage(bytes: Buffer, mime: string): Promise<ProcessedImage> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  const open = () => sharp(bytes, { animated, limitInputPixels: MAX_INPUT_PIXELS });
  let stored: { data: Buffer; info: OutputInfo };
  let storedMime = mime;
  try {
    if (mime === 'image/gif') {
      // A GIF holds no EXIF; re-encoding its frames would cost much for nothing.
      const meta = await open().metadata();
      stored = { data: bytes, info: { width: meta.width, height: meta.pageHeight ?? meta.height } as OutputInfo };
    } else {
      let image = open().autoOrient().resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true });
      if (mime === 'image/png') image = image.png();
      else if (mime === 'image/webp') image = image.webp({ quality: 85 });
      else {
        // JPEG stays JPEG; HEIC and AVIF become JPEG, which every browser shows.
        // Not mozjpeg's settings: 20 % smaller files for 14 times the time (3 s of a core per 12 MP
        // photo, bench/uploads.ts).
        image = image.jpeg({ quality: 85, optimiseCoding: true });
        storedMime = 'image/jpeg';
      }
      stored = await image.toBuffer({ resolveWithObject: true });
      if (animated && stored.info.pageHeight) stored.info.height = stored.info.pageHeight;
    }
    return { bytes: stored.data, mime: storedMime, width: stored.info.width, height: stored.info.height, ...(await previews(stored.data, THUMB_SIDE)) };
  } catch (err) {
    throw new UnreadableImage(err instanceof Error ? err.message : String(err));
  }
}

/** A stored picture's thumbnail (at most `side` pixels a side, WebP) and blurhash placeholder. */
async function previews(stored: Buffer, side: number): Promise<{ thumbnail: Buffer; blurhash: string }> {
  const first = () => sharp(stored, { limitInputPixels: MAX_INPUT_PIXELS });
  const thumbnail = await first().resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
  const tiny = await first().resize({ width: 32, height: 32, fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { thumbnail, blurhash: blurhashOf(new Uint8ClampedArray(tiny.data), tiny.info.width, tiny.info.height, 4, 3) };
}

/** A profile or group photo's side; its thumbnail's (an avatar is at most 96 CSS pixels: twice that). */
const PHOTO_SIDE = 640;
const PHOTO_THUMB_SIDE = 192;

/**
 * A profile or group photo: the square `crop` of the upright picture (the middle one when none is
 * given), PHOTO_SIDE pixels a side (smaller pictures are not enlarged), a JPEG on white without any
 * metadata; the first frame of an animation.
 */
export async function processPhoto(bytes: Buffer, crop?: PhotoCrop): Promise<ProcessedImage> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const width = meta.autoOrient.width;
    const height = meta.pageHeight && meta.pages && meta.pages > 1 ? meta.pageHeight : meta.autoOrient.height;
    const shorter = Math.min(width, height);
    const side = Math.max(1, Math.round(shorter * (crop?.size ?? 1)));
    const left = crop ? Math.round(crop.x * width) : Math.round((width - side) / 2);
    const top = crop ? Math.round(crop.y * height) : Math.round((height - side) / 2);
    // A square a rounding past the edge is moved back inside it.
    const region = { left: Math.max(0, Math.min(left, width - side)), top: Math.max(0, Math.min(top, height - side)), width: side, height: side };
    const output = PHOTO_SIDE < side ? PHOTO_SIDE : side;
    const stored = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .autoOrient()
      .extract(region)
      .resize(output, output)
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, optimiseCoding: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: stored.data, mime: 'image/jpeg', width: stored.info.width, height: stored.info.height, ...(await previews(stored.data, PHOTO_THUMB_SIDE)) };
  } catch (err) {
    throw new UnreadableImage(err instanceof Error ? err.message : String(err));
  }
}
