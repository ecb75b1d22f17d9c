'use client';
// A file's way to the server: a resumable upload (tus; its address is kept, so a reload or an outage
// goes on where it stopped), loaded only when a file is first sent. And what the page can measure of
// a video or a recording (the server does not decode them) so its bubble has its size at once.
import type { MediaKind } from '@/lib/media.ts';
import { UPLOADS_PATH } from '@/lib/media.ts';

/** A refusal the same upload would get again (too big, over the quota): not retried. */
export class UploadRefused extends Error {}

/** 4 MB a request: a proxy's body limit is rarely lower, and a cut loses at most that. */
const CHUNK = 4 * 1024 * 1024;

export interface UploadOptions {
  /** Where an earlier attempt got to (resumed from there, or started anew when it is gone). */
  uploadUrl?: string;
  onUploadUrl: (url: string) => void;
  onProgress: (fraction: number) => void;
  signal: AbortSignal;
}

/** Uploads the file; resolves with the upload's id once the server has every byte. */
export async function uploadFile(file: File, options: UploadOptions): Promise<string> {
  const { Upload } = await import('tus-js-client');
  return new Promise<string>((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: `${location.origin}${UPLOADS_PATH}`,
      uploadUrl: options.uploadUrl,
      chunkSize: CHUNK,
      // A few quick retries inside one attempt; the outbox tries again later after that.
      retryDelays: [0, 1000, 3000],
      metadata: { filename: file.name, filetype: file.type },
      storeFingerprintForResuming: false,
      onUploadUrlAvailable: () => {
        if (upload.url) options.onUploadUrl(upload.url);
      },
      onProgress: (sent, total) => options.onProgress(total ? sent / total : 0),
      onSuccess: () => resolve(upload.url!.split('/').pop()!),
      onError: (err) => {
        const response = (err as { originalResponse?: { getStatus(): number; getBody(): string } | null }).originalResponse;
        const status = response?.getStatus() ?? 0;
        // 4xx but a conflict, a lock or a rate limit: the server will say the same again.
        if (status >= 400 && status < 500 && ![409, 423, 429].includes(status)) reject(new UploadRefused(response?.getBody() || 'The server refused this file'));
        else reject(err);
      },
    });
    options.signal.addEventListener('abort', () => {
      // Stopped here and forgotten by the server; tus-js-client says nothing more, so this settles it.
      void upload.abort(true).catch(() => {});
      reject(new DOMException('The upload was cancelled', 'AbortError'));
    }, { once: true });
    upload.start();
  });
}

/** What a file is, going by what the browser says (the server decides by its bytes). */
export function kindOf(file: Pick<File, 'type'>, voice = false): MediaKind {
  if (voice) return 'voice';
  const [type] = file.type.split('/');
  return type === 'image' ? 'image' : type === 'video' ? 'video' : type === 'audio' ? 'audio' : 'file';
}

export interface Measured {
  width?: number;
  height?: number;
  durationMs?: number;
  /** A video's poster: one of its first frames, as a JPEG. */
  poster?: Blob;
}

/** A poster is at most this wide or high. */
const POSTER_SIDE = 640;
/** How long the page may take to measure a file before it is sent without. */
const MEASURE_MS = 5000;

/** A picture's or video's size, a recording's length, a video's poster, read by the browser (nothing for other files, or when it cannot tell). */
export async function measure(file: File, kind: MediaKind): Promise<Measured> {
  if (kind === 'image') {
    // Turned as its EXIF says, as the server will store it.
    const bitmap = await createImageBitmap(file).catch(() => null);
    if (!bitmap) return {};
    const measured = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return measured;
  }
  if (kind !== 'video' && kind !== 'audio' && kind !== 'voice') return {};
  const element = document.createElement(kind === 'video' ? 'video' : 'audio');
  const url = URL.createObjectURL(file);
  const once = (event: string) => new Promise<void>((resolve, reject) => {
    element.addEventListener(event, () => resolve(), { once: true });
    element.addEventListener('error', () => reject(element.error), { once: true });
  });
  const measured: Measured = {};
  const work = (async () => {
    element.preload = 'metadata';
    element.muted = true;
    element.src = url;
    await once('loadedmetadata');
    if (!Number.isFinite(element.duration)) {
      // A browser's own WebM recording does not say its length: seeking past its end finds it.
      const found = Promise.all([once('durationchange'), once('seeked')]);
      element.currentTime = Number.MAX_SAFE_INTEGER;
      await found;
    }
    if (Number.isFinite(element.duration)) measured.durationMs = Math.round(element.duration * 1000);
    const video = element as HTMLVideoElement;
    if (kind !== 'video' || !video.videoWidth) return;
    measured.width = video.videoWidth;
    measured.height = video.videoHeight;
    // A frame a little way in (the very first is often black).
    const seeked = once('seeked');
    element.currentTime = Math.min(0.5, (element.duration || 0) / 3);
    await seeked;
    const scale = Math.min(1, POSTER_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    measured.poster = (await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8))) ?? undefined;
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, MEASURE_MS)))]);
  clearTimeout(timer);
  URL.revokeObjectURL(url);
  element.removeAttribute('src');
  return measured;
}
