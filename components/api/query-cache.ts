// The page's cache of API reads: one entry per procedure and input, shared by every component that
// shows it, fetched once however many ask, kept while fresh, fetched again when invalidated. It does
// the part of React Query the app used (which, with its tRPC bindings, was 16 KB gzip of the chat
// page's script, a tenth of it); the React hooks over it are in hooks.ts.

export type QueryStatus = 'pending' | 'success' | 'error';

export interface QueryState<T = unknown> {
  data: T | undefined;
  error: unknown;
  status: QueryStatus;
  /** A fetch is under way. */
  fetching: boolean;
  /** When data last came (ms since the epoch); 0: never. */
  updatedAt: number;
  /** Marked stale by an invalidation: the next look fetches it again, whatever its age. */
  invalid: boolean;
}

/** Whether a failed fetch is tried again, given how many failed before this one (0 at the first) and its error; false: never. */
export type RetryPolicy = false | ((failures: number, error: unknown) => boolean);

/** New data, or a function of what is cached to it; undefined changes nothing. */
export type Updater<T> = T | undefined | ((prev: T | undefined) => T | undefined);

export interface QueryDefaults {
  staleTime: number;
  retry: RetryPolicy;
}

/** Reads a procedure's result (over the page's transport). */
export type Fetcher = (path: string, input: unknown) => Promise<unknown>;

const GC_MS = 5 * 60_000;

// Listeners hear of changes once per task, together: the answers of one HTTP batch arrive as many
// promises, and telling each at once made React render the chat once per answer at startup.
const toNotify = new Set<() => void>();
let notifyScheduled = false;
function notifyLater(listeners: Iterable<() => void>): void {
  for (const l of listeners) toNotify.add(l);
  if (notifyScheduled) return;
  notifyScheduled = true;
  setTimeout(() => {
    notifyScheduled = false;
    const now = [...toNotify];
    toNotify.clear();
    for (const l of now) l();
  }, 0);
}

/** Now when the browser has a network (or is not a browser), else when it next has one. */
function whenOnline(): Promise<void> {
  if (typeof navigator === 'undefined' || navigator.onLine !== false) return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('online', () => resolve(), { once: true }));
}
const retryDelayMs = (failures: number) => Math.min(1000 * 2 ** (failures - 1), 30_000);

/**
 * `next` with every part equal to `prev` (deeply, for plain objects and arrays) replaced by prev's own:
 * a refetch that brought nothing new leaves the data (and every effect that depends on it) as it was.
 */
export function keepEqual<T>(prev: unknown, next: T): T {
  if (prev === next) return prev as T;
  const arrays = Array.isArray(prev) && Array.isArray(next);
  if (!arrays && !(isPlainObject(prev) && isPlainObject(next))) return next;
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = Object.keys(n);
  const out = (arrays ? [] : {}) as Record<string, unknown>;
  let same = keys.length === Object.keys(p).length;
  for (const key of keys) {
    const v = keepEqual(p[key], n[key]);
    out[key] = v;
    if (v !== p[key] || !(key in p)) same = false;
  }
  return (same ? prev : out) as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function partialMatch(value: unknown, partial: unknown): boolean {
  if (value === partial) return true;
  if (value instanceof Date && partial instanceof Date) return value.getTime() === partial.getTime();
  if (Array.isArray(value) && Array.isArray(partial)) return value.length === partial.length && partial.every((p, i) => partialMatch(value[i], p));
  if (isPlainObject(value) && isPlainObject(partial)) return Object.keys(partial).every((k) => partialMatch(value[k], partial[k]));
  return false;
}

/** Whether an entry's input has every field `partial` names, with the same value (no partial: every entry). */
export const matchesInput = (input: unknown, partial: unknown): boolean => partial === undefined || partialMatch(input, partial);

/** What an entry's fetch does; the plain one reads the procedure, an infinite one its pages. */
export type QueryFn<T> = (current: T | undefined) => Promise<T>;

export class Query<T = unknown> {
  state: QueryState<T> = { data: undefined, error: null, status: 'pending', fetching: false, updatedAt: 0, invalid: false };
  /** The options of the components using it now; the first that says one gives the merge of fresh data. */
  readonly observers = new Map<object, { enabled: boolean; retry?: RetryPolicy; merge?: (prev: T | undefined, next: T) => T }>();
  private readonly listeners = new Set<() => void>();
  private inFlight: Promise<void> | null = null;
  /** Bumped by each fetch: only the newest one's answer is kept. */
  private generation = 0;
  private gcTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly path: string,
    readonly input: unknown,
    public fn: QueryFn<T>,
    private readonly defaults: QueryDefaults,
    private readonly onError: (err: unknown) => void,
    private readonly remove: () => void,
  ) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    clearTimeout(this.gcTimer);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.gcTimer = setTimeout(this.remove, GC_MS);
    };
  };

  getState = () => this.state;

  private set(change: Partial<QueryState<T>>): void {
    this.state = { ...this.state, ...change };
    notifyLater(this.listeners);
  }

  /** Whether anyone on screen wants it now (an invalidation fetches it at once then). */
  get isActive(): boolean {
    for (const o of this.observers.values()) if (o.enabled) return true;
    return false;
  }

  /** The retries the components showing it asked for (the first that says), else the default. */
  private retryPolicy(): RetryPolicy {
    for (const o of this.observers.values()) if (o.retry !== undefined) return o.retry;
    return this.defaults.retry;
  }

  isStale(staleTime = this.defaults.staleTime): boolean {
    return this.state.invalid || this.state.updatedAt === 0 || Date.now() - this.state.updatedAt > staleTime;
  }

  setData(updater: Updater<T>): void {
    const data = typeof updater === 'function' ? (updater as (prev: T | undefined) => T | undefined)(this.state.data) : updater;
    if (data === undefined) return;
    this.set({ data: keepEqual(this.state.data, data), status: 'success', error: null, updatedAt: Date.now(), invalid: false });
  }

  invalidate(): void {
    if (!this.state.invalid) this.set({ invalid: true });
  }

  /**
   * Fetches unless a fetch is under way (then waits for that one); `fresh` starts a new one even then,
   * and the older answer is dropped: it may predate what made the caller ask again. `fn` fetches
   * something else than the whole entry (an infinite list's next page).
   */
  fetch({ fresh = false, retry = this.retryPolicy(), fn = this.fn }: { fresh?: boolean; retry?: RetryPolicy; fn?: QueryFn<T> } = {}): Promise<void> {
    if (this.inFlight && !fresh) return this.inFlight;
    const generation = ++this.generation;
    this.set({ fetching: true });
    const run = async (): Promise<void> => {
      for (let failures = 0; ; ) {
        try {
          // Offline, a read waits for the network instead of failing (what is cached stays on screen).
          await whenOnline();
          if (generation !== this.generation) return;
          const next = await fn(this.state.data);
          if (generation !== this.generation) return;
          const merge = [...this.observers.values()].find((o) => o.merge)?.merge;
          const data = merge ? merge(this.state.data, next) : keepEqual(this.state.data, next);
          this.set({ data, error: null, status: 'success', fetching: false, updatedAt: Date.now(), invalid: false });
          return;
        } catch (err) {
          if (generation !== this.generation) return;
          if (retry && retry(failures, err)) {
            failures += 1;
            await new Promise((resolve) => setTimeout(resolve, retryDelayMs(failures)));
            if (generation !== this.generation) return;
            continue;
          }
          this.set({ error: err, status: 'error', fetching: false });
          this.onError(err);
          return;
        }
      }
    };
    const done = run().finally(() => {
      if (this.inFlight === done) this.inFlight = null;
    });
    this.inFlight = done;
    return done;
  }
}

export class QueryCache {
  private readonly queries = new Map<string, Query>();

  constructor(
    /** Reads a procedure (every read of the cache goes through it). */
    readonly read: Fetcher,
    private readonly defaults: QueryDefaults,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** The entry of this procedure and input (made on first use); `kind` keeps infinite lists apart. */
  get<T>(path: string, input: unknown, kind: 'plain' | 'infinite' = 'plain'): Query<T> {
    const key = `${kind}:${path}:${JSON.stringify(input) ?? ''}`;
    let query = this.queries.get(key) as Query<T> | undefined;
    if (!query) {
      query = new Query<T>(path, input, () => this.read(path, input) as Promise<T>, this.defaults, this.onError, () => {
        if (this.queries.get(key) === query && !query!.state.fetching) this.queries.delete(key);
      });
      this.queries.set(key, query as Query);
    }
    return query;
  }

  /** The entries of a procedure whose input has what `partial` says. */
  find(path: string, partial?: unknown): Query[] {
    return [...this.queries.values()].filter((q) => q.path === path && matchesInput(q.input, partial));
  }

  getData<T>(path: string, input: unknown): T | undefined {
    return this.get<T>(path, input).state.data;
  }

  setData<T>(path: string, input: unknown, updater: Updater<T>): void {
    this.get<T>(path, input).setData(updater);
  }

  /** Marks the matching entries stale and fetches again those on screen; resolves when they have answered. */
  invalidate(path: string, partial?: unknown): Promise<void> {
    const refetches = this.find(path, partial).map((q) => {
      q.invalidate();
      return q.isActive ? q.fetch({ fresh: true }) : undefined;
    });
    return Promise.all(refetches).then(() => {});
  }

  /** The data of this procedure and input: the cached copy while fresh, else fetched. */
  async fetch<T>(path: string, input: unknown): Promise<T> {
    const query = this.get<T>(path, input);
    if (query.isStale()) await query.fetch({ retry: false });
    if (query.state.status === 'error') throw query.state.error;
    return query.state.data as T;
  }
}
