// Every procedure, over HTTP and over the WebSocket, with inputs fast-check makes from a fixed seed:
// plausible ones (real ids, other people's ids, upper-case ids, strings with NUL, lone surrogates and
// controls, huge and negative numbers) and arbitrary JSON. Every answer must be data or a typed error
// of the client's (never a 5xx or INTERNAL_SERVER_ERROR), and the server must still serve another
// user afterwards.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import WebSocket from 'ws';
import { expect, test } from 'vitest';
import { issueSessionToken } from './auth/session.ts';
import { TRPC_HTTP_PATH, TRPC_WS_PATH } from './http/server.ts';
import { serverForTests } from './test/http-server.ts';
import { appRouter } from './router.ts';
import { createGroup, createPair, createUser, send, type TestUser } from './test/helpers.ts';

const SEED = 20261202;
// The fuzzer calls from an address of its own (any 127/8 address is this machine), so the limits per
// address it runs into (failed logins, new accounts) are not those of other tests in this worker.
const FUZZER_ADDRESS = '127.0.0.77';
const HTTP_CALLS = 1_500;
const WS_CALLS = 1_000;
const ANSWER_TIMEOUT_MS = 10_000;

const served = serverForTests();

interface Call {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  input: unknown;
}

/** Every procedure with the input fields its schemas name (an object's keys, through defaults and wrappers). */
function procedures(): { path: string; type: Call['type']; fields: string[] }[] {
  return Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: Call['type']; inputs: unknown[] } }>).map(([path, p]) => {
    const fields = p._def.inputs.flatMap((schema) => {
      let s = schema as { shape?: Record<string, unknown>; def?: { innerType?: unknown } } | undefined;
      while (s && !s.shape && s.def?.innerType) s = s.def.innerType as typeof s;
      return s?.shape ? Object.keys(s.shape) : [];
    });
    return { path, type: p._def.type, fields: [...new Set(fields)] };
  });
}

/** Strings that have broken servers: NUL, lone surrogates, controls, bidi overrides, huge, empty. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'a\u0000b', '\uD800', 'x\uDC00', '\u202Eevil', 'line\nbreak', 'x'.repeat(5_000), "'; DROP TABLE users; --", '%00', '{"json":1}'),
);
const nastyNumber = fc.oneof(fc.integer({ min: -5, max: 400 }), fc.constantFrom(0, -1, 1.5, 2 ** 53, 2 ** 63, Number.MAX_VALUE));

function fieldValues(me: TestUser, peer: TestUser, mine: string, group: string, notMine: string): Record<string, fc.Arbitrary<unknown>> {
  const conversationId = fc.constantFrom(mine, mine.toUpperCase(), group, notMine, randomUUID(), 'not-a-uuid');
  const userId = fc.constantFrom(me.id, peer.id, peer.id.toUpperCase(), randomUUID());
  const username = fc.oneof(fc.constantFrom(peer.username, peer.username.toUpperCase(), me.username, 'nobody_here'), nastyString);
  const seq = nastyNumber;
  return {
    conversationId,
    userId,
    clientId: fc.oneof(fc.uuid(), fc.constant(randomUUID().toUpperCase())),
    body: fc.oneof(fc.constantFrom('hello', 'x'.repeat(4_001)), nastyString),
    title: nastyString,
    description: nastyString,
    displayName: nastyString,
    query: nastyString,
    password: fc.oneof(fc.constant('correct-horse-1'), nastyString),
    username,
    usernames: fc.array(username, { maxLength: 4 }),
    role: fc.constantFrom('admin', 'member', 'owner', 'god'),
    seq,
    before: seq,
    after: seq,
    limit: seq,
    cursor: fc.oneof(fc.constant(null), fc.constant(`1:${randomUUID()}`), fc.constant(`99999999999999999999:${randomUUID()}`), nastyString),
    duration: fc.constantFrom('8h', '1w', 'always', null, 'forever'),
    isTyping: fc.boolean(),
    visibility: fc.constantFrom('everyone', 'contacts', 'nobody', 'all'),
    previews: fc.boolean(),
    userIds: fc.array(userId, { maxLength: 4 }),
    receipts: fc.array(fc.record({ conversationId, deliveredSeq: seq, readSeq: seq }, { requiredKeys: [] }), { maxLength: 4 }),
    endpoint: fc.oneof(fc.constantFrom('https://fcm.googleapis.com/fcm/send/abc', 'http://127.0.0.1/x', 'https://a/\u0000'), nastyString),
    keys: fc.record({ p256dh: nastyString, auth: nastyString }, { requiredKeys: [] }),
    lastEventId: fc.oneof(fc.constant(null), nastyString),
  };
}

/** Fields that must not get their plausible value in one procedure: the fuzzer's account must outlive the run. */
const NEVER_PLAUSIBLE: Record<string, string[]> = { 'auth.deleteAccount': ['password'] };

function callArbitrary(values: Record<string, fc.Arbitrary<unknown>>, types: Call['type'][]): fc.Arbitrary<Call> {
  const calls = procedures()
    .filter((p) => types.includes(p.type))
    .map((p) => {
      const valueOf = (f: string) => (NEVER_PLAUSIBLE[p.path]?.includes(f) ? nastyString : (values[f] ?? nastyString));
      const plausible = fc.record(Object.fromEntries(p.fields.map((f) => [f, fc.oneof({ weight: 4, arbitrary: valueOf(f) }, fc.anything())])), {
        requiredKeys: [],
      });
      return fc.record({ path: fc.constant(p.path), type: fc.constant(p.type), input: fc.oneof({ weight: 5, arbitrary: plausible }, fc.anything(), fc.constant(undefined)) });
    });
  return fc.oneof(...calls);
}

/** The error code of a tRPC error body, or null for data. */
function errorCode(body: unknown): string | null {
  const error = (body as { error?: { json?: { data?: { code?: string } } } } | null)?.error;
  return error ? (error.json?.data?.code ?? 'UNKNOWN') : null;
}

async function overHttp(token: string, call: Call): Promise<{ status: number; code: string | null }> {
  const input = JSON.stringify({ json: call.input });
  const path = `${TRPC_HTTP_PATH}/${call.path}${call.type === 'query' ? `?input=${encodeURIComponent(input)}` : ''}`;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const [host, port] = served.host().split(':');
    const req = http.request(
      { host, port, path, method: call.type === 'query' ? 'GET' : 'POST', localAddress: FUZZER_ADDRESS, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, text: body }));
      },
    );
    req.on('error', reject);
    req.end(call.type === 'query' ? undefined : input);
  });
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: judged by its status alone.
  }
  return { status, code: errorCode(body) };
}

/** One socket, speaking tRPC's wire protocol by hand; resolves each call with its answer's error code. */
async function socketAs(token: string) {
  const ws = new WebSocket(`ws://${served.host()}${TRPC_WS_PATH}`, { headers: { authorization: `Bearer ${token}` }, localAddress: FUZZER_ADDRESS });
  const waiting = new Map<number, (code: string | null) => void>();
  ws.on('message', (data) => {
    const text = String(data);
    if (text === 'PING' || text === 'PONG') return;
    const answer = JSON.parse(text) as { id: number; result?: { type?: string } };
    if (answer.result?.type === 'data' && !waiting.has(answer.id)) return; // a live event of a subscription
    waiting.get(answer.id)?.(errorCode(answer));
    waiting.delete(answer.id);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 0;
  const call = (c: Call) =>
    new Promise<string | null>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`no answer to ${c.path} within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      waiting.set(id, (code) => {
        clearTimeout(timer);
        // A subscription that started is stopped again at once.
        if (c.type === 'subscription' && code === null) ws.send(JSON.stringify({ id, method: 'subscription.stop' }));
        resolve(code);
      });
      ws.send(JSON.stringify({ id, method: c.type, params: { path: c.path, input: { json: c.input } } }));
    });
  return { call, close: () => ws.close() };
}

test(
  `${HTTP_CALLS} calls over HTTP and ${WS_CALLS} over the WebSocket with generated input get typed answers, and the server serves others after`,
  { timeout: 180_000 },
  async () => {
    const { a: me, b: peer, conversationId: mine } = await createPair('fuzz');
    const { conversationId: group } = await createGroup('fuzzg', 2);
    const { conversationId: notMine } = await createPair('fuzzo');
    const values = fieldValues(me, peer, mine, group, notMine);
    const token = await issueSessionToken(me);

    const answers = new Map<string, number>();
    const count = (key: string) => answers.set(key, (answers.get(key) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(callArbitrary(values, ['query', 'mutation']), async (call) => {
        const { status, code } = await overHttp(token, call);
        count(`http ${status} ${code ?? 'data'}`);
        expect(status, `${call.path} ${JSON.stringify(call.input)?.slice(0, 200)}`).toBeLessThan(500);
        expect(code).not.toBe('INTERNAL_SERVER_ERROR');
      }),
      { seed: SEED, numRuns: HTTP_CALLS },
    );

    const socket = await socketAs(token);
    await fc.assert(
      fc.asyncProperty(callArbitrary(values, ['query', 'mutation', 'subscription']), async (call) => {
        const code = await socket.call(call);
        count(`ws ${code ?? 'data'}`);
        expect(code, `${call.path} ${JSON.stringify(call.input)?.slice(0, 200)}`).not.toBe('INTERNAL_SERVER_ERROR');
      }),
      { seed: SEED + 1, numRuns: WS_CALLS },
    );
    socket.close();

    // Both kinds of answer came often: the input reached the services, not only the validation.
    const data = [...answers].filter(([k]) => k.endsWith(' data')).reduce((n, [, v]) => n + v, 0);
    const refused = [...answers].filter(([k]) => k.includes('BAD_REQUEST')).reduce((n, [, v]) => n + v, 0);
    expect(data).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
    console.log(`fuzz: ${[...answers].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);

    // Someone else is served as before.
    const [alice, bob] = [await createUser('fuzzafter'), await createUser('fuzzafter2')];
    const { id } = await alice.caller.conversations.openDirect({ username: bob.username });
    await send(alice, id, 'still here');
    expect((await bob.caller.messages.list({ conversationId: id })).messages.map((m) => m.body)).toEqual(['still here']);
  },
);
