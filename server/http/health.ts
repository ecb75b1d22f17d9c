// Endpoints for load balancers and monitors: liveness, readiness and Prometheus metrics.
import type http from 'node:http';
import { getDb } from '../db/client.ts';
import { withDeadline } from '../deadline.ts';
import { registry } from '../metrics.ts';
import { getBus } from '../realtime/index.ts';

const CHECK_TIMEOUT_MS = 2_000;

const withTimeout = <T>(promise: Promise<T>) => withDeadline(promise, CHECK_TIMEOUT_MS);

async function readiness(isDraining: boolean): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  checks.draining = isDraining ? 'yes' : 'no';
  checks.database = await withTimeout(getDb().$queryRaw`SELECT 1`).then(() => 'ok', (e: Error) => `down: ${e.message}`);
  const bus = getBus() as { isHealthy?: () => Promise<boolean> };
  if (bus.isHealthy) checks.redis = (await withTimeout(bus.isHealthy()).catch(() => false)) ? 'ok' : 'down';
  const ready = !isDraining && Object.entries(checks).every(([k, v]) => k === 'draining' || v === 'ok');
  return { ready, checks };
}

/** Answers /healthz, /readyz and /metrics; returns false for any other path. */
export function handleHealthRequest(req: http.IncomingMessage, res: http.ServerResponse, isDraining: () => boolean): boolean {
  const path = req.url?.split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('ok');
    return true;
  }
  if (path === '/readyz') {
    void readiness(isDraining()).then(({ ready, checks }) => {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ ready, checks }));
    });
    return true;
  }
  if (path === '/metrics') {
    void registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
    return true;
  }
  return false;
}
