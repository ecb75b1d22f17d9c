// Test helpers: unique users, callers acting as them, typed errors, and a reader of live events.
import { randomBytes, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { getTRPCErrorShape, isTrackedEnvelope, TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import type { BusEvent, ServerEvent } from '../../lib/events.ts';
import type { ConversationId, Message, UserSummary } from '../../lib/schemas.ts';
import { closeDb, getDb } from '../db/client.ts';
import { fanout } from '../messages/fanout.ts';
import { push } from '../push/service.ts';
import { drainAcks } from '../receipts/service.ts';
import { closeBus } from '../realtime/index.ts';
import { appRouter, createCaller } from '../router.ts';
import { rootContext } from '../trpc.ts';

export const TEST_PASSWORD = 'correct-horse-1';

export type Caller = ReturnType<typeof createCaller>;

/** A valid username no other test (or run) uses: lowercase, at most 32 characters. */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix.toLowerCase().slice(0, 12)}_${randomBytes(8).toString('hex')}`;
}

/** A caller as `userId`; through a session (a signed-in browser or a token) when `sessionId` is given. */
export function callerFor(userId: string | null, { signal, sessionId }: { signal?: AbortSignal; sessionId?: string } = {}): Caller {
  return createCaller(rootContext({ userId, sessionId }), { signal });
}

export interface TestUser extends UserSummary {
  caller: Caller;
}

// Hashed once: argon2 is deliberately slow, and most tests need users, not registration (auth tests
// register through the API). The stored hash is a real one, so these users can log in.
let passwordHash: Promise<string> | undefined;

/** A user with a unique username and the password TEST_PASSWORD, and a caller acting as them. */
export async function createUser(prefix = 'u'): Promise<TestUser> {
  passwordHash ??= hash(TEST_PASSWORD);
  const user = await getDb().user.create({
    data: { id: randomUUID(), username: uniqueUsername(prefix), displayName: `${prefix} test user`, passwordHash: await passwordHash },
    select: { id: true, username: true, displayName: true },
  });
  return { ...user, caller: callerFor(user.id) };
}

/** Two users and the direct conversation between them. */
export async function createPair(prefix = 'p'): Promise<{ a: TestUser; b: TestUser; conversationId: ConversationId }> {
  const [a, b] = await Promise.all([createUser(`${prefix}a`), createUser(`${prefix}b`)]);
  const conversation = await a.caller.conversations.openDirect({ username: b.username });
  return { a, b, conversationId: conversation.id };
}

/** A group of `size` users made through the API: users[0] is its owner; seq 1 is its "created" message. */
export async function createGroup(prefix = 'g', size = 3): Promise<{ users: TestUser[]; conversationId: ConversationId }> {
  const users = await Promise.all(Array.from({ length: size }, (_, i) => createUser(`${prefix}${i}`)));
  const group = await users[0].caller.groups.create({ title: `${prefix} group`, usernames: users.slice(1).map((u) => u.username) });
  await fanout.idle();
  return { users, conversationId: group.id };
}

/** Sends, and waits for the message to be fanned out too (that happens after the ack). */
export async function send(user: TestUser, conversationId: ConversationId, body: string, clientId: string = randomUUID()): Promise<Message> {
  const message = await user.caller.messages.send({ conversationId, clientId, body });
  await fanout.idle();
  return message;
}

/** Awaits a rejection with this tRPC code and returns the error for further checks. */
export async function expectTRPCError(promise: Promise<unknown>, code: TRPCError['code']): Promise<TRPCError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected a ${code} error, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
  return err as TRPCError;
}

/** What a client receives for this error: the shape our error formatter makes. */
export function errorShape(error: TRPCError, path = 'test') {
  return getTRPCErrorShape({ config: appRouter._def._config, error, type: 'mutation', path, input: undefined, ctx: undefined });
}

/** Events as they arrive, so a test can wait for the next one that matches, with a timeout (never a fixed sleep). */
export class EventQueue<E extends { type: string } = ServerEvent> {
  readonly events: E[] = [];
  private cursor = 0;
  private waiter: (() => void) | null = null;
  private ended = false;
  private failure: unknown;

  push(event: E): void {
    this.events.push(event);
    this.waiter?.();
  }

  end(failure?: unknown): void {
    this.ended = true;
    this.failure = failure;
    this.waiter?.();
  }

  /** The next event after the ones already taken that satisfies `match` (skipping the others). */
  async next<T extends E = E>(match: (e: E) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor++];
        if (match(event)) return event as T;
      }
      if (this.ended) throw new Error(`the stream ended before the expected event${this.failure ? `: ${String(this.failure)}` : ''}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }
}

/** A sync.events subscription through the caller, read in the background into an EventQueue. */
export class EventReader extends EventQueue {
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  /** Subscribes as this user, the way a connection does. */
  static async open(userId: string): Promise<EventReader> {
    const reader = new EventReader();
    const iterable = (await callerFor(userId, { signal: reader.abort.signal }).sync.events()) as AsyncIterable<unknown>;
    reader.done = (async () => {
      try {
        for await (const item of iterable) reader.push((isTrackedEnvelope(item) ? item[1] : item) as ServerEvent);
        reader.end();
      } catch (err) {
        reader.end(err);
      }
    })();
    return reader;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/** A receipt event of conversation c1 and user u1, for tests of the bus and the subscription. */
export const receiptEvent = (readSeq: number): BusEvent => ({
  type: 'receipt.updated',
  conversationId: 'c1',
  userId: 'u1',
  deliveredSeq: readSeq,
  readSeq,
  allDeliveredSeq: readSeq,
  allReadSeq: readSeq,
});

export function isMessageIn(conversationId: string) {
  return (e: ServerEvent) => e.type === 'message.new' && e.message.conversationId === conversationId;
}

/**
 * Releases this test file's database pool and bus, so the worker can exit; first the fan-out and
 * push rounds still running finish (files share a worker's modules: a round cut off here would hold
 * up the next file's).
 */
export async function releaseServices(): Promise<void> {
  await drainAcks();
  await fanout.idle();
  await push.idle();
  await closeBus();
  await closeDb();
}
