// Password hashing, bounded and in the background: argon2 is made to be costly, so a flood of
// sign-ins or registrations must not take the cores from everyone else. Hashes run on a thread of
// their own at the lowest CPU priority (nice 19): when the server is busy, chats go first and a
// sign-in waits (bench/abuse.ts: on one core, a password spray had raised another user's p99 3.8x).
// At most HASHING_AT_ONCE hashes run at a time in this process; up to HASHING_WAITING wait their
// turn; past that the attempt is refused at once (RATE_LIMITED, retryable) without hashing anything.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';

// @node-rs/argon2 defaults to argon2id; these are OWASP's suggested costs for it.
const HASH_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const HASHING_AT_ONCE = 1;
export const HASHING_WAITING = 32;
const RETRY_AFTER_MS = 1_000;

/** Runs at most `atOnce` tasks at a time, queues up to `waiting` more, refuses the rest. */
export class BoundedWork {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly atOnce: number, private readonly waiting: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.atOnce) {
      if (this.queue.length >= this.waiting) {
        throw new AppError('RATE_LIMITED', 'Too many sign-ins at once. Try again in a moment.', undefined, RETRY_AFTER_MS);
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.running++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.running--;
    }
  }
}

// The hashing thread: plain JavaScript given as text, so it needs no build step of its own (the
// server is bundled); it lowers its own priority (on Linux, nice is per thread) and hashes synchronously.
const HASHER_SOURCE = `
  const { parentPort, workerData } = require('node:worker_threads');
  try { require('node:os').setPriority(19); } catch {}
  const argon2 = require(workerData.argon2);
  parentPort.on('message', ({ id, op, args }) => {
    try {
      parentPort.postMessage({ id, result: op === 'hash' ? argon2.hashSync(...args) : argon2.verifySync(...args) });
    } catch (err) {
      parentPort.postMessage({ id, error: String((err && err.message) || err) });
    }
  });`;

/** Where the hashing thread loads argon2 from: this module's own resolution, or, inside a bundle that
 * rewrote require.resolve (Next's), the package name, resolved from the working directory. */
function argon2Location(): string {
  try {
    const resolved: unknown = createRequire(import.meta.url).resolve('@node-rs/argon2');
    if (typeof resolved === 'string') return resolved;
  } catch {
    // fall through
  }
  return '@node-rs/argon2';
}

interface Hasher {
  worker: Worker | undefined;
  nextId: number;
  pending: Map<number, { resolve: (value: never) => void; reject: (err: Error) => void }>;
}
// One thread per process, shared with the copy of this module in Next's bundle (its sign-in route):
// it hashes one at a time whichever route asked.
const KEY = Symbol.for('parley.hashing');
const hasher: Hasher = ((globalThis as { [KEY]?: Hasher })[KEY] ??= { worker: undefined, nextId: 0, pending: new Map() });

function inHasher<T>(op: 'hash' | 'verify', args: unknown[]): Promise<T> {
  const { pending } = hasher;
  if (!hasher.worker) {
    const worker = (hasher.worker = new Worker(HASHER_SOURCE, { eval: true, workerData: { argon2: argon2Location() } }));
    worker.on('message', ({ id, result, error }: { id: number; result: never; error?: string }) => {
      const call = pending.get(id);
      pending.delete(id);
      if (pending.size === 0) worker.unref();
      if (error !== undefined) call?.reject(new Error(error));
      else call?.resolve(result);
    });
    worker.on('error', (err) => {
      for (const call of pending.values()) call.reject(err);
      pending.clear();
      hasher.worker = undefined; // the next call starts a new one
    });
  }
  // Alive while it has work, as any pending I/O keeps a process alive; idle, it keeps nothing alive.
  if (pending.size === 0) hasher.worker.ref();
  const id = ++hasher.nextId;
  const worker = hasher.worker;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: never) => void, reject });
    worker.postMessage({ id, op, args });
  });
}

const work = new BoundedWork(HASHING_AT_ONCE, HASHING_WAITING);

export const hashPassword = (password: string) => work.run(() => inHasher<string>('hash', [password, HASH_OPTIONS]));
export const verifyPassword = (passwordHash: string, password: string) => work.run(() => inHasher<boolean>('verify', [passwordHash, password]));
/** A real hash to verify against when the user does not exist, so timing does not reveal usernames. */
export const DUMMY_HASH = inHasher<string>('hash', ['parley-dummy-password', HASH_OPTIONS]);
