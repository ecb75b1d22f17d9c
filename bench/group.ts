// A large group: BENCH_GROUP_SIZE (500) members, every one connected (half on each of two instances
// behind one Redis); one member sends BENCH_GROUP_MESSAGES (200) messages at BENCH_GROUP_RATE (10)
// per second, and each is timed from send to arrival on every other member's device. Interleaved
// with the group sends, the same sender sends as many to a one-to-one chat, so the two acks are
// compared under the same load: fan-out happens after the commit and must not slow the ack.
//
//   npm run bench   (after bench/latency.ts)
//
// A fresh database `parley_bench_group`, a Redis of its own (or BENCH_REDIS_URL), two server
// processes; stops by itself within BENCH_DEADLINE_S.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { waitUntil } from '../server/test/cluster-harness.ts';
import { connectClient, type SimClient } from '../server/test/sim-client.ts';
import { apiAt, makeUsers, ms, onCleanup, openLoop, percentile, runBench, writeResults, startCluster } from './harness.ts';

const SIZE = Number(process.env.BENCH_GROUP_SIZE ?? 500);
const MESSAGES = Number(process.env.BENCH_GROUP_MESSAGES ?? 200);
const RATE_PER_S = Number(process.env.BENCH_GROUP_RATE ?? 10);
const WARMUP_MESSAGES = 10;
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 180);
const DRAIN_MS = 15_000;
const AUTH_SECRET = 'bench-group-secret-bench-group-secret-0123';

async function main(): Promise<number> {
  const startedAt = performance.now();
  const { databaseUrl, a, b } = await startCluster('parley_bench_group', { AUTH_SECRET, GROUP_MAX_MEMBERS: String(Math.max(SIZE, 2)) });
  const [sender, peer, ...members] = await makeUsers(databaseUrl, SIZE + 1, AUTH_SECRET);
  const api = apiAt(a, sender.token);
  const group = await api.groups.create.mutate({ title: 'Bench group', usernames: members.slice(0, SIZE - 1).map((m) => m.username) });
  const direct = await api.conversations.openDirect.mutate({ username: peer.username });

  // When each message was sent, and when each member's device first saw it.
  const sentAt = new Map<string, number>();
  const arrivals: number[] = [];
  let arrived = 0;
  const ackMs = { group: [] as number[], direct: [] as number[] };
  let measuring = false;

  const groupMembers = members.slice(0, SIZE - 1);
  const clients: SimClient[] = [];
  // Connect in batches: 500 upgrades at once would measure the connect storm, not the group.
  for (let i = 0; i < groupMembers.length; i += 50) {
    const batch = groupMembers.slice(i, i + 50);
    clients.push(
      ...(await Promise.all(
        batch.map((user, j) =>
          connectClient({
            user,
            tag: user.username,
            conversationIds: [],
            url: (i + j) % 2 ? b.wsUrl : a.wsUrl,
            token: user.token,
            onEvent: (event) => {
              if (event.type !== 'message.new' || event.message.conversationId !== group.id) return;
              const at = sentAt.get(event.message.clientId);
              if (at === undefined) return;
              arrived++;
              if (measuring) arrivals.push(performance.now() - at);
            },
          }),
        ),
      )),
    );
  }
  const senderClient = await connectClient({ user: sender, tag: 'sender', conversationIds: [], url: a.wsUrl, token: sender.token });
  clients.push(senderClient);
  onCleanup(() => Promise.race([Promise.all(clients.map((c) => c.close())), pause(5_000)]));
  await waitUntil(() => clients.every((c) => c.stats.headsEvents > 0), 60_000, () => 'every member subscribed');
  const connectedAt = performance.now();

  const sendOne = (conversationId: string, kind: 'group' | 'direct', label: string): Promise<void> => {
    const clientId = randomUUID();
    const at = performance.now();
    if (kind === 'group') sentAt.set(clientId, at);
    return senderClient.trpc.messages.send.mutate({ conversationId, clientId, body: label }).then(() => {
      if (measuring) ackMs[kind].push(performance.now() - at);
    });
  };

  // Warm-up, then forgotten.
  for (let i = 0; i < WARMUP_MESSAGES; i++) await sendOne(group.id, 'group', `warm-up ${i}`);
  await waitUntil(() => arrived >= WARMUP_MESSAGES * (SIZE - 1), 30_000, () => `warm-up delivered (${arrived})`);
  sentAt.clear();
  measuring = true;

  // Open loop at the rate: a group send, and half an interval later a one-to-one send.
  await openLoop(MESSAGES, RATE_PER_S, [(i) => sendOne(group.id, 'group', `#${i}`), (i) => sendOne(direct.id, 'direct', `direct #${i}`)]);
  const expected = MESSAGES * (SIZE - 1);
  await waitUntil(() => arrivals.length >= expected, DRAIN_MS, () => 'stragglers').catch(() => {});

  const deliveries = arrivals.sort((x, y) => x - y);
  const group50 = percentile([...ackMs.group].sort((x, y) => x - y), 0.5);
  const direct50 = percentile([...ackMs.direct].sort((x, y) => x - y), 0.5);
  const sorted = { group: [...ackMs.group].sort((x, y) => x - y), direct: [...ackMs.direct].sort((x, y) => x - y) };
  console.log(
    `bench group: ${SIZE} members all connected (half on each instance), ${MESSAGES} messages at ${RATE_PER_S}/s ` +
      `(connecting took ${((connectedAt - startedAt) / 1000).toFixed(1)} s after start)`,
  );
  console.log('');
  console.log('| measure | count | median ms | p99 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(`| send → delivered to each member | ${deliveries.length}/${expected} | ${ms(percentile(deliveries, 0.5))} | ${ms(percentile(deliveries, 0.99))} | ${ms(deliveries.at(-1) ?? NaN)} |`);
  console.log(`| ack, group send | ${sorted.group.length}/${MESSAGES} | ${ms(group50)} | ${ms(percentile(sorted.group, 0.99))} | ${ms(sorted.group.at(-1) ?? NaN)} |`);
  console.log(`| ack, one-to-one send | ${sorted.direct.length}/${MESSAGES} | ${ms(direct50)} | ${ms(percentile(sorted.direct, 0.99))} | ${ms(sorted.direct.at(-1) ?? NaN)} |`);
  console.log(`group ack / one-to-one ack (medians): ${(group50 / direct50).toFixed(2)}`);
  console.log(`(${((performance.now() - startedAt) / 1000).toFixed(1)} s in all)`);
  const summary = (sorted: number[]) => ({ count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? null });
  writeResults('group', {
    members: SIZE, messages: MESSAGES, ratePerS: RATE_PER_S, expectedDeliveries: expected,
    delivered: summary(deliveries), ackGroup: summary(sorted.group), ackDirect: summary(sorted.direct), ackRatio: group50 / direct50,
  });
  return deliveries.length === expected && sorted.group.length === MESSAGES ? 0 : 1;
}

await runBench('bench group', DEADLINE_S, main);
