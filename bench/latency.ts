// Send→receive latency on two instances behind one Redis: a receiver on the sender's instance (the
// in-process bus) against one on the other instance (a Redis hop), at a steady rate, on one clock.
//
//   npm run bench
//
// A fresh database `parley_bench` on the machine's PostgreSQL (BENCH_DATABASE_URL: the maintenance
// database to create it from), a redis-server of its own (or BENCH_REDIS_URL), two api-server processes.
// BENCH_MESSAGES (1000) messages at BENCH_RATE (100) per second; stops by itself within BENCH_DEADLINE_S.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import type { ServerEvent } from '../lib/events.ts';
import { type ServerProcess, waitUntil } from '../server/test/cluster-harness.ts';
import { connectClient, type SimClient } from '../server/test/sim-client.ts';
import { apiAt, ms, onCleanup, openLoop, percentile, registerUser, runBench, writeResults, startCluster } from './harness.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000);
const RATE_PER_S = Number(process.env.BENCH_RATE ?? 100);
const WARMUP_MESSAGES = 50;
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 120);
/** After the last send, how long stragglers may take before they count as lost. */
const DRAIN_MS = 10_000;

type Path = 'same-instance' | 'cross-instance';

async function main() {
  const startedAt = performance.now();
  const { a, b } = await startCluster('parley_bench');

  const [sender, receiver] = await Promise.all([registerUser(a, 'sender'), registerUser(b, 'receiver')]);
  const { id: conversationId } = await apiAt(a, sender.token).conversations.openDirect.mutate({ username: receiver.username });

  // When each message was sent (by clientId), and when each receiving device first saw it.
  const sentAt = new Map<string, number>();
  const receivedAt: Record<Path, Map<string, number>> = { 'same-instance': new Map(), 'cross-instance': new Map() };
  const onEventFor = (path: Path) => (event: ServerEvent) => {
    if (event.type !== 'message.new') return;
    const now = performance.now();
    const seen = receivedAt[path];
    if (!seen.has(event.message.clientId)) seen.set(event.message.clientId, now);
  };
  const connect = (user: typeof sender, server: ServerProcess, tag: string, onEvent?: (e: ServerEvent) => void) =>
    connectClient({ user, tag, conversationIds: [conversationId], url: server.wsUrl, token: user.token, onEvent });
  // One receiving user with a device on each instance: every message is measured on both paths.
  const clients: SimClient[] = await Promise.all([
    connect(sender, a, 'sender@A'),
    connect(receiver, a, 'receiver@A', onEventFor('same-instance')),
    connect(receiver, b, 'receiver@B', onEventFor('cross-instance')),
  ]);
  onCleanup(() => Promise.race([Promise.all(clients.map((c) => c.close())), pause(3_000)]));
  await waitUntil(() => clients.every((c) => c.stats.headsEvents > 0), 10_000, () => 'every client subscribed');
  const [senderClient] = clients;

  const ackMs: number[] = [];
  let failed = 0;
  const sendOne = (label: string): Promise<void> => {
    const clientId = randomUUID();
    const at = performance.now();
    sentAt.set(clientId, at);
    return senderClient.trpc.messages.send.mutate({ conversationId, clientId, body: `${label} sent at ${at.toFixed(3)}` }).then(
      () => void ackMs.push(performance.now() - at),
      () => void failed++,
    );
  };

  // Warm-up (JIT, pools, the bus), then forgotten.
  await Promise.all(Array.from({ length: WARMUP_MESSAGES }, (_, i) => pause(i * 10).then(() => sendOne(`warm-up ${i}`))));
  await waitUntil(() => receivedAt['cross-instance'].size >= WARMUP_MESSAGES && receivedAt['same-instance'].size >= WARMUP_MESSAGES, 10_000, () => 'warm-up delivered');
  sentAt.clear();
  ackMs.length = 0;
  failed = 0;
  for (const seen of Object.values(receivedAt)) seen.clear();

  // A steady rate, open loop: each send goes at its time whether or not the ones before were acked.
  const t0 = performance.now();
  const sendingMs = await openLoop(MESSAGES, RATE_PER_S, [(i) => sendOne(`#${i}`)]);
  const allIn = () => Object.values(receivedAt).every((seen) => seen.size >= MESSAGES - failed);
  await waitUntil(allIn, DRAIN_MS, () => 'stragglers').catch(() => {});

  // Results.
  const rows = (['same-instance', 'cross-instance'] as Path[]).map((path) => {
    const seen = receivedAt[path];
    const latencies = [...seen].map(([clientId, at]) => at - sentAt.get(clientId)!).sort((x, y) => x - y);
    const last = Math.max(...seen.values());
    return {
      path,
      received: seen.size,
      median: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
      throughput: seen.size / ((last - t0) / 1000),
    };
  });
  const acks = [...ackMs].sort((x, y) => x - y);
  const sent = sentAt.size;

  console.log(
    `bench: ${sent} messages at ${RATE_PER_S}/s (sent in ${(sendingMs / 1000).toFixed(1)} s, ${failed} failed), ` +
      `sender and one receiver device on A, the receiver's other device on B`,
  );
  for (const r of rows) {
    console.log(`${r.path}: median ${ms(r.median)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms, ${r.received}/${sent} received, ${r.throughput.toFixed(1)} msg/s delivered`);
  }
  console.log(`ack (send → committed): median ${ms(percentile(acks, 0.5))} ms, p99 ${ms(percentile(acks, 0.99))} ms; throughput ${(acks.length / (sendingMs / 1000)).toFixed(1)} msg/s sent`);
  console.log('');
  console.log('| path | received | median ms | p99 ms | max ms | msg/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.path} | ${r.received}/${sent} | ${ms(r.median)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.throughput.toFixed(1)} |`);
  console.log(`| ack (send → committed) | ${acks.length}/${sent} | ${ms(percentile(acks, 0.5))} | ${ms(percentile(acks, 0.99))} | ${ms(acks.at(-1) ?? NaN)} | ${(acks.length / (sendingMs / 1000)).toFixed(1)} |`);
  console.log(`(${((performance.now() - startedAt) / 1000).toFixed(1)} s in all)`);

  writeResults('latency', { sent, ratePerS: RATE_PER_S, failed, paths: rows, ack: { p50: percentile(acks, 0.5), p99: percentile(acks, 0.99), max: acks.at(-1) ?? null } });
  const complete = failed === 0 && rows.every((r) => r.received === sent);
  return complete ? 0 : 1;
}

await runBench('bench', DEADLINE_S, main);
