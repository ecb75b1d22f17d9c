// The inbox and history at scale: one user in BENCH_INBOX_CHATS (500) direct chats, BENCH_INBOX_MESSAGES
// (1,000,000) messages stored across them, some unread; conversations.list and the first page of
// messages.list timed over HTTP, one call at a time, as a client opening the app makes them.
//
//   npm run bench:inbox
//
// The messages are written straight into the database (a set-based INSERT), then ANALYZEd: what is
// timed is reading, at a size an instance reaches after months. Every peer has a profile photo, half
// of them for their contacts only.
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freshDatabase, makeUsers, ms, percentile, runBench, timeCalls, unbudgetedApi, writeResults } from './harness.ts';

const CHATS = Number(process.env.BENCH_INBOX_CHATS ?? 500);
const MESSAGES = Number(process.env.BENCH_INBOX_MESSAGES ?? 1_000_000);
const CALLS = Number(process.env.BENCH_INBOX_CALLS ?? 200);
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 900);
const TARGETS = { inbox: 30, history: 20 };

async function main(): Promise<number> {
  const startedAt = performance.now();
  const databaseUrl = await freshDatabase('parley_inbox');
  const authSecret = randomBytes(32).toString('base64url');
  const [me, ...peers] = await makeUsers(databaseUrl, CHATS + 1, authSecret);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const conversations = peers.map(() => randomUUID());
  const perChat = Math.floor(MESSAGES / CHATS);
  const seedStart = performance.now();
  try {
    await db.query(
      `WITH c AS (
         INSERT INTO conversations (id, kind, direct_key, last_seq, last_at)
         SELECT id, 'direct', least($2::text, p::text) || ':' || greatest($2::text, p::text), $3, now() - (ord || ' minutes')::interval
         FROM unnest($1::uuid[], $4::uuid[]) WITH ORDINALITY AS t(id, p, ord) RETURNING id, direct_key)
       INSERT INTO members (conversation_id, user_id, read_seq, delivered_seq)
       SELECT c.id, u, $3 - 25, $3 FROM c, unnest(ARRAY[split_part(c.direct_key, ':', 1)::uuid, split_part(c.direct_key, ':', 2)::uuid]) AS u`,
      [conversations, me.id, perChat, peers.map((p) => p.id)],
    );
    // Every chat: perChat messages alternating between the two, the last 25 unread by me.
    await db.query(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, kind, created_at)
       SELECT (k.ord * 1000000 + s.seq), k.cid, s.seq, CASE WHEN s.seq % 2 = 0 THEN $2::uuid ELSE k.peer END, gen_random_uuid(),
         'message number ' || s.seq || ' of a conversation that went on for a while', 'text', now() - ((${perChat} - s.seq) || ' seconds')::interval
       FROM unnest($1::uuid[], $3::uuid[]) WITH ORDINALITY AS k(cid, peer, ord), generate_series(1, ${perChat}) AS s(seq)`,
      [conversations, me.id, peers.map((p) => p.id)],
    );
    // Every peer has a photo; half show it to everyone, half to their contacts only (I am in some of
    // their contact lists): the chat list works out what the caller may see for each.
    const photo = randomUUID();
    await db.query(
      `INSERT INTO media (id, upload_id, source_sha256, sha256, kind, mime, name, size) VALUES ($1::uuid, $1::text, '\\x00', '\\x00', 'image', 'image/jpeg', 'photo.jpg', 1)`,
      [photo],
    );
    await db.query(`UPDATE users SET photo_id = $1, photo_visibility = CASE WHEN random() < 0.5 THEN 'everyone' ELSE 'contacts' END WHERE id = ANY($2::uuid[])`, [photo, peers.map((p) => p.id)]);
    await db.query(`INSERT INTO contacts (owner_id, contact_id) SELECT p, $1 FROM unnest($2::uuid[]) AS p WHERE random() < 0.5`, [me.id, peers.map((p) => p.id)]);
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }
  const seededS = (performance.now() - seedStart) / 1000;

  // An inbox page costs 25 of a person's 200 units a second: this server has no budget.
  const api = await unbudgetedApi(databaseUrl, authSecret, me.token);
  const time = (call: () => Promise<unknown>) => timeCalls(call, CALLS, 10);
  const inbox = await api.conversations.list.query();
  const inboxMs = await time(() => api.conversations.list.query());
  const bigPageMs = await time(() => api.conversations.list.query({ limit: 200 }));
  const laterMs = await time(() => api.conversations.list.query({ cursor: inbox.nextCursor }));
  let k = 0;
  const historyMs = await time(() => api.messages.list.query({ conversationId: conversations[k++ % conversations.length], limit: 50 }));

  const rows = [
    { measure: `conversations.list, the first page (${inbox.conversations.length} of ${CHATS} chats)`, samples: inboxMs, target: TARGETS.inbox },
    { measure: 'conversations.list, a page of 200', samples: bigPageMs, target: TARGETS.inbox },
    { measure: 'conversations.list, the second page', samples: laterMs, target: TARGETS.inbox },
    { measure: 'messages.list, the latest page of 50', samples: historyMs, target: TARGETS.history },
  ];
  console.log(`inbox: one user in ${CHATS} chats, ${(perChat * CHATS).toLocaleString('en')} messages stored (seeded in ${seededS.toFixed(0)} s), ${CALLS} calls each over HTTP`);
  console.log('');
  console.log('| measure | median ms | p99 ms | target p99 |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.measure} | ${ms(percentile(r.samples, 0.5))} | ${ms(percentile(r.samples, 0.99))} | < ${r.target} ms |`);
  console.log(`(${((performance.now() - startedAt) / 1000).toFixed(0)} s in all)`);
  writeResults('inbox', { chats: CHATS, messages: perChat * CHATS, results: rows.map((r) => ({ measure: r.measure, p50: percentile(r.samples, 0.5), p99: percentile(r.samples, 0.99), target: r.target })) });
  return inbox.conversations.length > 0 && inbox.nextCursor ? 0 : 1;
}

await runBench('inbox', DEADLINE_S, main);
