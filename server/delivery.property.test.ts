// Delivery property: at-least-once on the wire, exactly-once on screen, against a real server process
// that is killed and restarted while clients (the real MessageStore + SyncEngine) have their sockets dropped.
import { setTimeout as pause } from 'node:timers/promises';
import WebSocket from 'ws';
import { afterAll, expect, test } from 'vitest';
import { issueSessionToken } from './auth/session.ts';
import { freePort, ServerProcess, waitUntil } from './test/cluster-harness.ts';
import { checkDelivery, committedTops, lagging } from './test/delivery-check.ts';
import { createGroup, createUser, releaseServices, type TestUser } from './test/helpers.ts';
import { between, connectClient, goOffline, goOnline, pick, SendRun } from './test/sim-client.ts';

const MESSAGES_PER_CLIENT = 50;
const IN_FLIGHT_PER_CLIENT = 3;
/** Pause between one client's sends: spreads ~300 messages over a few seconds of faults. */
const SEND_GAP_MS: [number, number] = [30, 170];
const MIN_DROPS = 12;
/** Chance that a fault is a short network outage of one client rather than a dropped socket. */
const OUTAGE_SHARE = 0.25;
const OUTAGE_MS: [number, number] = [300, 1200];
const DROP_GAP_MS: [number, number] = [200, 600];
/** Share of all sends acked when the server is SIGKILLed, and when it is stopped gracefully. */
const KILL_AT = 0.3;
const GRACEFUL_STOP_AT = 0.65;
const CATCH_UP_TIMEOUT_MS = 30_000;
// The Snowflake node id of the server process: ids 1000+ are left for tests (workers use 0..999).
const SERVER_NODE_ID = '1017';


/** Set when the test ends, so a failed run's send loops stop instead of reconnecting in a shared worker. */
let testOver = false;

/**
 * Users to take offline for the tail: in every conversation at least one member stays online to send
 * and at least one is away to miss it.
 */
function chooseAway(memberships: string[][], userIds: string[]): Set<string> {
  for (;;) {
    const away = new Set(userIds.filter(() => Math.random() < 0.5));
    if (memberships.every((members) => members.some((m) => away.has(m)) && members.some((m) => !away.has(m)))) return away;
  }
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  testOver = true;
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await releaseServices();
});

test(
  'every send is stored once, gapless, and shown once and in order to every member, through socket drops and server restarts',
  { timeout: 90_000 },
  async () => {
    const startedAt = Date.now();
    const phases: string[] = [];
    let phaseStart = startedAt;
    const phase = (name: string) => {
      phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)}`);
      phaseStart = Date.now();
    };

    // Six users, four conversations (a group of four and three 1:1s): everyone receives somewhere.
    const group = await createGroup('dlvg', 4);
    const [e, f] = await Promise.all([createUser('dlve'), createUser('dlvf')]);
    const [a, , , d] = group.users;
    const users = [...group.users, e, f];
    const direct = async (from: TestUser, to: TestUser) => (await from.caller.conversations.openDirect({ username: to.username })).id;
    const conversations = [
      { id: group.conversationId, members: group.users },
      { id: await direct(d, e), members: [d, e] },
      { id: await direct(e, f), members: [e, f] },
      { id: await direct(f, a), members: [f, a] },
    ];
    const conversationIds = conversations.map((c) => c.id);

    const server = new ServerProcess(await freePort(), { NODE_ID: SERVER_NODE_ID });
    cleanups.push(() => server.dispose());
    await server.start();
    const clients = await Promise.all(
      users.map(async (user, i) =>
        connectClient({
          user,
          tag: `c${i}`,
          conversationIds: conversations.filter((c) => c.members.includes(user)).map((c) => c.id),
          url: server.wsUrl,
          token: await issueSessionToken(user),
        }),
      ),
    );
    cleanups.push(async () => {
      await Promise.race([Promise.all(clients.map((c) => c.close())), pause(5_000)]);
    });
    phase('setup');
    const clientOf = new Map(clients.map((c) => [c.user.id, c]));
    await waitUntil(
      () => clients.every((c) => c.stats.headsEvents > 0),
      10_000,
      () => 'every client subscribed',
    );

    // Senders: every client sends into its conversations, a few sends in flight at a time.
    const total = clients.length * MESSAGES_PER_CLIENT;
    const run = new SendRun<TestUser>(Date.now() + 60_000, () => testOver);
    const { records } = run;
    let sendersDone = false;

    // Faults while messages flow: sockets dropped at random, short outages of one client, the server
    // killed and later stopped gracefully.
    let drops = 0;
    let outages = 0;
    const outagesOver: Promise<void>[] = [];
    const restarts: string[] = [];
    const downtimes: string[] = [];
    const endings: (number | string | null)[] = [];
    const injectFaults = async () => {
      const plan: { at: number; signal: 'SIGKILL' | 'SIGTERM' }[] = [
        { at: KILL_AT, signal: 'SIGKILL' },
        { at: GRACEFUL_STOP_AT, signal: 'SIGTERM' },
      ];
      while (plan.length > 0 || drops < MIN_DROPS || !sendersDone) {
        await pause(between(DROP_GAP_MS));
        if (testOver) return;
        if (plan.length > 0 && (run.acked >= plan[0].at * total || sendersDone)) {
          const { signal } = plan.shift()!;
          const down = Date.now();
          endings.push(await server.stop(signal));
          await server.start(); // on the same port: clients find it by reconnecting
          restarts.push(signal);
          downtimes.push(((Date.now() - down) / 1000).toFixed(1));
          continue;
        }
        const victim = pick(clients);
        if (Math.random() < OUTAGE_SHARE) {
          if (victim.offline) continue;
          goOffline(victim);
          outages++;
          outagesOver.push(pause(between(OUTAGE_MS)).then(() => goOnline(victim)));
          continue;
        }
        const socket = victim.socket;
        if (!victim.offline && socket?.readyState === WebSocket.OPEN) {
          socket.terminate();
          drops++;
        }
      }
    };
    const sending = Promise.all(clients.map((c) => run.sender(c, MESSAGES_PER_CLIENT, SEND_GAP_MS, IN_FLIGHT_PER_CLIENT))).finally(() => (sendersDone = true));
    await Promise.all([sending, injectFaults()]);
    await Promise.all(outagesOver);
    phase('traffic');

    // The quiet tail: the last message of every conversation is committed while some of its members
    // are offline, and nothing is sent after it, so only the resync on reconnect (heads, then a fill
    // by sequence) can bring it to them; no later live message would reveal the gap.
    const away = chooseAway(conversations.map((c) => c.members.map((m) => m.id)), users.map((u) => u.id));
    const awayClients = clients.filter((c) => away.has(c.user.id));
    awayClients.forEach(goOffline);
    const tailSends = clients.filter((c) => !c.offline).flatMap((c) => c.conversationIds.map((id) => run.send(c, id)));
    await Promise.all(tailSends);
    awayClients.forEach(goOnline);
    phase('tail');

    // Every receiver catches up, by itself, to what PostgreSQL committed.
    let committed = new Map<string, number>();
    await waitUntil(
      async () => {
        committed = await committedTops(conversationIds);
        return lagging(clients, committed).length === 0;
      },
      CATCH_UP_TIMEOUT_MS,
      () => lagging(clients, committed).join('; '),
    );
    phase('catch-up');

    const { problems, rowsTotal, receiversChecked } = await checkDelivery(conversations, records, (id) => clientOf.get(id)!);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(total + tailSends.length);

    // The faults really happened, and every client came back by itself.
    expect(drops).toBeGreaterThanOrEqual(MIN_DROPS);
    expect(restarts).toEqual(['SIGKILL', 'SIGTERM']);
    expect(endings, 'killed, then stopped gracefully (drained, exit 0)').toEqual(['SIGKILL', 0]);
    // (An outage that spans a restart is one reconnect, so "at least once" is all that is certain.)
    for (const c of clients) expect(c.stats.headsEvents, `${c.tag} resubscribed by itself`).toBeGreaterThanOrEqual(2);

    const reconnects = clients.reduce((n, c) => n + c.stats.headsEvents - 1, 0);
    const restartedSubscriptions = clients.reduce((n, c) => n + c.stats.subscriptionStarts - 1, 0);
    const fillsCut = clients.reduce((n, c) => n + c.stats.fillErrors, 0);
    const wire = clients.reduce((n, c) => n + c.stats.wireMessages, 0);
    const distinct = clients.reduce((n, c) => n + c.stats.distinctWire.size, 0);
    const retries = records.reduce((n, r) => n + r.attempts - 1, 0);
    const slowestAck = Math.max(...records.map((r) => r.latencyMs ?? 0)) / 1000;
    console.log(
      `delivery: ${rowsTotal} messages in ${conversations.length} conversations, ${receiversChecked} receivers checked, ` +
        `${drops} WebSocket drops, ${outages} client outages (+${awayClients.length} clients away for the tail), ` +
        `${restarts.length} server restarts (${restarts.map((r, i) => `${r} down ${downtimes[i]} s`).join(', ')}), ` +
        `${reconnects} reconnects (heads after the first; ${restartedSubscriptions} subscription restarts), ` +
        `${wire} messages on the wire of which ${wire - distinct} duplicates collapsed, ${retries} send retries (slowest ack ${slowestAck.toFixed(1)} s), ` +
        `${fillsCut} gap fills cut off and redone, ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${phases.join(', ')})`,
    );
  },
);
