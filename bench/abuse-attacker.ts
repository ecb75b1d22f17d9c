// The attacker of bench/abuse.ts, in a process of its own (its CPU is not the measurer's): one
// ordinary account doing one kind of abuse (ATTACK) as hard as it can until it is killed. Prints
// "<accepted> <refused>" every half second: calls the server served, and calls it turned away.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const { ATTACK, HTTP_URL, WS_URL, TOKEN, CONVERSATION_ID } = process.env as Record<string, string>;
const auth = { authorization: `Bearer ${TOKEN}` };
let accepted = 0;
let refused = 0;
setInterval(() => console.log(`${accepted} ${refused}`), 500);

/** One reply of a raw tRPC frame: served or turned away (any error: limits answer with one). */
const count = (reply: { error?: unknown }) => (reply.error ? refused++ : accepted++);

/** The replies in a frame (none for the server's keep-alive PING, which is answered). */
function repliesIn(ws: WebSocket, data: Buffer): { id?: number; error?: unknown }[] {
  const text = data.toString();
  if (text === 'PING') {
    ws.send('PONG');
    return [];
  }
  const parsed = JSON.parse(text) as { id?: number; error?: unknown } | { id?: number; error?: unknown }[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

function socket(): Promise<WebSocket> {
  const ws = new WebSocket(WS_URL, { headers: auth });
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', () => reject(new Error('refused')));
    ws.once('error', reject);
  });
}

/** Sends as fast as the sockets take them: frames of 100 (the most one frame may carry), 500 in flight per socket. */
async function floodSends(): Promise<void> {
  let id = 0;
  for (let s = 0; s < 4; s++) {
    const ws = await socket();
    let inFlight = 0;
    const fill = () => {
      while (inFlight < 500) {
        const frame = Array.from({ length: 100 }, () => ({
          id: ++id,
          method: 'mutation',
          params: { path: 'messages.send', input: { json: { conversationId: CONVERSATION_ID, clientId: randomUUID(), body: 'flood' } } },
        }));
        inFlight += frame.length;
        ws.send(JSON.stringify(frame));
      }
    };
    ws.on('message', (data: Buffer) => {
      for (const reply of repliesIn(ws, data)) {
        count(reply);
        inFlight--;
      }
      fill();
    });
    fill();
  }
}

/** Opens socket after socket, each asking for 5 live subscriptions (one more than a socket may hold), and keeps them. */
async function floodSubscriptions(): Promise<void> {
  for (let s = 0; s < 400; s++) {
    const ws = await socket().catch(() => null);
    if (!ws) {
      refused++;
      continue;
    }
    const started = new Set<number>();
    ws.on('message', (data: Buffer) => {
      for (const reply of repliesIn(ws, data)) {
        if (reply.error) refused++;
        else if (typeof reply.id === 'number' && !started.has(reply.id)) {
          started.add(reply.id);
          accepted++;
        }
      }
    });
    ws.send(JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ id: i + 1, method: 'subscription', params: { path: 'sync.events', input: { json: {} } } }))));
  }
}

/** HTTP batches back to back from 8 loops: 16 inbox pages of 200 (the most a batch may hold), and now and then 64 (refused). */
async function floodBatches(): Promise<void> {
  const batch = (n: number) => {
    const paths = Array.from({ length: n }, () => 'conversations.list').join(',');
    const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: { limit: 200 } }]));
    return `${HTTP_URL}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
  };
  const loop = async (k: number) => {
    for (let i = 0; ; i++) {
      const n = (i + k) % 8 === 0 ? 64 : 16;
      const res = await fetch(batch(n), { headers: auth }).catch(() => null);
      const replies = res?.ok ? ((await res.json()) as { error?: unknown }[]) : (await res?.arrayBuffer(), null);
      if (replies) replies.forEach(count);
      else refused += n;
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, k) => loop(k)));
}

/** Password guesses from 16 loops, each for another username (a spray from one address). */
async function floodLogins(): Promise<void> {
  const loop = async () => {
    for (;;) {
      const res = await fetch(`${HTTP_URL}/api/trpc/auth.createToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { username: `guess_${randomUUID().slice(0, 8)}`, password: 'Summer2026!' } }),
      }).catch(() => null);
      await res?.arrayBuffer();
      if (res?.status === 401) accepted++; // checked (and wrong)
      else refused++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, loop));
}

const attacks: Record<string, () => Promise<void>> = { sends: floodSends, subscriptions: floodSubscriptions, batches: floodBatches, logins: floodLogins };
await attacks[ATTACK]();
