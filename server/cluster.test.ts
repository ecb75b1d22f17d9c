// Two instances behind one Redis: events cross instances live, presence survives an instance's death,
// clients fail over to the survivor and resume, a drain loses nothing, and a Redis outage heals by resync.
// Real processes throughout: two api-servers and a redis-server of this file's own, which it kills.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ServerEvent } from '../lib/events.ts';
import type { Message } from '../lib/schemas.ts';
import { issueSessionToken } from './auth/session.ts';
import { getDb } from './db/client.ts';
import { toMessage } from './messages/write.ts';
import { OFFLINE_GRACE_MS } from './presence/service.ts';
import { freePort, RedisProcess, ServerProcess, waitUntil } from './test/cluster-harness.ts';
import { createGroup, createPair, createUser, EventQueue, releaseServices, type TestUser } from './test/helpers.ts';
import { connectClient, goOffline, sendUntilAcked, type SendRecord, type SimClient as HarnessClient } from './test/sim-client.ts';

const PRESENCE_TTL_MS = 3_000;
// Snowflake node ids of the two instances: 1000+ are left for tests (workers use 0..999, delivery 1017).
const NODE_IDS = { A: '1018', B: '1019' };
/** A dead instance's users are offline once their entries expire and a survivor's next beat sweeps them. */
const OFFLINE_AFTER_KILL_MS = PRESENCE_TTL_MS + PRESENCE_TTL_MS / 3 + OFFLINE_GRACE_MS + 3_000;
const CATCH_UP_TIMEOUT_MS = 15_000;
const SEND_DEADLINE_MS = 20_000;

type SimClient = HarnessClient<TestUser> & { events: EventQueue };

/**
 * What a load balancer does, in the test's hands: routes each connection attempt to a backend in its
 * rotation, and drops a backend from it only when a health check (GET /readyz) says so, which the test
 * runs when it wants the balancer to notice.
 */
class LoadBalancer {
  private readonly out = new Set<ServerProcess>();
  private turn = 0;

  constructor(private readonly backends: ServerProcess[]) {}

  async check(): Promise<void> {
    await Promise.all(
      this.backends.map(async (b) => {
        if ((await b.readiness()) === 200) this.out.delete(b);
        else this.out.add(b);
      }),
    );
  }

  inRotation(backend: ServerProcess): boolean {
    return !this.out.has(backend);
  }

  /** The URL a client behind the balancer asks before each attempt: `preferred` while it is in rotation (affinity). */
  urlFor(preferred: ServerProcess): () => string {
    return () => {
      if (this.inRotation(preferred)) return preferred.wsUrl;
      const live = this.backends.filter((b) => this.inRotation(b));
      // With nothing healthy, balancers fail open: try them all.
      const pool = live.length > 0 ? live : this.backends;
      return pool[this.turn++ % pool.length].wsUrl;
    };
  }
}

let redis: RedisProcess;
let a: ServerProcess;
let b: ServerProcess;
let lb: LoadBalancer;
/** Set once the file is done, so leftover send loops stop retrying. */
let over = false;
const openClients: SimClient[] = [];

beforeAll(async () => {
  redis = new RedisProcess(await freePort());
  await redis.start();
  const settings = { REDIS_URL: redis.url, PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) };
  a = new ServerProcess(await freePort(), { ...settings, NODE_ID: NODE_IDS.A });
  b = new ServerProcess(await freePort(), { ...settings, NODE_ID: NODE_IDS.B });
  lb = new LoadBalancer([a, b]);
  await Promise.all([a.start(), b.start()]);
}, 60_000);

afterEach(async () => {
  await closeClients(openClients.splice(0));
});

afterAll(async () => {
  over = true;
  await closeClients(openClients.splice(0));
  await Promise.all([a?.dispose(), b?.dispose()]);
  await redis?.dispose();
  await releaseServices();
}, 30_000);

async function closeClients(clients: SimClient[]): Promise<void> {
  // A client whose server is gone may never finish closing; it is dropped with the worker then.
  await Promise.race([Promise.all(clients.map((c) => c.close().catch(() => {}))), new Promise((r) => setTimeout(r, 3_000))]);
}

const starting = new Set<Promise<void>>();

/** Starts a killed instance again in the background, while the test that killed it finishes. */
function restartSoon(server: ServerProcess): void {
  const start: Promise<void> = server.start().finally(() => starting.delete(start));
  start.catch(() => {}); // bothUp reports it
  starting.add(start);
}

/** Both instances up (a test before may have killed one) and in the balancer's rotation (ready, Redis linked). */
async function bothUp(): Promise<void> {
  await Promise.all([...starting]);
  await Promise.all([a, b].filter((s) => !s.isRunning).map((s) => s.start()));
  await waitUntil(async () => (await lb.check(), lb.inRotation(a) && lb.inRotation(b)), 10_000, () => 'both instances ready');
}

/** A client of `user` on `url` (a fixed instance, or the balancer's pick), subscribed and past its first heads. */
async function connect(user: TestUser, tag: string, conversationIds: string[], url: string | (() => string)): Promise<SimClient> {
  const events = new EventQueue();
  const client = Object.assign(
    await connectClient({ user, tag, conversationIds, url, token: await issueSessionToken(user), onEvent: (e) => events.push(e) }),
    { events },
  );
  openClients.push(client);
  await events.next((e) => e.type === 'sync.heads', 10_000);
  return client;
}

const isMessage = (clientId: string) => (e: ServerEvent) => e.type === 'message.new' && e.message.clientId === clientId;

/** A message's every field as a client shows it. */
const shown = (m: Message) => `${m.id}|${m.seq}|${m.senderId}|${m.clientId}|${m.body}|${m.createdAt.getTime()}`;

/** Waits until every client holds its conversations up to what PostgreSQL committed, then checks they hold exactly that. */
async function expectStoresToEqualDatabase(clients: SimClient[]): Promise<void> {
  const ids = [...new Set(clients.flatMap((c) => c.conversationIds))];
  let top = new Map<string, number>();
  const lagging = () =>
    clients.flatMap((c) =>
      c.conversationIds
        .filter((id) => c.store.contiguousTop(id) < top.get(id)!)
        .map((id) => `${c.tag} holds ${id} to ${c.store.contiguousTop(id)} of ${top.get(id)}`),
    );
  await waitUntil(
    async () => {
      const rows = await getDb().conversation.findMany({ where: { id: { in: ids } }, select: { id: true, lastSeq: true } });
      top = new Map(rows.map((r) => [r.id, Number(r.lastSeq)]));
      return lagging().length === 0;
    },
    CATCH_UP_TIMEOUT_MS,
    () => lagging().join('; '),
  );
  for (const id of ids) {
    const rows = (await getDb().message.findMany({ where: { conversationId: id }, orderBy: { seq: 'asc' } })).map(toMessage);
    for (const client of clients.filter((c) => c.conversationIds.includes(id))) {
      expect(client.store.get(id).messages.map(shown), `${client.tag}'s store of ${id}`).toEqual(rows.map(shown));
      expect(client.store.get(id).pending, `${client.tag}'s pending sends in ${id}`).toEqual([]);
    }
  }
}

/** One client sending, `inFlight` at a time and `gapMs` apart, until stopped; every send is retried until acked. */
class Sender {
  readonly records: SendRecord[] = [];
  private stopped = false;
  readonly done: Promise<void>;

  constructor(
    readonly client: SimClient,
    conversationIds: string[],
    { inFlight = 2, gapMs = 40 }: { inFlight?: number; gapMs?: number } = {},
  ) {
    const running = new Set<Promise<void>>();
    this.done = (async () => {
      for (let i = 0; !this.stopped; i++) {
        while (running.size >= inFlight) await Promise.race(running);
        if (this.stopped) break;
        const record: SendRecord = {
          sender: client.tag,
          index: i,
          conversationId: conversationIds[i % conversationIds.length],
          clientId: randomUUID(),
          body: `${client.tag}#${i}`,
          attempts: 0,
        };
        this.records.push(record);
        const deadline = Date.now() + SEND_DEADLINE_MS;
        const sending: Promise<void> = sendUntilAcked(client, record, deadline, () => over).finally(() => running.delete(sending));
        running.add(sending);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      await Promise.all(running);
    })();
  }

  get acked(): number {
    return this.records.filter((r) => r.ack).length;
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }
}

/** Every send acked, and stored exactly once under the id and seq its ack named. */
async function expectEachSendStoredOnce(records: SendRecord[]): Promise<void> {
  expect(records.filter((r) => !r.ack).map((r) => r.body), 'sends never acked').toEqual([]);
  const rows = await getDb().message.findMany({ where: { clientId: { in: records.map((r) => r.clientId) } } });
  const stored = new Map<string, string[]>();
  const key = (m: { clientId: string; body: string }) => `${m.clientId}|${m.body}`;
  for (const row of rows) stored.set(key(row), [...(stored.get(key(row)) ?? []), `${row.id}/${row.seq}`]);
  const problems = records
    .map((r) => ({ body: r.body, want: `${r.ack!.id}/${r.ack!.seq}`, got: stored.get(key(r)) ?? [] }))
    .filter(({ want, got }) => got.length !== 1 || got[0] !== want)
    .map(({ body, want, got }) => `${body}: acked as ${want}, stored as [${got.join(', ')}]`);
  expect(problems).toEqual([]);
  expect(rows).toHaveLength(records.length);
}

describe('two instances sharing PostgreSQL and a Redis', { timeout: 30_000 }, () => {
  test('an instance that says it is ready is ready: /readyz answers 200 from its first moment', async () => {
    const c = new ServerProcess(await freePort(), { REDIS_URL: redis.url, PRESENCE_TTL_MS: String(PRESENCE_TTL_MS), NODE_ID: '9' });
    try {
      await c.start();
      expect(await c.readiness()).toBe(200);
    } finally {
      await c.dispose();
    }
  });

  test("a message sent on A reaches the recipient on B live, and the sender's other device on B", async () => {
    await bothUp();
    const { a: alice, b: bob, conversationId } = await createPair('clmsg');
    const [alicePhone, aliceLaptop, bobPhone] = await Promise.all([
      connect(alice, 'alice-A', [conversationId], a.wsUrl),
      connect(alice, 'alice-B', [conversationId], b.wsUrl),
      connect(bob, 'bob-B', [conversationId], b.wsUrl),
    ]);

    const clientId = randomUUID();
    const sent = await alicePhone.trpc.messages.send.mutate({ conversationId, clientId, body: 'across instances' });

    for (const device of [bobPhone, aliceLaptop]) {
      const event = await device.events.next(isMessage(clientId));
      expect(event).toEqual({ type: 'message.new', message: sent });
      expect(device.store.get(conversationId).messages.map(shown)).toEqual([shown(sent)]);
      expect(device.stats.connectedTo).toBe(b.wsUrl);
    }
  });

  test('read receipts acked on B reach the sender on A', async () => {
    await bothUp();
    const { a: alice, b: bob, conversationId } = await createPair('clrcp');
    const [aliceOnA, bobOnB] = await Promise.all([
      connect(alice, 'alice-A', [conversationId], a.wsUrl),
      connect(bob, 'bob-B', [conversationId], b.wsUrl),
    ]);
    const sent = await aliceOnA.trpc.messages.send.mutate({ conversationId, clientId: randomUUID(), body: 'read me' });
    await bobOnB.events.next(isMessage(sent.clientId));

    await bobOnB.trpc.receipts.ack.mutate({ receipts: [{ conversationId, deliveredSeq: sent.seq, readSeq: sent.seq }] });

    const receipt = await aliceOnA.events.next((e) => e.type === 'receipt.updated' && e.userId === bob.id);
    expect(receipt).toEqual({
      type: 'receipt.updated',
      conversationId,
      userId: bob.id,
      deliveredSeq: sent.seq,
      readSeq: sent.seq,
      allDeliveredSeq: sent.seq,
      allReadSeq: sent.seq,
    });
  });

  test('typing on A reaches the other member on B, start and stop', async () => {
    await bothUp();
    const { a: alice, b: bob, conversationId } = await createPair('cltyp');
    const [aliceOnA, bobOnB] = await Promise.all([
      connect(alice, 'alice-A', [conversationId], a.wsUrl),
      connect(bob, 'bob-B', [conversationId], b.wsUrl),
    ]);

    await aliceOnA.trpc.typing.set.mutate({ conversationId, isTyping: true });
    expect(await bobOnB.events.next((e) => e.type === 'typing.updated')).toEqual({
      type: 'typing.updated',
      conversationId,
      userId: alice.id,
      isTyping: true,
    });
    await aliceOnA.trpc.typing.set.mutate({ conversationId, isTyping: false });
    expect(await bobOnB.events.next((e) => e.type === 'typing.updated')).toMatchObject({ userId: alice.id, isTyping: false });
    // Typing goes to the others only: the typist's own connection hears nothing.
    expect(aliceOnA.events.events.filter((e) => e.type === 'typing.updated')).toEqual([]);
  });

  test('a block made on A holds on B at once: what the blocked person sends there is withheld from the blocker on A', async () => {
    await bothUp();
    const { a: alice, b: bob, conversationId } = await createPair('clblk');
    const carol = await createUser('clblc');
    const { id: marker } = await carol.caller.conversations.openDirect({ username: alice.username });
    const [aliceOnA, bobOnB, carolOnB] = await Promise.all([
      connect(alice, 'alice-A', [conversationId, marker], a.wsUrl),
      connect(bob, 'bob-B', [conversationId], b.wsUrl),
      connect(carol, 'carol-B', [marker], b.wsUrl),
    ]);
    await aliceOnA.trpc.contacts.block.mutate({ userId: bob.id });
    const withheld = await bobOnB.trpc.messages.send.mutate({ conversationId, clientId: randomUUID(), body: 'right after the block' });
    expect(withheld.seq).toBe(1);
    // The next message Alice hears of is Carol's, sent after Bob's: his never came.
    await carolOnB.trpc.messages.send.mutate({ conversationId: marker, clientId: randomUUID(), body: 'marker' });
    const next = await aliceOnA.events.next((e) => e.type === 'message.new', 10_000);
    expect(next.type === 'message.new' && next.message.body).toBe('marker');
  });

  test('a user connecting on A is announced online to a contact on B', async () => {
    await bothUp();
    const { a: carol, b: dave, conversationId } = await createPair('clpon');
    const daveOnB = await connect(dave, 'dave-B', [conversationId], b.wsUrl);

    await connect(carol, 'carol-A', [conversationId], a.wsUrl);

    expect(await daveOnB.events.next((e) => e.type === 'presence.updated' && e.userId === carol.id)).toEqual({
      type: 'presence.updated',
      userId: carol.id,
      visible: true,
      online: true,
      lastSeenAt: null,
    });
    const [seen] = await daveOnB.trpc.presence.get.query({ userIds: [carol.id] });
    expect(seen).toMatchObject({ userId: carol.id, visible: true, online: true });
  });

  test('a Redis restart while messages flow between A and B loses nothing: the gap signal resyncs clients whose sockets never dropped, /readyz is 503 meanwhile, and presence comes back', async () => {
    await bothUp();
    // "busy" carries messages both ways before, during and after the outage. In "quiet", A sends to B
    // only before and during it: what B missed then can only come back through the fresh heads that
    // the gap signal sends (no later message reveals the gap).
    const busy = await createPair('clrbz');
    const quiet = await createPair('clrqt');
    const clients = await Promise.all([
      connect(busy.a, 'busy-A', [busy.conversationId], a.wsUrl),
      connect(busy.b, 'busy-B', [busy.conversationId], b.wsUrl),
      connect(quiet.a, 'quiet-A', [quiet.conversationId], a.wsUrl),
      connect(quiet.b, 'quiet-B', [quiet.conversationId], b.wsUrl),
    ]);
    const [busyA, busyB, quietA, quietB] = clients;
    const busySenders = [busyA, busyB].map((c) => new Sender(c, [busy.conversationId]));
    const quietSender = new Sender(quietA, [quiet.conversationId]);
    const senders = [...busySenders, quietSender];
    const ackedBy = () => senders.map((s) => s.acked);
    const allAckedAtLeast = (floor: number[]) => senders.every((s, i) => s.acked >= floor[i]);

    try {
      await waitUntil(() => allAckedAtLeast([5, 5, 5]), 10_000, () => `acks so far ${ackedBy()}`);
      // Live across instances before the outage.
      await waitUntil(
        () => quietB.store.get(quiet.conversationId).topSeq > 0 && busyA.store.get(busy.conversationId).messages.some((m) => m.senderId === busy.b.id),
        5_000,
        () => 'live delivery from A to B and from B to A',
      );
      expect([await a.readiness(), await b.readiness()]).toEqual([200, 200]);

      await redis.stop('SIGKILL');
      await waitUntil(async () => (await a.readiness()) === 503 && (await b.readiness()) === 503, 10_000, () => '/readyz 503 on both');
      // Sends still commit while Redis is away (PostgreSQL is the source of truth).
      const atOutage = ackedBy();
      await waitUntil(() => allAckedAtLeast(atOutage.map((n) => n + 5)), 10_000, () => `acks during the outage ${ackedBy()} (from ${atOutage})`);
      await quietSender.stop();
      const missedByQuietB = quietSender.records.length - quietB.store.contiguousTop(quiet.conversationId);

      await redis.start();
      await waitUntil(async () => (await a.readiness()) === 200 && (await b.readiness()) === 200, 15_000, () => '/readyz 200 on both');
      // The new Redis starts empty: heartbeats register the connections again, so everyone is online.
      const everyone = [busy.a.id, busy.b.id, quiet.a.id, quiet.b.id];
      let presence: unknown[] = [];
      await waitUntil(
        async () => {
          presence = await busyA.trpc.presence.get.query({ userIds: everyone });
          return presence.every((p) => (p as { online?: boolean }).online === true);
        },
        PRESENCE_TTL_MS,
        () => `presence after the restart: ${JSON.stringify(presence)}`,
      );
      const atRecovery = ackedBy();
      await waitUntil(() => allAckedAtLeast([atRecovery[0] + 5, atRecovery[1] + 5, 0]), 10_000, () => 'acks after the outage');
      await Promise.all(busySenders.map((s) => s.stop()));

      await expectStoresToEqualDatabase(clients);
      await expectEachSendStoredOnce(senders.flatMap((s) => s.records));
      expect(missedByQuietB, 'quiet-B missed the messages of the outage').toBeGreaterThanOrEqual(5);
      for (const client of clients) {
        expect(client.stats.socketsOpened, `${client.tag} kept its one WebSocket`).toBe(1);
        expect(client.stats.headsEvents, `${client.tag} was sent fresh heads`).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
    }
  });

  test("a SIGKILLed instance's only-connected user goes offline for contacts on the other instance within the TTL, with last seen set", async () => {
    await bothUp();
    const { a: xavier, b: yara, conversationId } = await createPair('clpkl');
    const yaraOnA = await connect(yara, 'yara-A', [conversationId], a.wsUrl);
    const xavierOnB = await connect(xavier, 'xavier-B', [conversationId], b.wsUrl);
    await yaraOnA.events.next((e) => e.type === 'presence.updated' && e.userId === xavier.id && e.visible && e.online);

    const killedAt = Date.now();
    expect(await b.stop('SIGKILL')).toBe('SIGKILL');
    // Xavier's phone loses its network too, so B can come back at once without him.
    goOffline(xavierOnB);
    restartSoon(b);

    const offline = await yaraOnA.events.next(
      (e) => e.type === 'presence.updated' && e.userId === xavier.id && e.visible && !e.online,
      OFFLINE_AFTER_KILL_MS,
    );
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(OFFLINE_AFTER_KILL_MS);
    // The survivor's sweep wrote last seen (after the kill), told the contact, and presence.get agrees.
    const { lastSeenAt } = await getDb().user.findUniqueOrThrow({ where: { id: xavier.id }, select: { lastSeenAt: true } });
    expect(lastSeenAt!.getTime()).toBeGreaterThanOrEqual(killedAt);
    expect(offline).toEqual({ type: 'presence.updated', userId: xavier.id, visible: true, online: false, lastSeenAt });
    expect(await yaraOnA.trpc.presence.get.query({ userIds: [xavier.id] })).toEqual([{ userId: xavier.id, visible: true, online: false, lastSeenAt }]);
  });

  test("after SIGKILL of A, A's clients reconnect to B and resume with nothing lost", async () => {
    await bothUp();
    const group = await createGroup('clfail', 4);
    const [p1, p2, q1, q2] = group.users;
    const direct = (await p1.caller.conversations.openDirect({ username: q1.username })).id;
    const conversationsOf = (u: TestUser) => [group.conversationId, ...(u === p1 || u === q1 ? [direct] : [])];
    const clients = await Promise.all([
      connect(p1, 'p1', conversationsOf(p1), lb.urlFor(a)),
      connect(p2, 'p2', conversationsOf(p2), lb.urlFor(a)),
      connect(q1, 'q1', conversationsOf(q1), lb.urlFor(b)),
      connect(q2, 'q2', conversationsOf(q2), lb.urlFor(b)),
    ]);
    const [onA, onB] = [clients.slice(0, 2), clients.slice(2)];
    expect(clients.map((c) => c.stats.connectedTo)).toEqual([a.wsUrl, a.wsUrl, b.wsUrl, b.wsUrl]);
    const records: SendRecord[] = [];
    const sendAll = async (from: SimClient[], round: string) => {
      const deadline = Date.now() + SEND_DEADLINE_MS;
      await Promise.all(
        from.flatMap((c) =>
          c.conversationIds.flatMap((conversationId) =>
            [0, 1, 2].map((i) => {
              const body = `${c.tag} ${round} ${i} in ${conversationId === direct ? 'direct' : 'group'}`;
              const record: SendRecord = { sender: c.tag, index: i, conversationId, clientId: randomUUID(), body, attempts: 0 };
              records.push(record);
              return sendUntilAcked(c, record, deadline, () => over);
            }),
          ),
        ),
      );
    };
    await sendAll(clients, 'before');

    expect(await a.stop('SIGKILL')).toBe('SIGKILL');
    // The balancer has not noticed yet: A's clients keep trying A, and are away while B's clients send.
    await sendAll(onB, 'while away');
    expect(onA.map((c) => c.stats.socketsOpened)).toEqual([1, 1]);
    await lb.check();
    expect(lb.inRotation(a)).toBe(false);
    restartSoon(a); // out of rotation until the next check: A's clients stay on B

    await waitUntil(() => onA.every((c) => c.stats.socketsOpened === 2), 10_000, () => "A's clients reconnected");
    expect(onA.map((c) => c.stats.connectedTo)).toEqual([b.wsUrl, b.wsUrl]);
    await sendAll(onA, 'after');
    await expectStoresToEqualDatabase(clients);
    await expectEachSendStoredOnce(records);
    // The messages sent while they were away could only reach them by resuming: heads, then a fill.
    for (const c of onA) expect(c.stats.headsEvents, `${c.tag} resubscribed`).toBeGreaterThanOrEqual(2);
  });

  test('SIGTERM of an instance while sends are in flight exits 0 within 10 s, its clients move to the other, and every acked send is stored once', async () => {
    await bothUp();
    const group = await createGroup('clterm', 4);
    const [r1, r2, s1, s2] = group.users;
    const ids = [group.conversationId];
    const clients = await Promise.all([
      connect(r1, 'r1', ids, lb.urlFor(a)),
      connect(r2, 'r2', ids, lb.urlFor(a)),
      connect(s1, 's1', ids, lb.urlFor(b)),
      connect(s2, 's2', ids, lb.urlFor(b)),
    ]);
    const onB = clients.slice(2);
    expect(clients.map((c) => c.stats.connectedTo)).toEqual([a.wsUrl, a.wsUrl, b.wsUrl, b.wsUrl]);
    const senders = clients.map((c) => new Sender(c, ids, { inFlight: 3, gapMs: 20 }));
    try {
      await waitUntil(() => senders.every((s) => s.acked >= 5), 10_000, () => `acks ${senders.map((s) => s.acked)}`);
      // Stop at a moment with sends in flight (a sample taken at any moment often found none: sends take ms).
      const unacked = () => senders.reduce((n, s) => n + s.records.length - s.acked, 0);
      await waitUntil(() => unacked() > 0, 10_000, () => 'a send in flight');
      const inFlight = unacked(); // no ack can land between here and the signal: both happen in this turn

      const stoppedAt = Date.now();
      // The balancer takes B out when its /readyz turns 503 (draining) or stops answering.
      const [ending] = await Promise.all([
        b.stop('SIGTERM'),
        waitUntil(async () => (await lb.check(), !lb.inRotation(b)), 10_000, () => 'B out of rotation'),
      ]);
      const tookMs = Date.now() - stoppedAt;
      expect(ending, 'exit code').toBe(0);
      expect(tookMs).toBeLessThan(10_000);

      await waitUntil(() => onB.every((c) => c.stats.connectedTo === a.wsUrl), 10_000, () => "B's clients on A");
      const afterStop = senders.map((s) => s.acked);
      await waitUntil(() => senders.every((s, i) => s.acked >= afterStop[i] + 3), 10_000, () => 'sends after the drain');
      await Promise.all(senders.map((s) => s.stop()));

      expect(inFlight, 'sends were in flight when B was told to stop').toBeGreaterThan(0);
      await expectEachSendStoredOnce(senders.flatMap((s) => s.records));
      await expectStoresToEqualDatabase(clients);
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
    }
  });
});
