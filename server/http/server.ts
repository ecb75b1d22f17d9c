// One HTTP server for everything: tRPC over HTTP and WebSocket, and the rest handed to Next.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { MAX_CALLS_PER_BATCH } from '../../lib/limits.ts';
import type { UserId } from '../../lib/schemas.ts';
import { callerFromHeaders } from '../auth/session.ts';
import { startSessionSweep, trackSessionConnection, type Caller } from '../auth/sessions.ts';
import { callBudget, type CallBudget } from './call-budget.ts';
import { SESSION_ENDED_CLOSE_CODE } from '../../lib/events.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { presenceTracker } from '../presence/service.ts';
import { startHealing } from '../sync/healer.ts';
import { env } from '../env.ts';
import { appRouter } from '../router.ts';
import { rootContext } from '../trpc.ts';
import { handleExportRequest } from '../users/export.ts';
import { handleMediaRequest, startUploadSweep } from '../media/http.ts';
import { handleHealthRequest } from './health.ts';
import { serveSocket } from './live-socket.ts';
import { clientAddressOf, noteClientAddress } from './client-address.ts';
import { applyPagePolicy, applySecurityHeaders } from './security-headers.ts';

export const TRPC_HTTP_PATH = '/api/trpc';
// Kept clear of every Next route: Next's own upgrade listener ends sockets on paths it serves.
export const TRPC_WS_PATH = '/api/trpc-ws';
const MAX_WS_PAYLOAD = 64 * 1024;
const MAX_HTTP_BODY = 256 * 1024;

export interface ParleyServerOptions {
  /** Origins a browser WebSocket may come from (the public URL's). */
  allowedOrigins: string[];
  /** Handles every request that is not tRPC (Next.js); absent in tests of the API alone. */
  fallback?: http.RequestListener;
  /** What one account may ask of this server (http/call-budget.ts): the process's by default. */
  callBudget?: CallBudget;
}

export interface ParleyServer {
  http: http.Server;
  /** Refuse new WebSockets, report not ready, and tell connected clients to reconnect elsewhere. */
  stopAccepting(): void;
  /** Close the remaining WebSockets and the HTTP server. */
  close(): Promise<void>;
}

/**
 * Live connections one user may hold on an instance (tabs, devices, bots): far above what a person
 * uses; one more is refused (429), so one account cannot pile up sockets and subscriptions.
 */
export const MAX_CONNECTIONS_PER_USER = 20;
const connectionsOf = new Map<UserId, number>();
let liveConnections = 0;
/** This instance's live connections now (the admin page's figures: server/admin). */
export const liveConnectionCount = () => liveConnections;
const mayConnect = (userId: UserId) => (connectionsOf.get(userId) ?? 0) < MAX_CONNECTIONS_PER_USER;

/**
 * A client's live connection (a WebSocket, or the event stream of the HTTP fallback): counted as
 * open, and its user online (so no pushes go to them), until it closes.
 */
function trackLiveConnection({ userId, sessionId }: Caller, connectionId: string, close: () => void, onClose: (closed: () => void) => void): void {
  connectionsOf.set(userId, (connectionsOf.get(userId) ?? 0) + 1);
  liveConnections += 1;
  metrics.openConnections.inc();
  void presenceTracker.connected(userId, connectionId).catch((err) => logger.warn({ err }, 'presence connect failed'));
  // Ending the session (logging out, here or elsewhere) closes it.
  const untrack = trackSessionConnection(sessionId, close);
  onClose(() => {
    untrack();
    const left = (connectionsOf.get(userId) ?? 1) - 1;
    if (left > 0) connectionsOf.set(userId, left);
    else connectionsOf.delete(userId);
    liveConnections -= 1;
    metrics.openConnections.dec();
    void presenceTracker.disconnected(userId, connectionId).catch((err) => logger.warn({ err }, 'presence disconnect failed'));
  });
}

export function createParleyServer(options: ParleyServerOptions): ParleyServer {
  const budget = options.callBudget ?? callBudget;
  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_HTTP_PATH}/`,
    maxBodySize: MAX_HTTP_BODY,
    maxBatchSize: MAX_CALLS_PER_BATCH,
    createContext: async ({ req, res }) => {
      const caller = await callerFromHeaders(req.headers);
      // The fallback transport's event stream (server-sent events) is a live connection as a socket is.
      if (caller && req.headers.accept?.includes('text/event-stream')) {
        if (!mayConnect(caller.userId)) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'Too many open connections. Close a tab or two.' });
        trackLiveConnection(caller, randomUUID(), () => res.destroy(), (closed) => res.once('close', closed));
      }
      return rootContext({ ...caller, userId: caller?.userId ?? null, clientAddress: clientAddressOf(req.headers), budget }, { reqId: randomUUID() });
    },
  });

  let accepting = true;
  const stopHealing = startHealing(env.DELIVERY_HEAL_S * 1000);
  const stopSessionSweep = startSessionSweep();
  const stopUploadSweep = startUploadSweep();
  const headers = { https: env.publicUrl.startsWith('https:'), dev: env.NODE_ENV !== 'production' }; // as boot.ts runs Next
  const server = http.createServer((req, res) => {
    noteClientAddress(req, env.TRUST_PROXY);
    applySecurityHeaders(res, headers);
    if (req.url?.startsWith(`${TRPC_HTTP_PATH}/`)) return trpcHttp(req, res);
    // Liveness (also the browser's probe for "HTTP works, WebSockets do not"), readiness, metrics.
    if (handleHealthRequest(req, res, () => !accepting)) return;
    if (handleExportRequest(req, res, budget)) return;
    if (handleMediaRequest(req, res, budget)) return;
    if (options.fallback) {
      applyPagePolicy(req, res, headers);
      return options.fallback(req, res);
    }
    res.statusCode = 404;
    res.end();
  });

  // Who each upgraded connection is: authenticated once at upgrade, read by every call's context.
  const connections = new WeakMap<http.IncomingMessage, Caller & { connectionId: string }>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
  const trpcConnection = getWSConnectionHandler({
    wss,
    router: appRouter,
    // Pings every 10 s and drops a connection that has not answered 10 s later.
    keepAlive: { enabled: true, pingMs: 10_000, pongWaitMs: 10_000 },
    createContext: ({ req }) => {
      const connection = connections.get(req);
      return rootContext({ ...connection, userId: connection?.userId ?? null, clientAddress: clientAddressOf(req.headers) }, { connId: connection?.connectionId });
    },
  });
  wss.on('connection', (ws, req) => {
    const connection = connections.get(req);
    if (connection) serveSocket(ws, req, connection.userId, budget, trpcConnection, logger.child({ connId: connection.connectionId, userId: connection.userId }));
  });

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== TRPC_WS_PATH) return; // HMR and other upgrades belong to Next's own listener
    noteClientAddress(req, env.TRUST_PROXY);
    if (!accepting) return refuse(socket, 503, 'Service Unavailable');
    // Browsers always send Origin; a foreign one is a cross-site WebSocket hijack attempt.
    const origin = req.headers.origin;
    if (origin !== undefined && !options.allowedOrigins.includes(origin)) {
      // The app's own page at an address PUBLIC_URL does not name (an IP, another host name): it
      // works on over event streams, but the operator should hear how to give it WebSockets.
      const ownPage = URL.canParse(origin) && new URL(origin).host === req.headers.host;
      logger.warn(
        { origin },
        ownPage ? `websocket refused: the app was opened at ${origin}, which is not PUBLIC_URL; set PUBLIC_URL=${origin}` : 'websocket refused: foreign origin',
      );
      return refuse(socket, 403, 'Forbidden');
    }
    callerFromHeaders(req.headers).then(
      (caller) => {
        if (!caller) return refuse(socket, 401, 'Unauthorized');
        if (!mayConnect(caller.userId)) return refuse(socket, 429, 'Too Many Requests');
        const connectionId = randomUUID();
        connections.set(req, { ...caller, connectionId });
        wss.handleUpgrade(req, socket, head, (ws) => {
          trackLiveConnection(caller, connectionId, () => ws.close(SESSION_ENDED_CLOSE_CODE, 'session ended'), (closed) => ws.once('close', closed));
          wss.emit('connection', ws, req);
        });
      },
      () => refuse(socket, 500, 'Internal Server Error'),
    );
  });

  return {
    http: server,
    stopAccepting() {
      // New upgrades get 503 and /readyz says so, while HTTP keeps answering until close().
      accepting = false;
      // tRPC's clients reconnect on this (to another instance, behind a load balancer).
      const reconnect = JSON.stringify({ id: null, method: 'reconnect' });
      for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(reconnect);
    },
    async close() {
      accepting = false;
      presenceTracker.stop();
      stopHealing();
      stopSessionSweep();
      stopUploadSweep();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
