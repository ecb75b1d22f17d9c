'use client';
// How the browser reaches the API: one WebSocket for mutations and the live subscription, falling back to
// HTTP + server-sent events when WebSockets are blocked; retried at once when the browser comes back.
import {
  createWSClient,
  httpBatchLink,
  httpSubscriptionLink,
  wsLink,
  type TRPCLink,
} from '@trpc/client';
import { backoffMs } from '@/lib/backoff.ts';
import { SESSION_ENDED_CLOSE_CODE } from '@/lib/events.ts';
import { MAX_CALLS_PER_BATCH } from '@/lib/limits.ts';
import { decodeWire, encodePlain, type WireResult } from '@/lib/wire-format.ts';
import type { AppRouter } from '@/server/router.ts';

type WsClient = ReturnType<typeof createWSClient>;
export type TransportMode = 'ws' | 'sse';
/**
 * online: live events flow; offline: the browser has no network; unreachable: the network is there
 * but the server does not answer (retrying with backoff); connecting: on the way.
 */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'unreachable';

// This many WebSocket attempts in a row failing while plain HTTP works means something on the way
// (a proxy, a firewall) blocks WebSockets: use HTTP instead.
const WS_FAILURES_BEFORE_FALLBACK = 2;
// A socket still not open after this long (a proxy that swallows the upgrade) counts as failed.
const WS_CONNECT_TIMEOUT_MS = 8_000;

// How long a closing handshake may take before the socket is reported closed anyway.
const CLOSE_HANDSHAKE_GRACE_MS = 1_000;

/**
 * A browser WebSocket whose close() is reported at once even when the peer cannot answer. The keep-
 * alive closes a socket that stopped answering pings; on a dead network the closing handshake never
 * completes and the browser would only fire 'close' about a minute later. Each 'close' listener runs
 * once, for whichever close comes first.
 */
function promptCloseWebSocket(): typeof WebSocket {
  return class PromptCloseWebSocket extends WebSocket {
    private firstClose: Event | null = null;
    private readonly wrapped = new Map<EventListenerOrEventListenerObject, EventListener>();

    override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
      if (!listener) return;
      if (type !== 'close') return super.addEventListener(type, listener, options);
      const once: EventListener = (event) => {
        this.firstClose ??= event;
        if (event !== this.firstClose) return;
        if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      };
      this.wrapped.set(listener, once);
      super.addEventListener(type, once, options);
    }

    override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void {
      if (!listener) return;
      super.removeEventListener(type, this.wrapped.get(listener) ?? listener, options);
    }

    override close(code?: number, reason?: string): void {
      super.close(code, reason);
      setTimeout(() => {
        if (!this.firstClose) this.dispatchEvent(new CloseEvent('close', { code: 4000, reason: 'unresponsive', wasClean: false }));
      }, CLOSE_HANDSHAKE_GRACE_MS);
    }
  };
}

/** The API's transformer in the browser: superjson's format, without superjson (lib/wire-format.ts). */
export const wireTransformer = {
  serialize: (value: unknown): WireResult => {
    const wire = encodePlain(value);
    if (!wire) throw new TypeError('an API input must be plain data (objects, arrays, strings, numbers, booleans, null, Dates)');
    return wire;
  },
  deserialize: (wire: WireResult) => decodeWire(wire),
};

/** Calls over plain HTTP, batched (queries always; everything before login or in the SSE mode). */
export const apiHttpLink = () => httpBatchLink<AppRouter>({ url: '/api/trpc', transformer: wireTransformer, maxItems: MAX_CALLS_PER_BATCH });

/** Whether a failed call says the caller is not signed in (any more). */
export function isUnauthorized(err: unknown): boolean {
  return (err as { data?: { code?: unknown } } | null)?.data?.code === 'UNAUTHORIZED';
}

export class Transport {
  mode: TransportMode = 'ws';
  /** The session ended (logged out here or on another device): the page must go to the login. */
  onSessionEnded: (() => void) | null = null;
  /** Bumped whenever the live subscription must be made again (new client or new mode). */
  generation = 0;
  private ws: WsClient | null = null;
  private wsLinks = new WeakMap<WsClient, ReturnType<ReturnType<typeof wsLink<AppRouter>>>>();
  private failuresInARow = 0;
  /** When the socket tries again after a failure (ms since the epoch; 0: not waiting). */
  private retryAt = 0;
  private wsState: ConnectionState = 'connecting';
  /** The live subscription's own state: a link can be up with the subscription not (yet) running. */
  private subscriptionState: ConnectionState = 'connecting';
  private readonly listeners = new Set<() => void>();
  private readonly stateListeners = new Set<() => void>();
  private readonly http = apiHttpLink();
  private readonly sse = httpSubscriptionLink<AppRouter, typeof EventSource>({ url: '/api/trpc', transformer: wireTransformer });

  /** Listens for the browser coming back (call once, in the browser). */
  start(): () => void {
    // Back from offline, the socket open before may be dead without knowing it yet (it would take a
    // missed ping to find out): a new one at once. Otherwise only a wait for the next try is cut short.
    let wasOffline = false;
    const onOnline = () => {
      this.stateChanged();
      if (wasOffline) this.reconnect();
      else this.retryNow();
      wasOffline = false;
    };
    const onOffline = () => {
      wasOffline = true;
      this.stateChanged();
    };
    window.addEventListener('offline', onOffline);
    const onVisible = () => document.visibilityState === 'visible' && this.retryNow();
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getGeneration = () => this.generation;

  /**
   * What the person sees: online only while live events flow (the socket, if any, is open and the
   * subscription running); offline while the browser says it is (a socket may look open for a while
   * after the network went); else connecting.
   */
  getState = (): ConnectionState => {
    if (typeof navigator !== 'undefined' && !navigator.onLine) return 'offline';
    const link = this.mode === 'ws' ? this.wsState : 'online';
    const state = link === 'online' ? this.subscriptionState : link;
    // Connecting again after a socket failed (or closed before events flowed): the server is not answering.
    return state === 'connecting' && this.failuresInARow > 0 ? 'unreachable' : state;
  };

  /** When the next attempt to connect is due (ms since the epoch), while waiting after a failure; else 0. */
  getRetryAt = (): number => (this.getState() === 'unreachable' ? this.retryAt : 0);

  subscribeState = (listener: () => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  /** A call failed: one refused as unauthorized means the session ended. */
  reportError(err: unknown): void {
    if (isUnauthorized(err)) this.sessionEnded();
  }

  private sessionEnded(): void {
    const handler = this.onSessionEnded;
    this.onSessionEnded = null; // once
    handler?.();
  }

  /** The live subscription reports whether it is running. */
  setSubscriptionState(state: ConnectionState): void {
    if (state === 'online') this.failuresInARow = 0;
    if (state === this.subscriptionState) return;
    this.subscriptionState = state;
    this.stateChanged();
  }

  private stateChanged(): void {
    for (const l of this.stateListeners) l();
  }

  /** Queries go over HTTP (cacheable, work before the socket opens); the rest follows the mode. */
  readonly link: TRPCLink<AppRouter> = (runtime) => {
    const http = this.http(runtime);
    const sse = this.sse(runtime);
    return (opts) => {
      if (opts.op.type === 'query') return http(opts);
      if (this.mode === 'sse') return opts.op.type === 'subscription' ? sse(opts) : http(opts);
      return this.wsLinkFor(runtime)(opts);
    };
  };

  /** A socket waiting out its backoff is replaced by a fresh one that connects now. */
  retryNow = (): void => {
    if (this.ws?.connectionState.get().state === 'connecting') this.reconnect();
  };

  /** Drops the socket and makes a new one now (the subscription resumes on it). */
  private reconnect(): void {
    if (this.mode !== 'ws' || !this.ws) return;
    const stale = this.ws;
    this.ws = null;
    void stale.close();
    this.changed();
  }

  private wsLinkFor(runtime: Parameters<TRPCLink<AppRouter>>[0]) {
    const client = this.wsClient();
    let link = this.wsLinks.get(client);
    if (!link) {
      link = wsLink<AppRouter>({ client, transformer: wireTransformer })(runtime);
      this.wsLinks.set(client, link);
    }
    return link;
  }

  private wsClient(): WsClient {
    if (this.ws) return this.ws;
    const stuck = setTimeout(() => {
      if (this.ws === client && client.connectionState.get().state !== 'pending') {
        this.failuresInARow = WS_FAILURES_BEFORE_FALLBACK - 1;
        void this.onWsClosed();
      }
    }, WS_CONNECT_TIMEOUT_MS);
    const client: WsClient = (this.ws = createWSClient({
      url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/trpc-ws`,
      WebSocket: promptCloseWebSocket(),
      lazy: { enabled: true, closeMs: 30_000 },
      keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 10_000 },
      retryDelayMs: (attempt) => {
        const delay = backoffMs(attempt);
        this.retryAt = Date.now() + delay;
        return delay;
      },
      // A socket that opens is not yet a connection that works (a proxy or a dying server may close it
      // at once): failures count until events flow (setSubscriptionState).
      onOpen: () => clearTimeout(stuck),
      onClose: (cause) => (cause?.code === SESSION_ENDED_CLOSE_CODE ? this.sessionEnded() : void this.onWsClosed()),
    }));
    client.connectionState.subscribe({
      next: (s) => {
        if (this.ws !== client) return;
        this.wsState = s.state === 'pending' ? 'online' : s.error ? 'unreachable' : 'connecting';
        this.stateChanged();
      },
    });
    return client;
  }

  private async onWsClosed(): Promise<void> {
    this.failuresInARow += 1;
    this.stateChanged();
    if (this.mode !== 'ws' || this.failuresInARow < WS_FAILURES_BEFORE_FALLBACK) return;
    // Offline or the server is down: WebSockets are not the problem, keep retrying them.
    const httpWorks = await fetch('/healthz', { cache: 'no-store' }).then((r) => r.ok, () => false);
    if (!httpWorks || this.mode !== 'ws') return;
    this.mode = 'sse';
    const stale = this.ws;
    this.ws = null;
    void stale?.close();
    this.changed();
  }

  private changed(): void {
    this.generation += 1;
    for (const l of this.listeners) l();
    this.stateChanged();
  }
}
