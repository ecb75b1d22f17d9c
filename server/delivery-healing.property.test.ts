// Delivery property with faults the receiver's socket never notices: two instances on Redis, clients
// of each conversation on both, while the instances' publishing connections to Redis are killed again
// and again (their subscribers stay up, so no gap signal), one instance is SIGKILLed under load
// (messages it committed but had not published yet), the database cuts every connection of both
// instances again and again for a moment while every subscription reads its heads (the read throws
// inside the subscription), a user comes online with news in more conversations than one receipts
// call may carry, and at the end Redis refuses every publish.
// Nothing may be lost, duplicated or reordered, every connected receiver must hold every committed
// message within the healing bound, and every client's delivered ticks must come to the truth.
import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { issueSessionToken } from './auth/session.ts';
import { freePort, RedisProcess, ServerProcess, waitUntil } from './test/cluster-harness.ts';
import { checkDelivery, committedTops, lagging, untruthfulTicks } from './test/delivery-check.ts';
import { getDb } from './db/client.ts';
import { createGroup, createUser, releaseServices, type TestUser } from './test/helpers.ts';
import { between, connectClient, SendRun } from './test/sim-client.ts';
import { RECEIPTS_PER_CALL } from '../lib/limits.ts';

const HEAL_S = 3;
const MESSAGES_PER_CLIENT = 400;
const IN_FLIGHT_PER_CLIENT = 4;
const SEND_GAP_MS: [number, number] = [0, 8];
/** Between two kills of every publishing connection to Redis while messages flow. */
const KILL_GAP_MS: [number, number] = [20, 120];
/** Shares of all sends acked when instance A is SIGKILLed, and when the database drops both instances' connections. */
const CRASH_AT = 0.5;
const FAILOVER_AT = 0.75;
/** Conversations with news for the user who comes online: more than one receipts call carries. */
const BACKLOG = RECEIPTS_PER_CALL + 10;
/** How long the database cuts every connection of the instances, again and again. */
const FAILOVER_MS = 1_000;
/** Time a client may need on top of the bound to fetch what the heads said it lacks. */
const FETCH_SLACK_MS = 2_000;
// Snowflake node ids of the two instances (1000+ are left for tests).
const NODE_IDS = ['1021', '1022'];


let testOver = false;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  testOver = true;
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await releaseServices();
});

/** A counter of one instance (0 when it does not answer). */
async function counterOn(server: ServerProcess, name: string): Promise<number> {
  const text = await fetch(`${server.httpUrl}/metrics`).then((r) => r.text(), () => '');
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}
const sumOver = async (servers: ServerProcess[], name: string) => (await Promise.all(servers.map((s) => counterOn(s, name)))).reduce((a, b) => a + b, 0);

test(
  'with publishes lost on the way and an instance killed between commit and publish, every connected receiver holds every message within the healing bound',
  { timeout: 120_000 },
  async () => {
    const startedAt = Date.now();
    const redis = new RedisProcess(await freePort());
    await redis.start();
    cleanups.push(() => redis.dispose());
    const settings = { REDIS_URL: redis.url, DELIVERY_HEAL_S: String(HEAL_S) };
    const servers = await Promise.all(NODE_IDS.map(async (id) => new ServerProcess(await freePort(), { ...settings, NODE_ID: id })));
    for (const s of servers) cleanups.push(() => s.dispose());
    await Promise.all(servers.map((s) => s.start()));

    // Two groups of four and four one-to-ones across them; every conversation has members on both instances.
    const [g1, g2] = await Promise.all([createGroup('hlga', 4), createGroup('hlgb', 4)]);
    const users = [...g1.users, ...g2.users];
    const instanceOf = (i: number) => (i < 4 ? i % 2 : (i + 1) % 2);
    const conversations = [
      { id: g1.conversationId, members: g1.users },
      { id: g2.conversationId, members: g2.users },
      ...(await Promise.all(
        g1.users.map(async (u, i) => ({ id: (await u.caller.conversations.openDirect({ username: g2.users[i].username })).id, members: [u, g2.users[i]] })),
      )),
    ];
    const conversationIds = conversations.map((c) => c.id);
    // The user who comes online with a backlog: a message from users[0] waits in each of BACKLOG groups.
    const hub = await createUser('hlhub');
    const backlog: string[] = [];
    for (let i = 0; i < BACKLOG; i++) {
      const group = await users[0].caller.groups.create({ title: `backlog ${i}`, usernames: [hub.username] });
      await users[0].caller.messages.send({ conversationId: group.id, clientId: randomUUID(), body: `backlog ${i}` });
      backlog.push(group.id);
    }
    const clients = await Promise.all(
      [...users, hub].map(async (user, i) =>
        connectClient({
          user,
          tag: user === hub ? 'hub@B' : `c${i}@${instanceOf(i) === 0 ? 'A' : 'B'}`,
          conversationIds: user === hub ? backlog : conversations.filter((c) => c.members.includes(user)).map((c) => c.id),
          url: servers[user === hub ? 1 : instanceOf(i)].wsUrl,
          token: await issueSessionToken(user),
          acks: true,
        }),
      ),
    );
    const hubClient = clients.pop()!;
    cleanups.push(async () => void (await Promise.race([Promise.all([...clients, hubClient].map((c) => c.close())), pause(5_000)])));
    const clientOf = new Map(clients.map((c) => [c.user.id, c]));
    await waitUntil(() => clients.every((c) => c.stats.headsEvents > 0), 10_000, () => 'every client subscribed');

    const total = clients.length * MESSAGES_PER_CLIENT;
    const run = new SendRun<TestUser>(Date.now() + 90_000, () => testOver);

    // Every non-subscriber connection to Redis dies (the instances' publishers among them; the
    // killer's own is spared): the publishes in flight then are lost and nobody is told.
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => void admin.disconnect());
    let kills = 0;
        let killing = true;
    const killPublishers = async () => {
      while (killing && !testOver) {
        await pause(between(KILL_GAP_MS));
        kills += Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes').catch(() => 0));
      }
    };
    const killer = killPublishers();

    let crashed = false;
    const crash = async () => {
      while (!testOver && run.acked < CRASH_AT * total) await pause(20);
      await servers[0].stop('SIGKILL'); // its clients reconnect to it once it is back; B's clients stay connected
      await servers[0].start();
      crashed = true;
    };
    // A database failover, as the instances see it: every connection of theirs is cut, again and again
    // for a moment, while every subscription reads its heads (their Redis subscribers are cut too, so
    // each is told it may have missed events). Sends and heads reads in flight fail; the instances must
    // retry or refuse, never lose or repeat, and a subscription must not end over it.
    let cut = 0;
    const failover = async () => {
      // After A is back: a start whose first queries are cut fails, and a process manager starts it again.
      while (!testOver && (!crashed || run.acked < FAILOVER_AT * total)) await pause(20);
      const names = NODE_IDS.map((id) => `parley-${id}`);
      const until = Date.now() + FAILOVER_MS;
      let nextSubscriberKill = 0;
      while (Date.now() < until) {
        // Subscribers cut again every 200 ms: heads reads keep starting inside the window (one cut at
        // its start let a busy machine finish them all between two database cuts).
        if (Date.now() >= nextSubscriberKill) {
          await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
          nextSubscriberKill = Date.now() + 200;
        }
        cut += (await getDb().$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity WHERE application_name = ANY(${names}) AND pg_terminate_backend(pid)`).length;
        await pause(5);
      }
    };
    await Promise.all([Promise.all(clients.map((c) => run.sender(c, MESSAGES_PER_CLIENT, SEND_GAP_MS, IN_FLIGHT_PER_CLIENT))), crash(), failover()]);

    killing = false;
    await killer;

    // Quiet before the tail: everyone caught up, no fill under way and no heads for two healing
    // periods (a fill still running when the tail commits would bring it without the healer).
    let committed = new Map<string, number>();
    const quietMs = 2 * ((HEAL_S * 1000) / 3) + 500;
    await waitUntil(
      async () => {
        committed = await committedTops(conversationIds);
        return lagging(clients, committed).length === 0 && clients.every((c) => c.stats.fillsInFlight === 0 && Date.now() - c.stats.lastHeadsAt > quietMs);
      },
      30_000,
      () => `not quiet before the tail: ${lagging(clients, committed).join('; ')}`,
    );

    // The tail: Redis refuses every publish (subscribers stay subscribed, so nobody hears of it) while
    // A's clients send one more message into each of their conversations; B's clients, in every one
    // of them, get no event at all from then on, so nothing but healing can bring them these.
    const onB = clients.filter((_, i) => instanceOf(i) === 1);
    const headsBefore = onB.map((c) => c.stats.headsEvents);
    await admin.call('ACL', 'SETUSER', 'default', '-publish');
    await Promise.all(clients.filter((c) => !onB.includes(c)).flatMap((c) => c.conversationIds.map((id) => run.send(c, id))));
    const tailEnd = Date.now();

    await waitUntil(
      async () => {
        committed = await committedTops(conversationIds);
        return lagging(clients, committed).length === 0;
      },
      HEAL_S * 1000 + FETCH_SLACK_MS,
      () => `not healed within ${HEAL_S} s: ${lagging(clients, committed).join('; ')}`,
    );
    const caughtUpMs = Date.now() - tailEnd;
    // Their delivered receipts' events are refused too: the senders' ticks come by heads as well.
    const allClients = [...clients, hubClient];
    let ticksWrong: string[] = [];
    await waitUntil(
      async () => {
        ticksWrong = await untruthfulTicks(allClients, [...conversations.map((c) => ({ id: c.id, members: c.members })), ...backlog.map((id) => ({ id, members: [users[0], hub] }))]);
        return ticksWrong.length === 0;
      },
      2 * HEAL_S * 1000 + FETCH_SLACK_MS,
      () => `ticks not true within ${2 * HEAL_S} s: ${ticksWrong.slice(0, 10).join('; ')}`,
    );
    const ticksMs = Date.now() - tailEnd;
    // Publishing comes back only now: a tail event still on its way to Redis would otherwise go through.
    await admin.call('ACL', 'SETUSER', 'default', '+publish');

    const { problems, rowsTotal, receiversChecked } = await checkDelivery(conversations, run.records, (id) => clientOf.get(id)!);
    expect(problems).toEqual([]);
    expect(rowsTotal).toBeGreaterThanOrEqual(3_000);
    expect(crashed).toBe(true);
    expect(cut).toBeGreaterThan(0);
    expect(kills).toBeGreaterThan(0);
    const healed = await sumOver(servers, 'parley_deliveries_healed_total');
    const headsRetried = await sumOver(servers, 'parley_heads_retried_total');
    expect(headsRetried, 'heads reads failed during the cut and were tried again').toBeGreaterThan(0);
    expect(hubClient.stats.subscriptionErrors + clients.reduce((n, c) => n + c.stats.subscriptionErrors, 0), 'no subscription ended with an error').toBe(0);
    expect(lagging([hubClient], await committedTops(backlog)), 'the backlog is on screen').toEqual([]);
    const notHealed = onB.filter((c, i) => c.stats.headsEvents === headsBefore[i]).map((c) => c.tag);
    expect(notHealed, "B's clients got the tail by heads").toEqual([]);
    expect(healed).toBeGreaterThanOrEqual(onB.length);
    const gapFills = clients.reduce((n, c) => n + c.stats.wireMessages - c.stats.distinctWire.size, 0);
    console.log(
      `delivery (healing): ${rowsTotal} messages in ${conversations.length} conversations, ${receiversChecked} receivers checked, ` +
        `${kills} connections to Redis killed, 1 instance SIGKILLed, ${cut} database connections cut (${headsRetried} heads reads retried), ` +
        `${healed} subscriptions healed by heads (A's since its restart), ${gapFills} duplicates collapsed, a backlog of ${BACKLOG} conversations acked, ` +
        `caught up ${(caughtUpMs / 1000).toFixed(1)} s after the last send, ticks true ${(ticksMs / 1000).toFixed(1)} s after, ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  },
);
