// Password hashing, bounded: argon2 is made to be costly, so a flood of sign-ins or registrations
// must not take every core from everyone else. At most HASHING_AT_ONCE hashes run at a time in this
// process; up to HASHING_WAITING wait their turn; past that the attempt is refused at once
// (RATE_LIMITED, retryable) without hashing anything.
import { hash, verify } from '@node-rs/argon2';
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

const work = new BoundedWork(HASHING_AT_ONCE, HASHING_WAITING);

export const hashPassword = (password: string) => work.run(() => hash(password, HASH_OPTIONS));
export const verifyPassword = (passwordHash: string, password: string) => work.run(() => verify(passwordHash, password));
/** A real hash to verify against when the user does not exist, so timing does not reveal usernames. */
export const DUMMY_HASH = hash('parley-dummy-password', HASH_OPTIONS);
