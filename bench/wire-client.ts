// A lean load-generator client: one WebSocket speaking tRPC's wire protocol (JSON with superjson's
// envelope) by hand, so a thousand of them and thousands of messages a second fit in one core
// beside the measurement. It answers the server's keep-alive pings; nothing else is automatic.
import WebSocket from 'ws';

interface Pending {
  resolve: (data: unknown) => void;
  reject: (err: WireError) => void;
}

export class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** An event of the subscription: its `json` as sent (dates stay ISO strings). */
type WireEvent = { type: string; [key: string]: unknown };

export class WireClient {
  private readonly socket: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<number, (event: WireEvent) => void>();
  readonly opened: Promise<void>;
  /** When the socket closed (or null while open). */
  closedAt: number | null = null;

  constructor(url: string, token: string) {
    this.socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (raw) => this.onMessage(raw.toString()));
    this.socket.on('close', () => {
      this.closedAt = Date.now();
      for (const p of this.pending.values()) p.reject(new WireError('CLOSED', 'socket closed'));
      this.pending.clear();
    });
    this.socket.on('error', () => {});
  }

  private onMessage(text: string): void {
    if (text === 'PING') return void this.socket.send('PONG');
    if (text === 'PONG') return;
    const msg = JSON.parse(text) as {
      id: number | null;
      result?: { type: string; data?: { json?: { data?: WireEvent } & Record<string, unknown> } };
      error?: { json?: { message?: string; data?: { code?: string } & Record<string, unknown> } };
    };
    if (msg.id === null) return;
    const onEvent = this.subscriptions.get(msg.id);
    if (onEvent) {
      // Tracked events: { id, data: event }.
      const event = msg.result?.type === 'data' ? msg.result.data?.json?.data : undefined;
      if (event) onEvent(event);
      return;
    }
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (msg.error) {
      const e = msg.error.json ?? {};
      pending.reject(new WireError(e.data?.code ?? 'UNKNOWN', e.message ?? 'error', e.data));
    } else {
      pending.resolve(msg.result?.data?.json);
    }
  }

  /** Calls a mutation; resolves with its result's `json`, or rejects with the server's code. */
  mutate(path: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method: 'mutation', params: { path, input: { json: input } } }));
    });
  }

  subscribe(path: string, input: unknown, onEvent: (event: WireEvent) => void): void {
    const id = this.nextId++;
    this.subscriptions.set(id, onEvent);
    this.socket.send(JSON.stringify({ id, method: 'subscription', params: { path, input: { json: input } } }));
  }

  close(): void {
    this.socket.terminate();
  }
}
