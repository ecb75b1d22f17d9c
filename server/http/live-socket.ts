// One WebSocket speaking tRPC's protocol. Three calls carry almost all traffic: the one subscription
// every client holds (sync.events), messages.send and receipts.ack. This layer serves them itself, on
// the same services as their procedures: each event is serialized once for all its receivers on this instance
// (a group message to 500 people is one serialization, not 500) and written to each socket with its
// subscription id spliced in; a send or an ack goes to its batch the moment its frame arrives, with none of
// tRPC's per-call machinery (that was a third of the server's time per message in bench/capacity.ts).
// Every other message goes to tRPC's own connection handler unchanged. The wire format is exactly
// tRPC's, so tRPC's client needs nothing.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { ZodType } from 'zod';
import type { MessageNewEvent, ServerEvent } from '../../lib/events.ts';
import { ackReceiptsInput, sendMessageInput, type Message, type ReceiptState, type UserId } from '../../lib/schemas.ts';
import { sendMessage } from '../messages/service.ts';
import { ackReceipts } from '../receipts/service.ts';
import { appRouter } from '../router.ts';
import { syncEventsInput, trackedIdOf } from '../sync/router.ts';
import { AppError } from '../errors.ts';
import { openLiveEvents, type LiveEvents } from '../sync/service.ts';
import { clientErrorOf } from '../trpc.ts';
import { budgetKey, costOf, overBudget, type CallBudget } from './call-budget.ts';

const LIVE_PATH = 'sync.events';
/** A tab needs one; a few allow for a client that resubscribes before its old stream stopped. */
const MAX_LIVE_SUBSCRIPTIONS = 4;
/**
 * Calls one frame may carry before the rest are refused (TOO_MANY_REQUESTS with when to retry;
 * nothing done): a 64 KiB frame could otherwise carry 800. Every call also spends the user's call
 * budget (call-budget.ts), shared with their HTTP requests and other sockets.
 */
export const MAX_CALLS_PER_FRAME = 100;

const config = appRouter._def._config;
const serialize = (value: unknown) => JSON.stringify(config.transformer.output.serialize(value));

interface Request {
  id: number | string | null;
  jsonrpc?: '2.0';
  method?: string;
  params?: { path?: string; input?: unknown };
}

/**
 * The part of a data frame after its subscription id, per event object: the bus hands the same object
 * to every local subscriber of an event, so it is serialized once however many receive it.
 */
const framed = new WeakMap<object, string>();

function frameTail(event: ServerEvent): string {
  let tail = framed.get(event);
  if (tail === undefined) {
    const id = trackedIdOf(event);
    const data = event.type === 'message.new' ? serializeTracked(id, event) : serialize({ id, data: event });
    tail = `,"result":{"type":"data","id":${JSON.stringify(id)},"data":${data}}}`;
    if (event.type !== 'sync.heads') framed.set(event, tail);
  }
  return tail;
}

/**
 * What superjson makes of a message (its one Date is createdAt, which JSON.stringify writes as
 * ISO), written directly: superjson's generic walk was most of this layer's own time per message.
 * live-socket.test.ts holds both to the same output.
 */
export function serializeMessage(message: Message): string {
  return `{"json":${JSON.stringify(message)},"meta":{"values":{"createdAt":["Date"]},"v":1}}`;
}

/** A tracked message.new as superjson would write `{ id, data: event }`. */
export function serializeTracked(id: string, event: MessageNewEvent): string {
  return `{"json":{"id":${JSON.stringify(id)},"data":${JSON.stringify(event)}},"meta":{"values":{"data.message.createdAt":["Date"]},"v":1}}`;
}

/**
 * Frames written to one socket in the same tick leave in one write: an ack and the sender's own copy
 * of the event, or a batch's events for one receiver. ws writes every frame at once otherwise (the
 * kernel takes loopback and LAN writes synchronously), and writes are the biggest single cost of a
 * message here (bench/capacity.ts: ~45 µs each, three per one-to-one message before this).
 */
const corked = new Set<Socket>();
function sendCoalesced(ws: WebSocket, data: string | Buffer): void {
  // ws keeps its socket private; cork/uncork on it is what ws itself does around each frame.
  const socket = (ws as unknown as { _socket: Socket | null })._socket;
  if (socket && !corked.has(socket)) {
    if (corked.size === 0) process.nextTick(uncorkAll);
    corked.add(socket);
    socket.cork();
  }
  ws.send(data);
}
function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** tRPC's view of the socket: the real one, minus the messages this layer serves itself. */
class TrpcSide extends EventEmitter {
  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('close', (...args) => this.emit('close', ...args));
    ws.on('error', (err) => this.emit('error', err));
  }
  get readyState(): number {
    return this.ws.readyState;
  }
  send(data: string | Buffer): void {
    sendCoalesced(this.ws, data);
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
  terminate(): void {
    this.ws.terminate();
  }
}

/** Written error shapes of service refusals, by what they say. */
const refusals = new Map<string, string>();
const MAX_REMEMBERED_REFUSALS = 100;

export type TrpcConnectionHandler = ReturnType<typeof getWSConnectionHandler>;

/** A mutation served here: its procedure's input schema and service call, and how its result is written. */
interface MutationRoute {
  /**
   * Validates and runs (synchronously up to the service call: one connection's sends keep their
   * order); resolves with the written result, rejects with what to tell the client.
   */
  call(userId: UserId, rawInput: unknown): Promise<string>;
}

function route<I, O>(schema: ZodType<I>, run: (userId: UserId, input: I) => Promise<O>, write: (result: O) => string): MutationRoute {
  return {
    call(userId, rawInput) {
      const parsed = schema.safeParse(rawInput === undefined ? undefined : config.transformer.input.deserialize(rawInput));
      if (!parsed.success) return Promise.reject(new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: parsed.error }));
      return run(userId, parsed.data).then(write);
    },
  };
}

/** The mutations served here (their procedures: routers messages and receipts). */
const MUTATIONS: Record<string, MutationRoute> = {
  'messages.send': route(sendMessageInput, sendMessage, serializeMessage),
  // Receipt states hold only strings and numbers: superjson adds nothing to them.
  'receipts.ack': route(ackReceiptsInput, ackReceipts, (states: ReceiptState[]) => `{"json":${JSON.stringify(states)}}`),
};

/**
 * Serves one upgraded socket of `userId`: the live subscription and sends here (the two calls that
 * carry almost all traffic; the same services as their tRPC procedures), everything else through `trpc`.
 */
export function serveSocket(ws: WebSocket, req: IncomingMessage, userId: UserId, budget: CallBudget, trpc: TrpcConnectionHandler, log: Logger): void {
  const trpcSide = new TrpcSide(ws);
  trpc(trpcSide as unknown as WebSocket, req);
  const live = new Map<Request['id'], LiveEvents>();

  const reply = (request: Request, rest: string) =>
    sendCoalesced(ws, `{"id":${JSON.stringify(request.id)}${request.jsonrpc ? ',"jsonrpc":"2.0"' : ''}${rest}`);

  const fail = (request: Request, error: unknown, type: 'query' | 'mutation' | 'subscription', path: string) => {
    // A service's refusal reads the same for everyone (a saturated server refuses thousands a
    // second): its written shape is reused.
    const key = error instanceof AppError ? `${type}|${path}|${error.code}|${error.field}|${error.retryAfterMs}|${error.message}` : null;
    let written = key === null ? undefined : refusals.get(key);
    if (written === undefined) {
      const clientError = clientErrorOf(getTRPCErrorFromUnknown(error), log, path);
      written = serialize(getTRPCErrorShape({ config, error: clientError, type, path, input: request.params?.input, ctx: undefined }));
      if (key !== null) {
        if (refusals.size >= MAX_REMEMBERED_REFUSALS) refusals.clear();
        refusals.set(key, written);
      }
    }
    reply(request, `,"error":${written}}`);
  };

  const subscribe = (request: Request) => {
    if (live.has(request.id)) return fail(request, new TRPCError({ code: 'BAD_REQUEST', message: `Duplicate id ${request.id}` }), 'subscription', LIVE_PATH);
    if (live.size >= MAX_LIVE_SUBSCRIPTIONS) {
      return fail(request, new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'Too many live subscriptions on one connection' }), 'subscription', LIVE_PATH);
    }
    const raw = request.params?.input;
    const input = syncEventsInput.safeParse(raw === undefined ? undefined : config.transformer.input.deserialize(raw));
    if (!input.success) return fail(request, new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: input.error }), 'subscription', LIVE_PATH);
    reply(request, ',"result":{"type":"started"}}');
    const head = `{"id":${JSON.stringify(request.id)}${request.jsonrpc ? ',"jsonrpc":"2.0"' : ''}`;
    live.set(
      request.id,
      openLiveEvents(userId, (event) => {
        if (ws.readyState === ws.OPEN) sendCoalesced(ws, head + frameTail(event));
      }),
    );
  };

  const stop = (request: Request) => {
    live.get(request.id)?.close();
    live.delete(request.id);
    reply(request, ',"result":{"type":"stopped"}}');
  };

  const mutate = (request: Request) => {
    const path = request.params!.path!;
    MUTATIONS[path].call(userId, request.params?.input).then(
      (data) => reply(request, `,"result":{"type":"data","data":${data}}}`),
      (err: unknown) => fail(request, err, 'mutation', path),
    );
  };

  /** The handler of a request this layer serves; undefined: it belongs to tRPC. */
  const handlerOf = (r: Request) => {
    if (!r || typeof r !== 'object') return undefined;
    if (r.method === 'subscription' && r.params?.path === LIVE_PATH) return subscribe;
    if (r.method === 'mutation' && typeof r.params?.path === 'string' && Object.hasOwn(MUTATIONS, r.params.path)) return mutate;
    if (r.method === 'subscription.stop' && live.has(r.id)) return stop;
  };

  /** 0: the call may go; else how long until it could, ms. */
  const waitFor = (r: Request, indexInFrame: number): number =>
    indexInFrame >= MAX_CALLS_PER_FRAME ? 100 : budget.take(budgetOf, costOf(typeof r.params?.path === 'string' ? r.params.path : ''));
  const budgetOf = budgetKey(userId, null);
  // Past the budget the socket is not read for a second at least (a client that heeds the retry
  // hint sends nothing meanwhile): a flood then costs a refused frame a second, not the parsing and
  // refusing of every call it would have sent meanwhile.
  let resumeTimer: NodeJS.Timeout | null = null;
  const restFor = (hintMs: number) => {
    const ms = Math.max(hintMs, 1_000);
    if (resumeTimer || ws.readyState !== ws.OPEN) return;
    ws.pause();
    resumeTimer = setTimeout(() => {
      resumeTimer = null;
      if (ws.readyState === ws.OPEN) ws.resume();
    }, ms);
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) return void trpcSide.emit('message', data, isBinary);
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return void trpcSide.emit('message', data, isBinary); // PING, or a parse error tRPC answers
    }
    const all = (Array.isArray(message) ? message : [message]) as Request[];
    // Calls past the frame's or the second's budget are answered here and go no further.
    let longestWait = 0;
    const requests = all.filter((r, i) => {
      const isCall = !!r && typeof r === 'object' && r.id !== undefined && r.method !== 'subscription.stop';
      const wait = isCall ? waitFor(r, i) : 0;
      if (wait === 0) return true;
      longestWait = Math.max(longestWait, wait);
      const type = r.method === 'query' || r.method === 'subscription' ? r.method : 'mutation';
      fail(r, overBudget(wait), type, typeof r.params?.path === 'string' ? r.params.path : '');
      return false;
    });
    if (longestWait > 0) restFor(longestWait);
    const handlers = requests.map(handlerOf);
    if (handlers.every((h) => h === undefined)) {
      if (requests.length === all.length) return void trpcSide.emit('message', data, isBinary);
      if (requests.length > 0) trpcSide.emit('message', Buffer.from(JSON.stringify(requests)), false);
      return;
    }
    // A batch that mixes: tRPC gets the rest, in a frame of its own.
    const theirs = requests.filter((_, i) => handlers[i] === undefined);
    if (theirs.length > 0) trpcSide.emit('message', Buffer.from(JSON.stringify(theirs)), false);
    requests.forEach((r, i) => handlers[i]?.(r));
  });

  ws.once('close', () => {
    if (resumeTimer) clearTimeout(resumeTimer);
    for (const l of live.values()) l.close();
    live.clear();
  });
}
