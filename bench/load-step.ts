// One step of the capacity bench: C paired users send at an aggregate rate R for D seconds, open
// loop, round-robin; each message is timed from its send to its partner's message.new (and to its
// ack) on this process's clock.
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import { percentile } from './harness.ts';
import type { WireClient, WireError } from './wire-client.ts';

/** Left out of every step's figures: the server's queues and the JIT settle first. */
const WARMUP_S = 2;
/** After a step, how long its last messages may take before they count as lost. */
const DRAIN_MS = 5_000;

export interface Pair {
  conversationId: string;
  /** The two users' clients: a message from one is expected on the other. */
  clients: [WireClient, WireClient];
  userIds: [string, string];
}

export interface StepResult {
  rate: number;
  durationS: number;
  sent: number;
  /** Messages sent after the warm-up (the measured ones). */
  measured: number;
  delivered: number;
  lost: number;
  refused: Record<string, number>;
  /** Deliveries that landed within the measured window, per second. */
  achievedPerS: number;
  latencyMs: { p50: number; p99: number; max: number };
  ackMs: { p50: number; p99: number };
  /** Core time of the server and its database backends per delivered message, ms. */
  coreMsPerMessage: number;
  /** Of which the database backends', ms. */
  databaseMsPerMessage: number;
  /** Of the pinned core, busy share over the measured window. */
  coreBusy: number;
  /**
   * The worst stretches of the measured window: each 100 ms of send times whose slowest delivery
   * took over SPIKE_MS, as [seconds into the window, that delivery's ms], at most MAX_SPIKES, in
   * time order. Spikes at a steady period point at a timer (that is how the healer's heads storm
   * showed: one every 10 s); scattered ones at the machine.
   */
  spikes: [atS: number, worstMs: number][];
  passed: boolean;
}

const SPIKE_BUCKET_MS = 100;
const SPIKE_MS = 100;
const MAX_SPIKES = 12;

/** A client id that carries the message's index (a UUID of version 4 with the index in its last group). */
function clientIdOf(prefix: string, index: number): string {
  return `${prefix}${index.toString(16).padStart(12, '0')}`;
}

export interface StepContext {
  pairs: Pair[];
  /** 24 hex characters shaped as the start of a v4 UUID; the message index fills the rest. */
  prefix: string;
  /** The first message index of this step (indexes never repeat within a series). */
  firstIndex: number;
  sentAt: Float64Array;
  ackAt: Float64Array;
  deliveredAt: Float64Array;
  refusals: Map<number, string>;
  cpuMs: () => { server: number; database: number };
  /** Called when the measured window opens and when it closes. */
  onWindow?: () => void;
  /** Pass criterion: p99 below this. */
  p99LimitMs: number;
}

const busyMs = (c: { server: number; database: number }) => c.server + c.database;

/** Runs one step; resolves once every message is delivered, refused or given up on. */
export async function runStep(ctx: StepContext, rate: number, durationS: number): Promise<StepResult> {
  const senders = ctx.pairs.flatMap((p) => [
    { client: p.clients[0], conversationId: p.conversationId },
    { client: p.clients[1], conversationId: p.conversationId },
  ]);
  const total = Math.round(rate * durationS);
  const first = ctx.firstIndex;
  let sent = 0;
  let cpuAtWarm = { server: 0, database: 0 };
  let cpuAtEnd = cpuAtWarm;
  const t0 = performance.now();
  const warmEnd = t0 + WARMUP_S * 1000;
  const end = t0 + durationS * 1000;
  let warmed = false;
  while (sent < total) {
    const now = performance.now();
    if (!warmed && now >= warmEnd) {
      warmed = true;
      cpuAtWarm = ctx.cpuMs();
      ctx.onWindow?.();
    }
    const due = Math.min(total, Math.floor(((now - t0) / 1000) * rate));
    for (; sent < due; sent++) {
      const index = first + sent;
      const sender = senders[index % senders.length];
      ctx.sentAt[index] = performance.now();
      sender.client
        .mutate('messages.send', { conversationId: sender.conversationId, clientId: clientIdOf(ctx.prefix, index), body: `m${index}` })
        .then(
          () => void (ctx.ackAt[index] = performance.now()),
          (err: WireError) => void ctx.refusals.set(index, err.code),
        );
    }
    // Yield to the sockets; a 1 ms timer keeps the send times within a millisecond of their due time.
    await pause(1);
  }
  const endedAt = Math.max(performance.now(), end);
  cpuAtEnd = ctx.cpuMs();
  ctx.onWindow?.();
  const deadline = performance.now() + DRAIN_MS;
  const settled = () => {
    for (let i = first; i < first + total; i++) if (ctx.deliveredAt[i] === 0 && !ctx.refusals.has(i)) return false;
    return true;
  };
  while (!settled() && performance.now() < deadline) await pause(20);

  const latencies: number[] = [];
  const acks: number[] = [];
  let measured = 0;
  let delivered = 0;
  let lost = 0;
  let inWindow = 0;
  const refused: Record<string, number> = {};
  for (let i = first; i < first + total; i++) {
    const at = ctx.sentAt[i];
    if (ctx.deliveredAt[i] >= warmEnd && ctx.deliveredAt[i] <= endedAt) inWindow++;
    if (at < warmEnd) continue;
    measured++;
    const code = ctx.refusals.get(i);
    if (code) refused[code] = (refused[code] ?? 0) + 1;
    else if (ctx.deliveredAt[i] === 0) lost++;
    else {
      delivered++;
      latencies.push(ctx.deliveredAt[i] - at);
      if (ctx.ackAt[i] > 0) acks.push(ctx.ackAt[i] - at);
    }
  }
  const windowS = (endedAt - warmEnd) / 1000;
  const worst = new Map<number, number>();
  for (let i = first; i < first + total; i++) {
    const [at, took] = [ctx.sentAt[i], ctx.deliveredAt[i] - ctx.sentAt[i]];
    if (at < warmEnd || ctx.deliveredAt[i] === 0 || took <= SPIKE_MS) continue;
    const bucket = Math.floor((at - warmEnd) / SPIKE_BUCKET_MS);
    worst.set(bucket, Math.max(worst.get(bucket) ?? 0, took));
  }
  // The worst buckets, then back in time order.
  const spikes = [...worst].sort((a, b) => b[1] - a[1]).slice(0, MAX_SPIKES).sort((a, b) => a[0] - b[0])
    .map(([bucket, ms]): [number, number] => [(bucket * SPIKE_BUCKET_MS) / 1000, Math.round(ms)]);
  const refusedCount = Object.values(refused).reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const p99 = percentile(latencies, 0.99);
  const achievedPerS = inWindow / windowS;
  return {
    rate,
    durationS,
    sent: total,
    measured,
    delivered,
    lost,
    refused,
    achievedPerS,
    latencyMs: { p50: percentile(latencies, 0.5), p99, max: percentile(latencies, 1) },
    ackMs: { p50: percentile(acks, 0.5), p99: percentile(acks, 0.99) },
    coreMsPerMessage: (busyMs(cpuAtEnd) - busyMs(cpuAtWarm)) / inWindow,
    databaseMsPerMessage: (cpuAtEnd.database - cpuAtWarm.database) / inWindow,
    coreBusy: (busyMs(cpuAtEnd) - busyMs(cpuAtWarm)) / (windowS * 1000),
    spikes,
    passed: lost === 0 && refusedCount === 0 && p99 < ctx.p99LimitMs && achievedPerS >= 0.97 * rate,
  };
}
