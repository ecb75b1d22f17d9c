// Liveness, readiness and metrics endpoints, as a load balancer and a monitor see them.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPair, releaseServices, send } from '../test/helpers.ts';
import { createParleyServer, type ParleyServer } from './server.ts';

let server: ParleyServer;
let base: string;

beforeAll(async () => {
  server = createParleyServer({ allowedOrigins: [] });
  await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  await releaseServices();
});

describe('health endpoints', () => {
  test('/healthz answers ok while the process is up', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  test('/metrics exposes connections, messages, send latency, bus lag and process metrics', async () => {
    const { a, conversationId } = await createPair('metrics');
    await send(a, conversationId, 'counted');
    const body = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'parley_open_connections',
      'parley_messages_sent_total',
      'parley_messages_delivered_total',
      'parley_send_latency_seconds_bucket',
      'parley_bus_publish_to_receive_seconds_bucket',
      'parley_process_resident_memory_bytes',
    ]) {
      expect(body).toContain(name);
    }
    expect(Number(body.match(/^parley_messages_sent_total (\d+)/m)?.[1])).toBeGreaterThanOrEqual(1);
  });

  test('/readyz is 200 with the database up, and 503 once the instance drains', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { draining: 'no', database: 'ok' } });

    server.stopAccepting();
    const draining = await fetch(`${base}/readyz`);
    expect(draining.status).toBe(503);
    expect((await draining.json()).checks.draining).toBe('yes');
  });
});
