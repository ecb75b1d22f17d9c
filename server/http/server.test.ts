// The server as clients meet it: tRPC over a real WebSocket (cookie auth, Origin check, live events) and HTTP.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, createWSClient, httpLink, TRPCClientError, wsLink } from '@trpc/client';
import { encode } from 'next-auth/jwt';
import superjson from 'superjson';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SESSION_ENDED_CLOSE_CODE, type MessageNewEvent, type ServerEvent } from '../../lib/events.ts';
import { MAX_CALLS_PER_BATCH, RECEIPTS_PER_CALL } from '../../lib/limits.ts';
import { ReceiptBatcher } from '../../lib/sync/receipt-batcher.ts';
import { callerFromHeaders, issueSessionToken, sessionCookieName } from '../auth/session.ts';
import { endSessions } from '../auth/sessions.ts';
import { getDb } from '../db/client.ts';
import { OFFLINE_GRACE_MS } from '../presence/service.ts';
import { getPresenceRegistry } from '../realtime/index.ts';
import type { AppRouter } from '../router.ts';
import { createPair, createUser, EventQueue, releaseServices, send, TEST_PASSWORD, type TestUser } from '../test/helpers.ts';
import { CALL_BURST_SECONDS } from './call-budget.ts';
import { MAX_CALLS_PER_FRAME } from './live-socket.ts';
import { env } from '../env.ts';
import { createParleyServer, MAX_CONNECTIONS_PER_USER, TRPC_HTTP_PATH, TRPC_WS_PATH, type ParleyServer } from './server.ts';

// Filled in once the port is known: the server reads the list at each upgrade.
const allowedOrigins: string[] = [];
let server: ParleyServer;
let origin: string;
let wsUrl: string;
const closers: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  server = createParleyServer({ allowedOrigins });
  await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
  const { port } = server.http.address() as AddressInfo;
  origin = `http://localhost:${port}`;
  allowedOrigins.push(origin);
  wsUrl = `ws://127.0.0.1:${port}${TRPC_WS_PATH}`;
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await server.close();
  await releaseServices();
});

/** A tRPC client over a WebSocket that carries the session cookie, as a browser tab does. */
async function connectAs(user: TestUser) {
  const cookie = `${sessionCookieName()}=${await issueSessionToken(user)}`;
  class BrowserLikeWebSocket extends WebSocket {
    constructor(url: string | URL) {
      super(url, { headers: { cookie }, origin });
    }
  }
  const wsClient = createWSClient({
    url: wsUrl,
    WebSocket: BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket,
  });
  closers.push(() => wsClient.close());
  return createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
}

type Client = Awaited<ReturnType<typeof connectAs>>;

function subscribe(client: Client): EventQueue {
  const queue = new EventQueue();
  const subscription = client.sync.events.subscribe(undefined, {
    onData: (tracked) => queue.push(tracked.data as ServerEvent),
    onError: (err) => queue.end(err),
  });
  closers.push(() => subscription.unsubscribe());
  return queue;
}

/** The HTTP status of a raw WebSocket upgrade; a refused one never opens. */
function upgradeStatus(options: WebSocket.ClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, options);
    ws.on('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

describe('tRPC over WebSocket', () => {
  test('a message sent by Alice is acked to her and arrives live at Bob with the same id and seq', async () => {
    const [alice, bob] = await Promise.all([createUser('wsa'), createUser('wsb')]);
    const [aliceClient, bobClient] = await Promise.all([connectAs(alice), connectAs(bob)]);
    expect(await bobClient.users.me.query()).toMatchObject({ id: bob.id });

    const conversation = await aliceClient.conversations.openDirect.mutate({ username: bob.username });
    const [aliceEvents, bobEvents] = [subscribe(aliceClient), subscribe(bobClient)];
    // Heads first: once they arrive, each subscription is listening.
    const bobHeads = await bobEvents.next((e) => e.type === 'sync.heads');
    expect(bobHeads).toEqual({
      type: 'sync.heads',
      conversations: [{ id: conversation.id, lastSeq: 0, deliveredSeq: 0, readSeq: 0, allDeliveredSeq: 0, allReadSeq: 0 }],
    });
    await aliceEvents.next((e) => e.type === 'sync.heads');

    const clientId = randomUUID();
    const ack = await aliceClient.messages.send.mutate({ conversationId: conversation.id, clientId, body: 'hello over ws' });
    expect(ack).toMatchObject({ id: expect.stringMatching(/^\d+$/), seq: 1, clientId, senderId: alice.id });
    expect(ack.createdAt).toBeInstanceOf(Date);

    const received = await bobEvents.next<MessageNewEvent>((e) => e.type === 'message.new');
    expect(received.message).toEqual(ack);
    // The sender's own connections get it too (her other tabs and devices).
    expect((await aliceEvents.next<MessageNewEvent>((e) => e.type === 'message.new')).message.id).toBe(ack.id);
  });

  test("a bot's 800 sends pipelined over one socket, without waiting for acks, get seqs in the order it sent them", async () => {
    const [alice, bob] = await Promise.all([createUser('pipea'), createUser('pipeb')]);
    const { id: conversationId } = await alice.caller.conversations.openDirect({ username: bob.username });
    const client = await connectAs(alice);
    // Until the socket is open the client queues calls and then sends them all in one frame.
    await client.users.me.query();
    const sends: Promise<{ seq: number }>[] = [];
    for (let i = 0; i < 800; i++) {
      sends.push(client.messages.send.mutate({ conversationId, clientId: randomUUID(), body: `#${i}` }));
      // The client puts the calls of one tick in one frame: 50 to a frame keeps it under the frame limit.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    const acks = await Promise.all(sends);
    expect(acks.map((m) => m.seq)).toEqual(acks.map((_, i) => i + 1));
  });

  test('errors keep their code over the wire', async () => {
    const [alice, stranger] = await Promise.all([createUser('wse'), createUser('wsf')]);
    const bob = await createUser('wsg');
    const conversation = await alice.caller.conversations.openDirect({ username: bob.username });
    const client = await connectAs(stranger);
    const err = await client.messages.list.query({ conversationId: conversation.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    expect((err as TRPCClientError<AppRouter>).data?.code).toBe('FORBIDDEN');
  });
});

describe("the browser's receipt batcher against the server", () => {
  /** The user's delivered/read watermarks in these conversations. */
  const watermarks = async (user: TestUser, conversationIds: string[]) =>
    getDb().member.findMany({ where: { userId: user.id, conversationId: { in: conversationIds } }, select: { deliveredSeq: true, readSeq: true } });

  test('news in more conversations than one call may carry is acknowledged in several calls', async () => {
    const [me, peer] = await Promise.all([createUser('rbmany'), createUser('rbpeer')]);
    const groups: string[] = [];
    for (let i = 0; i < RECEIPTS_PER_CALL + 5; i++) {
      groups.push((await peer.caller.groups.create({ title: `g${i}`, usernames: [me.username] })).id);
    }
    const client = await connectAs(me);
    let calls = 0;
    const batcher = new ReceiptBatcher((input) => (calls++, client.receipts.ack.mutate(input)));
    for (const id of groups) batcher.delivered(id, 1);
    await batcher.flush();
    expect(calls).toBe(2);
    expect((await watermarks(me, groups)).filter((w) => w.deliveredSeq === 1n)).toHaveLength(groups.length);
  });

  test('an entry the server refuses is dropped; the others in its call still go, and nothing is retried', async () => {
    const { a: me, b: peer, conversationId } = await createPair('rbbad');
    await send(peer, conversationId, 'hi');
    const { conversationId: notMine } = await createPair('rbother');
    const client = await connectAs(me);
    let calls = 0;
    const batcher = new ReceiptBatcher((input) => (calls++, client.receipts.ack.mutate(input)));
    batcher.read('not-a-conversation-id', 1); // malformed: the whole call is a BAD_REQUEST
    batcher.read(notMine, 1); // not a member: refused alone
    batcher.read(conversationId, 1);
    await batcher.flush();
    expect(await watermarks(me, [conversationId])).toEqual([{ deliveredSeq: 1n, readSeq: 1n }]);
    const spent = calls;
    await batcher.flush();
    expect(calls).toBe(spent); // nothing was put back
  });
});

/** A socket speaking tRPC's wire protocol by hand: what it receives, parsed, in order. */
async function rawSocket(user: TestUser) {
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${await issueSessionToken(user)}` } });
  const received = new EventQueue<{ type: string; id: number | null; body: Record<string, unknown> }>();
  ws.on('message', (data) => {
    const text = String(data);
    if (text === 'PING') return;
    const body = JSON.parse(text) as { id: number | null; result?: { type: string }; error?: unknown };
    received.push({ type: body.error ? 'error' : (body.result?.type ?? '?'), id: body.id, body });
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  closers.push(() => ws.close());
  const frame = (payload: unknown) => ws.send(JSON.stringify(payload));
  return { frame, received };
}

const subscribeCall = (id: number) => ({ id, method: 'subscription', params: { path: 'sync.events', input: { json: {} } } });

describe("the socket's own handling of sync.events and messages.send (tRPC's wire format)", () => {
  test('a frame that batches the subscription with other calls gets every call answered', async () => {
    const user = await createUser('mixed');
    const { frame, received } = await rawSocket(user);
    frame([subscribeCall(1), { id: 2, method: 'query', params: { path: 'users.me', input: { json: null } } }]);
    const byId = new Map<number | null, string[]>();
    for (let i = 0; i < 3; i++) {
      const r = await received.next();
      byId.set(r.id, [...(byId.get(r.id) ?? []), r.type]);
    }
    expect(byId.get(1)).toEqual(['started', 'data']); // the heads
    expect(byId.get(2)).toEqual(['data']);
  });

  test('a fifth live subscription on one socket is refused with TOO_MANY_REQUESTS; stopping one frees its place', async () => {
    const user = await createUser('subcap');
    const { frame, received } = await rawSocket(user);
    for (let id = 1; id <= 5; id++) frame(subscribeCall(id));
    const refusal = await received.next((r) => r.id === 5);
    expect(refusal.body).toMatchObject({ error: { json: { data: { code: 'TOO_MANY_REQUESTS' } } } });
    frame({ id: 1, method: 'subscription.stop' });
    await received.next((r) => r.id === 1 && r.type === 'stopped');
    frame(subscribeCall(6));
    await received.next((r) => r.id === 6 && r.type === 'started');
  });

  const meQuery = (id: number) => ({ id, method: 'query', params: { path: 'users.me', input: { json: null } } });
  const answers = async (received: Awaited<ReturnType<typeof rawSocket>>['received'], n: number) => {
    const codes = new Map<string, number>();
    let retryAfterMs = 0;
    for (let i = 0; i < n; i++) {
      const { body } = await received.next();
      const data = (body as { error?: { json: { data: { code: string; retryAfterMs?: number } } } }).error?.json.data;
      codes.set(data?.code ?? 'data', (codes.get(data?.code ?? 'data') ?? 0) + 1);
      if (data?.retryAfterMs) retryAfterMs = data.retryAfterMs;
    }
    return { codes: Object.fromEntries(codes), retryAfterMs };
  };

  test(`a frame of more than ${MAX_CALLS_PER_FRAME} calls gets the rest refused with TOO_MANY_REQUESTS and a retry hint`, async () => {
    const user = await createUser('framecap');
    const { frame, received } = await rawSocket(user);
    frame(Array.from({ length: MAX_CALLS_PER_FRAME + 20 }, (_, i) => meQuery(i + 1)));
    const { codes, retryAfterMs } = await answers(received, MAX_CALLS_PER_FRAME + 20);
    expect(codes).toEqual({ data: MAX_CALLS_PER_FRAME, TOO_MANY_REQUESTS: 20 });
    expect(retryAfterMs).toBeGreaterThan(0);
  });

  test('past its budget a user\'s socket calls are refused with when to retry, their HTTP calls wait for the budget to refill, others go on', async () => {
    const [user, other] = await Promise.all([createUser('budget'), createUser('budgeto')]);
    const burst = env.CALLS_PER_SECOND_PER_USER * CALL_BURST_SECONDS;
    const { frame, received } = await rawSocket(user);
    const frames = (burst / MAX_CALLS_PER_FRAME) * 1.5; // sent at once: far faster than the budget refills
    for (let f = 0; f < frames; f++) frame(Array.from({ length: MAX_CALLS_PER_FRAME }, (_, i) => meQuery(f * MAX_CALLS_PER_FRAME + i + 1)));
    const { codes, retryAfterMs } = await answers(received, frames * MAX_CALLS_PER_FRAME);
    expect(codes.data).toBeGreaterThanOrEqual(burst);
    expect(codes.data).toBeLessThan(burst + 200); // what refilled meanwhile
    expect(codes.TOO_MANY_REQUESTS).toBe(frames * MAX_CALLS_PER_FRAME - codes.data);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);

    // The same budget over HTTP, where a call over it waits for its units rather than being refused:
    // 16 pages of the inbox need 160 units, most of a second's refill.
    const paths = Array.from({ length: 16 }, () => 'conversations.list').join(',');
    const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 16 }, (_, i) => [i, { json: {} }]))));
    const headers = { authorization: `Bearer ${await issueSessionToken(user)}` };
    const asked = performance.now();
    const batch = (await (await fetch(`${origin}${TRPC_HTTP_PATH}/${paths}?batch=1&input=${input}`, { headers })).json()) as { result?: unknown }[];
    expect(batch.filter((r) => r.result)).toHaveLength(16);
    expect(performance.now() - asked).toBeGreaterThan(400);
    // Someone else is served as ever.
    const others = await rawSocket(other);
    others.frame(meQuery(1));
    expect((await answers(others.received, 1)).codes).toEqual({ data: 1 });
  });

  test("a send with bad input is refused as tRPC refuses it: BAD_REQUEST, the field's message, nothing stored", async () => {
    const [alice, bob] = await Promise.all([createUser('badin'), createUser('badinb')]);
    const { id: conversationId } = await alice.caller.conversations.openDirect({ username: bob.username });
    const { frame, received } = await rawSocket(alice);
    frame({ id: 7, method: 'mutation', params: { path: 'messages.send', input: { json: { conversationId, clientId: 'not-a-uuid', body: 'hi' } } } });
    const refusal = await received.next((r) => r.id === 7);
    expect(refusal.body).toMatchObject({ error: { json: { data: { code: 'BAD_REQUEST', httpStatus: 400, path: 'messages.send', fieldErrors: { clientId: [expect.any(String)] } } } } });
    expect(await alice.caller.messages.list({ conversationId })).toMatchObject({ messages: [] });
  });
});

describe('WebSocket upgrade', () => {
  test('with a valid session cookie and our Origin it is accepted', async () => {
    const user = await createUser('wsok');
    const cookie = `${sessionCookieName()}=${await issueSessionToken(user)}`;
    expect(await upgradeStatus({ headers: { cookie }, origin })).toBe(101);
  });

  test('with a bearer token and no Origin (a bot) it is accepted', async () => {
    const user = await createUser('wsbot');
    expect(await upgradeStatus({ headers: { authorization: `Bearer ${await issueSessionToken(user)}` } })).toBe(101);
  });

  test(`past ${MAX_CONNECTIONS_PER_USER} open connections of one user another is refused with 429; one closing makes room`, async () => {
    const user = await createUser('wsmany');
    const headers = { authorization: `Bearer ${await issueSessionToken(user)}` };
    const sockets = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS_PER_USER }, async () => {
        const ws = new WebSocket(wsUrl, { headers });
        closers.push(() => ws.terminate());
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        return ws;
      }),
    );
    expect(await upgradeStatus({ headers })).toBe(429);
    expect(await upgradeStatus({ headers: { authorization: `Bearer ${await issueSessionToken(await createUser('wsmanyo'))}` } })).toBe(101);
    const closed = new Promise((resolve) => sockets[0].once('close', resolve));
    sockets[0].close();
    await closed;
    await expect.poll(() => upgradeStatus({ headers })).toBe(101);
  });

  test('without a session it is refused with 401', async () => {
    expect(await upgradeStatus({ origin })).toBe(401);
  });

  test('with a forged or garbage session cookie it is refused with 401', async () => {
    const user = await createUser('wsforge');
    const forged = await encode({ token: { sub: user.id }, secret: 'not-the-server-secret-0123456789abcdef' });
    expect(await upgradeStatus({ headers: { cookie: `${sessionCookieName()}=${forged}` }, origin })).toBe(401);
    expect(await upgradeStatus({ headers: { cookie: `${sessionCookieName()}=garbage` }, origin })).toBe(401);
  });

  test('from a foreign Origin it is refused with 403, even with a valid session', async () => {
    const user = await createUser('wsevil');
    const cookie = `${sessionCookieName()}=${await issueSessionToken(user)}`;
    expect(await upgradeStatus({ headers: { cookie }, origin: 'http://evil.example' })).toBe(403);
  });
});

describe('sessions that end', () => {
  /** A bot's socket with this bearer token, and the close code it ends with. */
  async function openSocket(bearer: string) {
    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${bearer}` } });
    closers.push(() => ws.terminate());
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return { closed };
  }

  test('logging out closes that session\'s open sockets at once, and its cookie opens no new one nor any call', async () => {
    const user = await createUser('wsend');
    const jwt = await issueSessionToken(user);
    const other = await issueSessionToken(user);
    const { closed } = await openSocket(jwt);
    const { closed: stays } = await openSocket(other);
    const sessionId = (await callerFromHeaders({ authorization: `Bearer ${jwt}` }))!.sessionId;
    await endSessions(user.id, { only: sessionId });
    expect(await closed).toBe(SESSION_ENDED_CLOSE_CODE);
    expect(await upgradeStatus({ headers: { authorization: `Bearer ${jwt}` } })).toBe(401);
    const http = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${origin}${TRPC_HTTP_PATH}`, transformer: superjson, headers: { authorization: `Bearer ${jwt}` } })] });
    await expect(http.users.me.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    // The user's other device goes on.
    expect(await Promise.race([stays.then(() => 'closed'), upgradeStatus({ headers: { authorization: `Bearer ${other}` } })])).toBe(101);
  });

  test('a session ended on another instance closes its sockets here within seconds', async () => {
    const user = await createUser('wsfar');
    const { token, session } = await user.caller.auth.createAccessToken({ name: 'bot' });
    const { closed } = await openSocket(token);
    // What another instance's logout does: the row goes; this instance hears nothing of it.
    await getDb().session.delete({ where: { id: session.id } });
    expect(await closed).toBe(SESSION_ENDED_CLOSE_CODE);
    expect(await upgradeStatus({ headers: { authorization: `Bearer ${token}` } })).toBe(401);
  });
});

describe('the HTTP fallback (server-sent events)', () => {
  test('its event stream is a live connection: online while open, offline after', async () => {
    const [alice, bob] = await Promise.all([createUser('ssea'), createUser('sseb')]);
    await bob.caller.conversations.openDirect({ username: alice.username });
    const bobEvents = subscribe(await connectAs(bob));
    await bobEvents.next((e) => e.type === 'sync.heads');
    const isAlice = (e: ServerEvent) => e.type === 'presence.updated' && e.userId === alice.id;

    // What httpSubscriptionLink's EventSource asks for, with Alice's session cookie.
    const stream = new AbortController();
    const response = await fetch(`${origin.replace('localhost', '127.0.0.1')}${TRPC_HTTP_PATH}/sync.events`, {
      headers: { accept: 'text/event-stream', cookie: `${sessionCookieName()}=${await issueSessionToken(alice)}` },
      signal: stream.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('sync.heads')) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      received += new TextDecoder().decode(chunk.value);
    }
    expect(await bobEvents.next(isAlice)).toEqual({ type: 'presence.updated', userId: alice.id, visible: true, online: true, lastSeenAt: null });
    expect(await getPresenceRegistry().online([alice.id])).toEqual(new Set([alice.id]));

    stream.abort();
    await reader.cancel().catch(() => {});
    expect(await bobEvents.next(isAlice, OFFLINE_GRACE_MS + 5_000)).toMatchObject({ online: false });
    expect(await getPresenceRegistry().online([alice.id])).toEqual(new Set());
  });
});

describe('tRPC over HTTP', () => {
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${origin.replace('localhost', '127.0.0.1')}${TRPC_HTTP_PATH}`,
          transformer: superjson,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        }),
      ],
    });

  test('a bot logs in for a token and uses it as a bearer token', async () => {
    const user = await createUser('httpbot');
    const { token } = await client().auth.createToken.mutate({ username: user.username, password: TEST_PASSWORD });
    expect(await client(token).users.me.query()).toMatchObject({ id: user.id });
    const err = await client().users.me.query().catch((e: unknown) => e);
    expect((err as TRPCClientError<AppRouter>).data?.httpStatus).toBe(401);
  });

  test(`a batch of more than ${MAX_CALLS_PER_BATCH} calls is refused with 400, and no call of it runs`, async () => {
    const user = await createUser('batchcap');
    const token = await issueSessionToken(user);
    const batch = async (n: number) => {
      const paths = Array.from({ length: n }, () => 'users.me').join(',');
      const inputs = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }]))));
      return fetch(`${origin.replace('localhost', '127.0.0.1')}${TRPC_HTTP_PATH}/${paths}?batch=1&input=${inputs}`, { headers: { authorization: `Bearer ${token}` } });
    };
    expect((await batch(MAX_CALLS_PER_BATCH)).status).toBe(200);
    const refused = await batch(MAX_CALLS_PER_BATCH + 1);
    expect(refused.status).toBe(400);
  });

  test('a taken username comes back as 409 CONFLICT naming the field, with no stack trace', async () => {
    const user = await createUser('httptaken');
    const err = (await client()
      .auth.register.mutate({ username: user.username, displayName: 'Again', password: TEST_PASSWORD })
      .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(err).toBeInstanceOf(TRPCClientError);
    expect(err.data).toEqual({ code: 'CONFLICT', httpStatus: 409, path: 'auth.register', field: 'username' });
    expect(JSON.stringify(err.shape)).not.toContain('stack');
  });
});
