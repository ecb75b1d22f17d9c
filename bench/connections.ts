// Memory per idle connection: N bots connect (bearer token on the WebSocket) and subscribe to
// sync.events, as a tab left open does; the server's heap after a full collection, per connection.
//
//   npm run bench:connections          (BENCH_CONNECTIONS, default 10,000)
//
// The server runs with an inspector on loopback: the bench asks it for a full collection and its
// heap size over the DevTools protocol, so the server needs no hook of its own. RSS is read from /proc.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as pause } from 'node:timers/promises';
import WebSocket from 'ws';
import { freePort, ServerProcess } from '../server/test/cluster-harness.ts';
import { freshDatabase, makeUsers, onCleanup, runBench, writeResults } from './harness.ts';
import { WireClient } from './wire-client.ts';

const COUNT = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
/** Connected first and left out: what the first connections allocate once (code, caches) is not per connection. */
const WARM = Math.min(1_000, Math.floor(COUNT / 10));
const DEADLINE_S = Number(process.env.BENCH_DEADLINE_S ?? 600);
/** The target of issue 12. */
const TARGET_KB = 30;

/** The DevTools protocol of the server's inspector, for a full collection and the heap size. */
async function inspector(port: number) {
  const [{ webSocketDebuggerUrl }] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let next = 1;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const id = next++;
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(String(data)) as { id?: number; result?: Record<string, number> };
        if (msg.id !== id) return;
        ws.off('message', onMessage);
        resolve(msg.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
  return { call, close: () => ws.close() };
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const databaseUrl = await freshDatabase('parley_connections');
  const authSecret = randomBytes(32).toString('base64url');
  const users = await makeUsers(databaseUrl, COUNT, authSecret);
  const inspectPort = await freePort();
  const server = new ServerProcess(
    await freePort(),
    { DATABASE_URL: databaseUrl, AUTH_SECRET: authSecret, NODE_ENV: 'production', LOG_LEVEL: 'error' },
    [`--inspect=127.0.0.1:${inspectPort}`],
  );
  await server.start();
  onCleanup(() => server.stop('SIGTERM'));
  const devtools = await inspector(inspectPort);
  onCleanup(async () => devtools.close());
  const measure = async () => {
    await devtools.call('HeapProfiler.collectGarbage');
    await devtools.call('HeapProfiler.collectGarbage');
    const { usedSize } = await devtools.call('Runtime.getHeapUsage');
    return { heap: usedSize, rss: rssBytes(server.pid!) };
  };

  const clients: WireClient[] = [];
  onCleanup(async () => clients.forEach((c) => c.close()));
  let subscribed = 0;
  const connect = async (from: number, to: number) => {
    for (let i = from; i < to; i += 200) {
      await Promise.all(
        users.slice(i, Math.min(to, i + 200)).map(async (u) => {
          const client = new WireClient(server.wsUrl, u.token);
          await client.opened;
          client.subscribe('sync.events', {}, (event) => void (event.type === 'sync.heads' && subscribed++));
          clients.push(client);
        }),
      );
    }
    while (subscribed < to) await pause(50);
  };

  await connect(0, WARM);
  const before = await measure();
  await connect(WARM, COUNT);
  // Idle: the connections settle (heads sent, buffers released) before the heap is read.
  await pause(2_000);
  const after = await measure();
  const per = { heapKb: (after.heap - before.heap) / (COUNT - WARM) / 1024, rssKb: (after.rss - before.rss) / (COUNT - WARM) / 1024 };
  const open = clients.filter((c) => c.closedAt === null).length;

  console.log(`connections: ${COUNT} bots connected and subscribed (${open} still open), first ${WARM} left out`);
  console.log('');
  console.log('| measure | per connection | target |');
  console.log('| --- | ---: | ---: |');
  console.log(`| heap after full GC | ${per.heapKb.toFixed(1)} KB | ≤ ${TARGET_KB} KB |`);
  console.log(`| RSS | ${per.rssKb.toFixed(1)} KB | |`);
  console.log(`(server heap ${(after.heap / 2 ** 20).toFixed(0)} MB, RSS ${(after.rss / 2 ** 20).toFixed(0)} MB with ${COUNT} connections; ${((performance.now() - startedAt) / 1000).toFixed(0)} s in all)`);
  writeResults('connections', { count: COUNT, warm: WARM, before, after, per, open });
  return open === COUNT ? 0 : 1;
}

await runBench('connections', DEADLINE_S, main);
