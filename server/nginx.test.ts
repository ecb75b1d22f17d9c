// The nginx configuration docs/operations.md gives, exercised: Debian's nginx in front of two
// instances on Redis, with the documented server block as written (only its addresses changed for
// this machine). WebSockets upgrade through it, the SSE fallback streams through it, health checks
// answer through it, uploads go through it in chunks that land on either instance (sharing an S3
// store, s3rver here), and with one instance gone it goes on serving from the other.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mediaUrl } from '../lib/media.ts';
import { TusClient } from './test/tus-client.ts';
import type { MessageNewEvent, ServerEvent } from '../lib/events.ts';
import { issueSessionToken } from './auth/session.ts';
import { TRPC_HTTP_PATH, TRPC_WS_PATH } from './http/server.ts';
import { freePort, RedisProcess, ServerProcess, waitUntil } from './test/cluster-harness.ts';
import { createPair, EventQueue, releaseServices, type TestUser } from './test/helpers.ts';
import { connectClient, type SimClient } from './test/sim-client.ts';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const NODE_IDS = { A: '1020', B: '1021' };

/** The documented server block, with the upstream's servers and the listener made this machine's. */
function documentedConfig(backends: number[], port: number): string {
  const doc = readFileSync(path.resolve('docs/operations.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/operations.md has no nginx block');
  const replaced = [
    [/upstream parley \{[^}]*\}/, `upstream parley { ${backends.map((p) => `server 127.0.0.1:${p};`).join(' ')} }`],
    [/listen 443 ssl;/, `listen 127.0.0.1:${port};`],
    [/server_name [^;]+;/, 'server_name localhost;'],
  ] as const;
  return replaced.reduce((text, [pattern, by]) => {
    if (!pattern.test(text)) throw new Error(`the documented nginx block no longer has ${pattern}`);
    return text.replace(pattern, by);
  }, block);
}

let redis: RedisProcess;
let a: ServerProcess;
let b: ServerProcess;
let nginx: ChildProcess;
let dir: string;
let base: string;
let s3: S3rver;

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  redis = new RedisProcess(await freePort());
  await redis.start();
  dir = mkdtempSync(path.join(os.tmpdir(), 'parley-nginx-'));
  chmodSync(dir, 0o711); // nginx's workers drop root and reach their temp files through it
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: path.join(dir, 's3'), configureBuckets: [{ name: 'parley' }] });
  const { port: s3Port } = await s3.run();
  const media = {
    MEDIA_MAX_FILE_MB: '100', MEDIA_QUOTA_MB: '1000', MEDIA_S3_BUCKET: 'parley', MEDIA_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`, MEDIA_S3_ACCESS_KEY_ID: 'S3RVER', MEDIA_S3_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const settings = { REDIS_URL: redis.url, TRUST_PROXY: 'true', ...media };
  a = new ServerProcess(await freePort(), { ...settings, NODE_ID: NODE_IDS.A });
  b = new ServerProcess(await freePort(), { ...settings, NODE_ID: NODE_IDS.B });
  await Promise.all([a.start(), b.start()]);

  const port = await freePort();
  base = `127.0.0.1:${port}`;
  const temp = path.join(dir, 'temp');
  mkdirSync(temp);
  chmodSync(temp, 0o777); // nginx's workers drop root
  const conf = `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${temp}/body; proxy_temp_path ${temp}/proxy; fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi; scgi_temp_path ${temp}/scgi;
${documentedConfig([a.port, b.port], port)}
}`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
  expect(check.status, check.stderr).toBe(0);
  nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitUntil(() => accepting(port), 10_000, () => `nginx on ${port}: ${readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
}, 60_000);

afterAll(async () => {
  nginx?.kill('SIGQUIT');
  await Promise.all([a?.dispose(), b?.dispose()]);
  await redis?.dispose();
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await releaseServices();
}, 30_000);

/** A tRPC mutation over HTTP through nginx, as `user` (bearer token): its result's JSON. */
async function mutate(token: string, procedure: string, input: unknown): Promise<unknown> {
  const res = await fetch(`http://${base}${TRPC_HTTP_PATH}/${procedure}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ json: input }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
}

async function send(user: TestUser, conversationId: string, body: string): Promise<void> {
  await mutate(await issueSessionToken(user), 'messages.send', { conversationId, clientId: randomUUID(), body });
}

test('health checks answer through nginx, from both instances in turn', async () => {
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`http://${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, checks: { database: 'ok', redis: 'ok' } });
  }
});

test('a WebSocket upgrades through nginx and gets what is sent through it', async () => {
  const { a: alice, b: bob, conversationId } = await createPair('ngws');
  const events = new EventQueue();
  const client: SimClient<TestUser> = await connectClient({
    user: bob, tag: 'ws', conversationIds: [conversationId], url: `ws://${base}${TRPC_WS_PATH}`,
    token: await issueSessionToken(bob), onEvent: (e) => events.push(e),
  });
  try {
    await events.next((e) => e.type === 'sync.heads', 10_000);
    // Sent as many times as there are instances: round robin puts sender and receiver on both pairings.
    for (const body of ['through nginx 1', 'through nginx 2']) {
      await send(alice, conversationId, body);
      expect((await events.next<MessageNewEvent>((e) => e.type === 'message.new', 10_000)).message.body).toBe(body);
    }
  } finally {
    await client.close();
  }
});

test('the SSE fallback streams through nginx: each event arrives as it happens, not when a buffer fills', async () => {
  const { a: alice, b: bob, conversationId } = await createPair('ngsse');
  const token = await issueSessionToken(bob);
  const abort = new AbortController();
  const res = await fetch(`http://${base}${TRPC_HTTP_PATH}/sync.events?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events = new EventQueue<ServerEvent>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
        const parsed = data ? (JSON.parse(data) as { json?: unknown }) : null;
        const event = parsed?.json as ServerEvent | undefined;
        if (event && typeof event === 'object' && 'type' in event) events.push(event);
      }
    }
  })().catch(() => {});
  try {
    await events.next((e) => e.type === 'sync.heads', 10_000);
    await send(alice, conversationId, 'streamed through nginx');
    expect((await events.next<MessageNewEvent>((e) => e.type === 'message.new', 10_000)).message.body).toBe('streamed through nginx');
  } finally {
    abort.abort();
    await reading;
  }
});

test('an upload through nginx goes on whichever instance each chunk reaches, and either serves the media', async () => {
  const { a: alice, b: bob, conversationId } = await createPair('ngup');
  const token = await issueSessionToken(alice);
  const client = new TusClient(`http://${base}`, token);
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(9 * 1024 * 1024)]);
  const chunk = 4 * 1024 * 1024;
  const { id, response } = await client.create(bytes.length, 'minutes.pdf');
  expect(response.status, await response.text()).toBe(201);
  // nginx hands the requests to A and B in turn: creation, chunks and checks each land on either.
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    expect(await client.offset(id!)).toBe(offset);
    const patched = await client.patch(id!, offset, bytes.subarray(offset, offset + chunk));
    expect(patched.status, await patched.text()).toBe(204);
  }
  const media = (await mutate(token, 'media.complete', { uploadId: id })) as { id: string; size: number };
  expect(media.size).toBe(bytes.length);
  await mutate(token, 'messages.send', { conversationId, clientId: randomUUID(), body: '', mediaId: media.id });
  const bobs = await issueSessionToken(bob);
  for (let i = 0; i < 2; i++) {
    const got = await fetch(`http://${base}${mediaUrl(media.id)}`, { headers: { authorization: `Bearer ${bobs}` } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
  }
});

test('with one instance gone, nginx goes on serving from the other', async () => {
  await b.stop('SIGKILL');
  for (let i = 0; i < 4; i++) expect((await fetch(`http://${base}/healthz`)).status).toBe(200);
  const { a: alice, b: bob, conversationId } = await createPair('ngdown');
  await send(alice, conversationId, 'still served');
  const token = await issueSessionToken(bob);
  const res = await fetch(`http://${base}${TRPC_HTTP_PATH}/messages.list?input=${encodeURIComponent(JSON.stringify({ json: { conversationId } }))}`, { headers: { authorization: `Bearer ${token}` } });
  expect(((await res.json()) as { result: { data: { json: { messages: { body: string }[] } } } }).result.data.json.messages.map((m) => m.body)).toEqual(['still served']);
});
