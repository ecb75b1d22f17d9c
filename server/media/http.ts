// Media over HTTP: resumable uploads (the tus protocol, at UPLOADS_PATH, as the signed-in caller;
// each upload is its owner's alone) and fetching media (MEDIA_PATH/<id>, /thumbnail), only for whoever
// may read a message that carries it (service.ts). What is served cannot run as a page: a type that
// is not a picture, video or sound is application/octet-stream and a download, nothing is sniffed,
// and every answer carries a sandboxing policy.
import type http from 'node:http';
import { Server as TusServer } from '@tus/server';
import { MEDIA_PATH, UPLOADS_PATH } from '../../lib/media.ts';
import type { UserId } from '../../lib/schemas.ts';
import type { CallBudget } from '../http/call-budget.ts';
import { routeCaller } from '../http/http-route.ts';
import { env } from '../env.ts';
import { logger } from '../logger.ts';
import { SERVED_AS_IS } from './process.ts';
import { blobStore, MAX_UPLOAD, mediaFor, uploadRefusal, uploadStaging } from './service.ts';
import type { ByteRange } from './storage.ts';

/** A request to these routes costs this many units of the caller's call budget (a chunk, a fetch). */
const REQUEST_COST = 2;

/** Who made each request the tus server is handling (its hooks see a web Request made from it). */
const callers = new WeakMap<object, UserId>();
const callerOf = (req: { runtime?: { node?: { req: object } } }) => {
  const node = req.runtime?.node?.req;
  return node ? callers.get(node) : undefined;
};
const tusError = (status_code: number, body: string) => Object.assign(new Error(body), { status_code, body });

let tus: TusServer | undefined;
function tusServer(): TusServer {
  tus ??= new TusServer({
    path: UPLOADS_PATH,
    datastore: uploadStaging(),
    maxSize: MAX_UPLOAD,
    relativeLocation: true,
    // The app uploads from its own origin; no other site's page is let read an answer.
    allowedOrigins: [new URL(env.publicUrl).origin],
    // An upload that finished stays until media.complete takes it: a retry of that call finds it.
    disableTerminationForFinishedUploads: true,
    async onUploadCreate(req, upload) {
      const owner = callerOf(req);
      if (!owner) throw tusError(401, 'Log in first');
      const refusal = await uploadRefusal(owner, upload.size);
      if (refusal) throw tusError(upload.size !== undefined && upload.size > MAX_UPLOAD ? 413 : 400, refusal);
      // The owner is the server's word, whatever the client put in its metadata.
      return { metadata: { ...upload.metadata, owner } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      // Someone else's upload does not exist for the caller.
      const upload = await uploadStaging().getUpload(uploadId).catch(() => null);
      if (!upload || upload.metadata?.owner !== callerOf(req)) throw tusError(404, 'No such upload');
    },
  });
  return tus;
}

/** Every hour, forgets uploads left unfinished for a day (any instance may; each does). */
export function startUploadSweep(): () => void {
  const timer = setInterval(() => {
    uploadStaging()
      .deleteExpired()
      .then((removed) => removed > 0 && logger.info({ removed }, 'forgot expired uploads'))
      .catch((err: unknown) => logger.warn({ err }, 'upload sweep failed; trying again next round'));
  }, 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** The one range of a Range header ("bytes=a-b", "bytes=a-", "bytes=-n"); null: the whole; 'bad': not satisfiable. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'bad' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges, or another unit: the whole
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'bad';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'bad';
  return { start, end };
}

/** attachment; filename="…"; filename*=UTF-8''… (the plain one ASCII only). */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function serveMedia(req: http.IncomingMessage, res: http.ServerResponse, userId: UserId, mediaId: string, part: 'file' | 'thumbnail', download: boolean) {
  const media = /^[0-9a-f-]{36}$/.test(mediaId) ? await mediaFor(userId, mediaId) : null;
  const key = media && (part === 'file' ? media.key : media.thumbnailKey);
  if (!media || !key) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('No such media');
  const type = part === 'thumbnail' ? 'image/webp' : SERVED_AS_IS.has(media.mime) ? media.mime : 'application/octet-stream';
  const common = {
    etag: `"${key}"`,
    // A blob never changes (it is named by its content), but who may see it can: private, checked each time.
    'cache-control': 'private, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'same-origin',
  };
  if (req.headers['if-none-match'] === common.etag) return void res.writeHead(304, common).end();
  const store = blobStore();
  // The file's size is on its row (what was stored); a thumbnail's is asked of the store.
  const size = part === 'file' ? media.size : await store.size(key);
  if (size === null) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('No such media');
  const inline = !download && type !== 'application/octet-stream';
  const range = part === 'file' ? parseRange(req.headers.range, size) : null;
  if (range === 'bad') return void res.writeHead(416, { ...common, 'content-range': `bytes */${size}` }).end();
  const headers = {
    ...common,
    'content-type': type,
    'content-disposition': disposition(inline ? 'inline' : 'attachment', media.name),
    'accept-ranges': 'bytes',
    'content-length': String(range ? range.end - range.start + 1 : size),
    ...(range && { 'content-range': `bytes ${range.start}-${range.end}/${size}` }),
  };
  if (req.method === 'HEAD') return void res.writeHead(range ? 206 : 200, headers).end();
  const body = await store.read(key, range ?? undefined);
  if (!body) {
    logger.error({ mediaId, key }, 'media without its bytes in the store');
    return void res.writeHead(404, { 'content-type': 'text/plain' }).end('No such media');
  }
  res.writeHead(range ? 206 : 200, headers);
  body.on('error', (err) => res.destroy(err));
  res.on('close', () => body.destroy());
  body.pipe(res);
}

/** Answers UPLOADS_PATH and MEDIA_PATH requests; false for any other path. */
export function handleMediaRequest(req: http.IncomingMessage, res: http.ServerResponse, budget: CallBudget): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const upload = url.pathname === UPLOADS_PATH || url.pathname.startsWith(`${UPLOADS_PATH}/`);
  const media = url.pathname.startsWith(`${MEDIA_PATH}/`);
  if (!upload && !media) return false;
  void (async () => {
    const caller = await routeCaller(req, res, budget, REQUEST_COST);
    if (!caller) return;
    if (upload) {
      callers.set(req, caller.userId);
      return tusServer().handle(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const [mediaId, part, ...rest] = url.pathname.slice(MEDIA_PATH.length + 1).split('/');
    if (rest.length || (part !== undefined && part !== 'thumbnail')) return void res.writeHead(404).end();
    await serveMedia(req, res, caller.userId, mediaId, part ? 'thumbnail' : 'file', url.searchParams.has('download'));
  })().catch((err: unknown) => {
    logger.error({ err, part: 'media' }, 'media request failed');
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy(err as Error);
  });
  return true;
}
