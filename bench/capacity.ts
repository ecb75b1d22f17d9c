// Capacity on one core: the highest aggregate rate of durable one-to-one messages Parley carries at
// p99 < 100 ms with nothing lost, against a bare relay with the same write contract (bench/relay-server.ts),
// measured the same way in the same run.
//
//   npm run bench:capacity            (Parley and the relay, C = 1000 and 200)
//   BENCH_TARGETS=parley BENCH_USERS=1000 npm run bench:capacity
//   BENCH_TARGETS=parley-split ...     two Parley instances on a Redis, each pair split over them
//   BENCH_RECEIPTS=1 ...                receivers ack delivered and read, at a web client's pace
//   BENCH_RATES=3000 BENCH_SEARCH=0 ... one rate only (with BENCH_PROFILE_DIR: a CPU profile of it)
//   BENCH_NODE_ARGS=--perf-basic-prof  node options for the servers (then `perf record -g -p <pid>`
//                                       names JS functions; see docs/performance.md)
//
// Method (docs/performance.md): the server and the PostgreSQL backends serving it pinned to core 0,
// this generator to core 1. C users as bots (bearer token on the WebSocket), paired 2k↔2k+1 in one
// direct conversation each, all subscribed to sync.events. Steps at R = 500, 1000, 2000, 4000 msgs/s
// (20 s), then doubling and bisecting (10 s); the first 2 s of each step left out. A step passes when
// p99 (send → partner's message.new) < 100 ms, nothing is lost or refused, and ≥ 97 % of R was
// delivered. A fresh database and server per series. Afterwards the database is checked: no seq
// gap or duplicate, no duplicate (sender, client id), each sender's order kept. After a search, an
// overload check: twice the capacity for 20 s (refusals only, never a server error), then p99 at half
// the capacity back to its value before within 30 s.
// Writes bench/results/capacity-<time>.json and prints a table.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ChildService, freePort, RedisProcess, ServerProcess } from '../server/test/cluster-harness.ts';
import { canPin, pin, PinnedSide } from './cores.ts';
import { ADMIN_URL, freshDatabase, makeUsers, runBench, writeResults, type BenchUser } from './harness.ts';
import { runStep, type Pair, type StepContext, type StepResult } from './load-step.ts';
import { WireClient } from './wire-client.ts';

const TARGETS = (process.env.BENCH_TARGETS ?? 'parley,relay').split(',') as Target[];
const USER_COUNTS = (process.env.BENCH_USERS ?? '1000,200').split(',').map(Number);
const FIRST_RATES = (process.env.BENCH_RATES ?? '500,1000,2000,4000').split(',').map(Number);
const FIRST_STEP_S = Number(process.env.BENCH_STEP_S ?? 20);
const LATER_STEP_S = Number(process.env.BENCH_LATER_STEP_S ?? 10);
const MAX_BISECTIONS = Number(process.env.BENCH_BISECTIONS ?? 4);
/** 1: receivers also ack delivered and read, at a web client's pace (the second capacity figure). */
const RECEIPTS = process.env.BENCH_RECEIPTS === '1';
const ACK_WINDOW_MS = 300;
/** 0: skip the overload and recovery check after the search. */
const OVERLOAD = process.env.BENCH_OVERLOAD !== '0';
/** 0: run just BENCH_RATES (profiling a rate), no doubling or bisecting. */
const SEARCH = process.env.BENCH_SEARCH !== '0';
/**
 * Profiles Parley over each step's measured window (after its warm-up) into this directory. The
 * database then runs beside the generator: on the server's core, every query's wake-up of its
 * backend preempts the server, and the profile would book the backend's time to the server's writes.
 */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** Node options for the servers under test (BENCH_NODE_ARGS, space-separated). */
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ') ?? [];
const P99_LIMIT_MS = 100;
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 3_600);
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;

type Target = 'parley' | 'relay' | 'parley-split';

class RelayProcess extends ChildService {
  protected readonly name = 'relay';
  constructor(
    port: number,
    private readonly settings: Record<string, string>,
  ) {
    super(port);
  }
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }
  protected spawnChild() {
    const script = fileURLToPath(new URL('./relay-server.ts', import.meta.url));
    return spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...this.settings, PORT: String(this.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  protected isReadyLine(text: string): boolean {
    return text.includes(`READY ${this.port}`);
  }
}


/** Direct conversations for pairs 2k↔2k+1, written straight to the database. */
async function makePairs(databaseUrl: string, users: BenchUser[]): Promise<{ conversationId: string; userIds: [string, string] }[]> {
  const pairs = Array.from({ length: users.length / 2 }, (_, k) => ({
    conversationId: randomUUID(),
    userIds: [users[2 * k].id, users[2 * k + 1].id] as [string, string],
  }));
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      `WITH c AS (
         INSERT INTO conversations (id, kind, direct_key)
         SELECT id, 'direct', least(a::text, b::text) || ':' || greatest(a::text, b::text) FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS t(id, a, b)
         RETURNING id, direct_key)
       INSERT INTO members (conversation_id, user_id)
       SELECT c.id, unnest(ARRAY[split_part(c.direct_key, ':', 1)::uuid, split_part(c.direct_key, ':', 2)::uuid]) FROM c`,
      [pairs.map((p) => p.conversationId), pairs.map((p) => p.userIds[0]), pairs.map((p) => p.userIds[1])],
    );
  } finally {
    await db.end();
  }
  return pairs;
}

interface DatabaseCheck {
  messages: number;
  seqProblems: number;
  duplicateClientIds: number;
  senderOrderBroken: number;
}

/** The durable contract, read back from the database after the series. */
async function checkDatabase(databaseUrl: string, table: string): Promise<DatabaseCheck> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const one = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0].n);
    return {
      messages: await one(`SELECT count(*) AS n FROM ${table}`),
      seqProblems: await one(
        `SELECT count(*) AS n FROM (SELECT conversation_id FROM ${table} GROUP BY conversation_id
           HAVING count(*) <> max(seq) OR count(DISTINCT seq) <> count(*) OR min(seq) <> 1) x`,
      ),
      duplicateClientIds: await one(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} GROUP BY sender_id, client_id HAVING count(*) > 1) x`),
      // Client ids carry the send index in fixed-width hex: within a sender, seq order must be index order.
      senderOrderBroken: await one(
        `SELECT count(*) AS n FROM (SELECT client_id::text AS c, lag(client_id::text) OVER (PARTITION BY conversation_id, sender_id ORDER BY seq) AS prev FROM ${table}) x
         WHERE prev IS NOT NULL AND prev > c`,
      ),
    };
  } finally {
    await db.end();
  }
}

interface SeriesResult {
  target: Target;
  users: number;
  steps: StepResult[];
  /** The highest rate that passed (0: none). */
  capacity: number;
  /** Deliveries per second at the highest rate tried (the saturation throughput when it failed). */
  saturationPerS: number;
  check: DatabaseCheck;
  overload: OverloadResult | null;
}

async function runSeries(target: Target, userCount: number): Promise<SeriesResult> {
  const database = `parley_capacity_${target.replace('-', '_')}`;
  const databaseUrl = await freshDatabase(database);
  const authSecret = randomBytes(32).toString('base64url');
  const users = await makeUsers(databaseUrl, userCount, authSecret);
  const pairsInDb = await makePairs(databaseUrl, users);
  const settings = { DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, NODE_ENV: 'production', LOG_LEVEL: 'error', SEND_RATE_LIMIT_PER_MINUTE: '1000000' };
  // parley-split: two instances on a Redis, each pair's users on different instances.
  const redis = target === 'parley-split' ? new RedisProcess(await freePort()) : null;
  await redis?.start();
  const profiling = PROFILE_DIR ? ['--profile-dir', PROFILE_DIR] : [];
  const servers =
    target === 'relay'
      ? [new RelayProcess(await freePort(), settings)]
      : target === 'parley'
        ? [new ServerProcess(await freePort(), settings, NODE_ARGS, profiling)]
        : await Promise.all(['1', '2'].map(async (node) => new ServerProcess(await freePort(), { ...settings, REDIS_URL: redis!.url, NODE_ID: node }, NODE_ARGS, profiling)));
  await Promise.all(servers.map((s) => s.start()));
  const pinned = new PinnedSide(ADMIN_URL, database, [...servers, ...(redis ? [redis] : [])].map((s) => s.pid!), SERVER_CORE, PROFILE_DIR ? GENERATOR_CORE : SERVER_CORE);
  await pinned.start();

  // Connect in batches: a thousand upgrades at once would measure the connect storm.
  const clients = new Map<string, WireClient>();
  for (let i = 0; i < users.length; i += 100) {
    await Promise.all(
      users.slice(i, i + 100).map(async (u, j) => {
        const client = new WireClient(servers[(i + j) % servers.length].wsUrl, u.token);
        await client.opened;
        clients.set(u.id, client);
      }),
    );
  }
  const maxMessages = 4_000_000;
  const ctx: StepContext = {
    pairs: pairsInDb.map((p) => ({ ...p, clients: [clients.get(p.userIds[0])!, clients.get(p.userIds[1])!] }) satisfies Pair),
    prefix: `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-4${randomBytes(2).toString('hex').slice(1)}-8${randomBytes(2).toString('hex').slice(1)}-`,
    firstIndex: 0,
    sentAt: new Float64Array(maxMessages),
    ackAt: new Float64Array(maxMessages),
    deliveredAt: new Float64Array(maxMessages),
    refusals: new Map(),
    cpuMs: () => pinned.cpuMs(),
    // With BENCH_PROFILE_DIR: the server profiles from the end of the warm-up to the end of sending.
    onWindow: PROFILE_DIR && target !== 'relay' ? () => servers.forEach((s) => process.kill(s.pid!, 'SIGUSR2')) : undefined,
    p99LimitMs: P99_LIMIT_MS,
  };
  let started = 0;
  // With receipts, every receiver acks as the web client does: delivered for everything, read for
  // every other message, in one call per client per 300 ms window (lib/sync/receipt-batcher.ts).
  const pendingAcks = new Map<WireClient, { conversationId: string; deliveredSeq: number; readSeq: number }>();
  for (const p of ctx.pairs) {
    p.clients.forEach((client, side) => {
      const partner = p.userIds[1 - side];
      client.subscribe('sync.events', {}, (event) => {
        if (event.type === 'sync.heads') started++;
        if (event.type !== 'message.new') return;
        const message = event.message as { senderId: string; clientId: string; seq: number };
        if (message.senderId !== partner || !message.clientId.startsWith(ctx.prefix)) return;
        const index = parseInt(message.clientId.slice(24), 16);
        if (ctx.deliveredAt[index] === 0) ctx.deliveredAt[index] = performance.now();
        if (!RECEIPTS) return;
        const ack = pendingAcks.get(client) ?? { conversationId: p.conversationId, deliveredSeq: 0, readSeq: 0 };
        ack.deliveredSeq = Math.max(ack.deliveredSeq, message.seq);
        if (index % 2 === 0) ack.readSeq = Math.max(ack.readSeq, message.seq);
        pendingAcks.set(client, ack);
      });
    });
  }
  while (started < users.length) await pause(20);
  const ackTimer = setInterval(() => {
    for (const [client, ack] of pendingAcks) {
      client.mutate('receipts.ack', { receipts: [{ conversationId: ack.conversationId, deliveredSeq: ack.deliveredSeq, readSeq: ack.readSeq || undefined }] }).catch(() => {});
    }
    pendingAcks.clear();
  }, ACK_WINDOW_MS);

  const steps: StepResult[] = [];
  const step = async (rate: number, durationS: number): Promise<StepResult> => {
    const result = await runStep(ctx, rate, durationS);
    ctx.firstIndex += result.sent;
    steps.push(result);
    const mark = result.passed ? 'pass' : 'FAIL';
    console.log(
      `  ${target} C=${userCount} R=${rate}/s ${durationS}s: ${mark} p50 ${result.latencyMs.p50.toFixed(1)} p99 ${result.latencyMs.p99.toFixed(1)} ms, ` +
        `ack p99 ${result.ackMs.p99.toFixed(1)} ms, achieved ${result.achievedPerS.toFixed(0)}/s, lost ${result.lost}, refused ${JSON.stringify(result.refused)}, ` +
        `${result.coreMsPerMessage.toFixed(3)} core-ms/msg (db ${result.databaseMsPerMessage.toFixed(3)}), core ${(result.coreBusy * 100).toFixed(0)} %` +
        (result.spikes.length > 0 ? `; spikes (s: ms) ${result.spikes.map(([at, ms]) => `${at}: ${ms}`).join(', ')}` : ''),
    );
    await pause(2_000); // the server settles between steps
    return result;
  };

  let lastPass = 0;
  let firstFail = Infinity;
  for (const rate of FIRST_RATES) {
    if ((await step(rate, FIRST_STEP_S)).passed) lastPass = rate;
    else if (SEARCH) {
      firstFail = rate;
      break;
    }
  }
  while (SEARCH && firstFail === Infinity) {
    const rate = lastPass * 2;
    if ((await step(rate, LATER_STEP_S)).passed) lastPass = rate;
    else firstFail = rate;
  }
  for (let i = 0; SEARCH && i < MAX_BISECTIONS && firstFail - lastPass > Math.max(25, 0.1 * firstFail); i++) {
    const rate = Math.round((lastPass + firstFail) / 2);
    if ((await step(rate, LATER_STEP_S)).passed) lastPass = rate;
    else firstFail = rate;
  }
  const highest = steps.reduce((a, b) => (b.rate > a.rate ? b : a));
  const overload = SEARCH && OVERLOAD && lastPass > 0 ? await overloadAndRecover(step, lastPass) : null;

  clearInterval(ackTimer);
  for (const c of clients.values()) c.close();
  await pinned.stop();
  await Promise.all(servers.map((s) => s.stop('SIGTERM')));
  await redis?.stop('SIGTERM');
  const check = await checkDatabase(databaseUrl, target === 'relay' ? 'relay_messages' : 'messages');
  return { target, users: userCount, steps, capacity: lastPass, saturationPerS: highest.achievedPerS, check, overload };
}

interface OverloadResult {
  rate: number;
  refused: Record<string, number>;
  /** p99 at half the capacity before the overload, ms. */
  freshP99: number;
  /** p99 of each 10 s window at half the capacity after it, ms. */
  recoveryP99s: number[];
  /** Within 30 s after the overload, p99 is back to 1.5x its fresh value, and no send failed with a server error. */
  passed: boolean;
}

/**
 * Twice the capacity for 20 s: sends past what the server can hold are refused early and cheaply
 * (TOO_MANY_REQUESTS, never a server error); then, at half the capacity, p99 must be back to its
 * fresh value within 30 s.
 */
async function overloadAndRecover(step: (rate: number, durationS: number) => Promise<StepResult>, capacity: number): Promise<OverloadResult> {
  const calm = Math.round(capacity / 2);
  const fresh = await step(calm, LATER_STEP_S);
  const storm = await step(capacity * 2, 20);
  const recovery: StepResult[] = [];
  for (let i = 0; i < 3; i++) recovery.push(await step(calm, LATER_STEP_S));
  const serverErrors = Object.entries(storm.refused).filter(([code]) => code !== 'TOO_MANY_REQUESTS').length;
  return {
    rate: capacity * 2,
    refused: storm.refused,
    freshP99: fresh.latencyMs.p99,
    recoveryP99s: recovery.map((r) => r.latencyMs.p99),
    passed: serverErrors === 0 && recovery.some((r) => r.latencyMs.p99 <= 1.5 * fresh.latencyMs.p99) && recovery.at(-1)!.lost === 0,
  };
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const pinning = canPin();
  if (pinning) pin(process.pid, GENERATOR_CORE);
  else console.log('capacity: fewer than two cores or no taskset: nothing is pinned, figures are not comparable');

  const results: SeriesResult[] = [];
  for (const users of USER_COUNTS) {
    for (const target of TARGETS) {
      console.log(`capacity: ${target}, C = ${users}${RECEIPTS ? ', with receipts' : ''}`);
      results.push(await runSeries(target, users));
    }
  }

  console.log('');
  console.log('| target | C | capacity (p99 < 100 ms) | p99 there, ms | core ms/msg there | saturation msg/s | db check |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    const at = r.steps.filter((s) => s.passed && s.rate === r.capacity).at(-1);
    const ok = r.check.seqProblems === 0 && r.check.duplicateClientIds === 0 && r.check.senderOrderBroken === 0;
    console.log(
      `| ${r.target} | ${r.users} | ${r.capacity}/s | ${at ? at.latencyMs.p99.toFixed(1) : '–'} | ${at ? at.coreMsPerMessage.toFixed(3) : '–'} | ` +
        `${r.saturationPerS.toFixed(0)} | ${ok ? `ok (${r.check.messages} messages)` : JSON.stringify(r.check)} |`,
    );
  }
  for (const r of results) {
    if (!r.overload) continue;
    const o = r.overload;
    console.log(
      `overload ${r.target} C=${r.users}: ${o.rate}/s for 20 s: ${JSON.stringify(o.refused)}; p99 at half capacity ${o.freshP99.toFixed(1)} ms before, ` +
        `${o.recoveryP99s.map((p) => p.toFixed(1)).join(' / ')} ms in the 10 s windows after: ${o.passed ? 'recovered' : 'NOT RECOVERED'}`,
    );
  }
  for (const users of USER_COUNTS) {
    const parley = results.find((r) => r.target === 'parley' && r.users === users);
    const relay = results.find((r) => r.target === 'relay' && r.users === users);
    if (parley && relay && relay.capacity > 0) console.log(`C = ${users}: Parley / relay capacity ${(parley.capacity / relay.capacity).toFixed(2)}×`);
  }
  const file = writeResults('capacity', { pinned: pinning, results });
  console.log(`results: ${file} (${((performance.now() - startedAt) / 1000).toFixed(0)} s in all)`);
  const intact = results.every((r) => r.check.seqProblems === 0 && r.check.duplicateClientIds === 0 && r.check.senderOrderBroken === 0);
  return intact ? 0 : 1;
}

await runBench('capacity', DEADLINE_S, main);
