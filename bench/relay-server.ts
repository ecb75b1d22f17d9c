// The reference the capacity bench compares Parley with: a bare WebSocket relay that keeps
// Parley's write contract (a Snowflake id, a gapless seq per conversation, idempotency on
// (sender, client id), the ack only after the commit) with group commit: the sends that arrive
// while one batch is being written go out together as one prepared set-based statement.
// It speaks just enough of tRPC's wire protocol for bench/wire-client.ts. Not part of Parley.
//
//   node --import tsx bench/relay-server.ts   (DATABASE_URL, AUTH_SECRET, PORT; prints READY <port>)
import http from 'node:http';
import { decode } from 'next-auth/jwt';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { Snowflake } from '../server/snowflake.ts';

const MAX_BATCH = 2_000;
// Without sequential scans, as Parley's statements run: plans cached while the tables are small
// would otherwise scan them whole as they grow (a fair reference must not carry that handicap).
const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4, options: '-c enable_seqscan=off' });
const secret = process.env.AUTH_SECRET!;
const ids = new Snowflake(7);

await db.query(`
  CREATE TABLE IF NOT EXISTS relay_conversations (id uuid PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS relay_messages (
    id bigint PRIMARY KEY, conversation_id uuid NOT NULL, seq bigint NOT NULL, sender_id uuid NOT NULL,
    client_id uuid NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conversation_id, seq), UNIQUE (sender_id, client_id));
  INSERT INTO relay_conversations (id) SELECT id FROM conversations ON CONFLICT DO NOTHING;`);
// Membership from Parley's tables, once: the relay keeps it in memory.
const membersOf = new Map<string, string[]>();
for (const r of (await db.query<{ conversation_id: string; user_id: string }>('SELECT conversation_id, user_id FROM members')).rows) {
  membersOf.set(r.conversation_id, [...(membersOf.get(r.conversation_id) ?? []), r.user_id]);
}

const WRITE = {
  name: 'relay-write',
  text: `
    WITH input AS (
      SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[]) AS t(ord, cid, sender, client_id, body, id)
    ), existing AS (
      SELECT i.ord, m.id, m.seq, m.created_at FROM input i JOIN relay_messages m ON m.sender_id = i.sender AND m.client_id = i.client_id
    ), fresh AS (
      SELECT i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
    ), counts AS (
      SELECT cid, count(*) AS n FROM fresh GROUP BY cid
    ), heads AS (
      UPDATE relay_conversations c SET last_seq = c.last_seq + counts.n FROM counts WHERE c.id = counts.cid
      RETURNING c.id, c.last_seq - counts.n AS base
    ), numbered AS (
      SELECT f.*, h.base + row_number() OVER (PARTITION BY f.cid ORDER BY f.ord) AS seq FROM fresh f JOIN heads h ON h.id = f.cid
    ), ins AS (
      INSERT INTO relay_messages (id, conversation_id, seq, sender_id, client_id, body)
      SELECT id, cid, seq, sender, client_id, body FROM numbered RETURNING id, seq, created_at, client_id, sender_id
    )
    SELECT n.ord, i.id, i.seq, i.created_at FROM ins i JOIN numbered n ON n.sender = i.sender_id AND n.client_id = i.client_id
    UNION ALL SELECT ord, id, seq, created_at FROM existing`,
};

interface Send {
  userId: string;
  conversationId: string;
  clientId: string;
  body: string;
  done: (message: Record<string, unknown>) => void;
}

const queue: Send[] = [];
let writing = false;
const sockets = new Map<string, Set<(event: Record<string, unknown>) => void>>();

async function flush(): Promise<void> {
  if (writing || queue.length === 0) return;
  writing = true;
  const batch = queue.splice(0, MAX_BATCH);
  try {
    const result = await db.query<{ ord: number; id: string; seq: string; created_at: Date }>({
      ...WRITE,
      values: [
        batch.map((_, i) => i),
        batch.map((s) => s.conversationId),
        batch.map((s) => s.userId),
        batch.map((s) => s.clientId),
        batch.map((s) => s.body),
        batch.map(() => ids.next().toString()),
      ],
    });
    for (const row of result.rows) {
      const s = batch[row.ord];
      const message = { id: row.id, conversationId: s.conversationId, seq: Number(row.seq), senderId: s.userId, clientId: s.clientId, body: s.body, kind: 'text', createdAt: row.created_at.toISOString() };
      s.done(message);
      for (const member of membersOf.get(s.conversationId) ?? []) for (const deliver of sockets.get(member) ?? []) deliver({ type: 'message.new', message });
    }
  } catch (err) {
    console.error('relay write failed', err);
  } finally {
    writing = false;
    void flush();
  }
}

const server = http.createServer((_, res) => res.end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', async (ws: WebSocket, req) => {
  const token = await decode({ token: req.headers.authorization?.slice(7) ?? '', secret }).catch(() => null);
  const userId = token?.sub;
  if (!userId) return ws.close();
  const send = (payload: unknown) => ws.send(JSON.stringify(payload));
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (text === 'PONG' || text === 'PING') return;
    const msg = JSON.parse(text) as { id: number; method: string; params: { path: string; input: { json: Record<string, string> } } };
    if (msg.method === 'subscription') {
      const deliver = (event: Record<string, unknown>) => send({ id: msg.id, result: { type: 'data', id: 'e', data: { json: { id: 'e', data: event } } } });
      sockets.set(userId, (sockets.get(userId) ?? new Set()).add(deliver));
      ws.once('close', () => sockets.get(userId)?.delete(deliver));
      send({ id: msg.id, result: { type: 'started' } });
      deliver({ type: 'sync.heads', conversations: [] }); // as Parley's subscription starts
      return;
    }
    const { conversationId, clientId, body } = msg.params.input.json;
    if (!membersOf.get(conversationId)?.includes(userId)) return send({ id: msg.id, error: { json: { message: 'not a member', data: { code: 'FORBIDDEN' } } } });
    queue.push({ userId, conversationId, clientId, body, done: (message) => send({ id: msg.id, result: { type: 'data', data: { json: message } } }) });
    void flush();
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`READY ${port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => void db.end().finally(() => process.exit(0)));
