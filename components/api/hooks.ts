'use client';
// The React side of the API client: `trpc.<domain>.<procedure>.useQuery / useInfiniteQuery /
// useMutation / useSubscription`, and `trpc.useUtils()` to read, change and invalidate what is
// cached, typed from the server's router. The shapes follow @trpc/react-query's, which the app
// used before; the cache is query-cache.ts.
import type { TRPCClient, TRPCClientErrorLike, TRPCUntypedClient } from '@trpc/client';
import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppRouter } from '@/server/router.ts';
import type { Query, QueryCache, QueryStatus, RetryPolicy, Updater } from './query-cache.ts';

export type ApiError = TRPCClientErrorLike<AppRouter>;

export interface ApiRuntime {
  cache: QueryCache;
  client: TRPCUntypedClient<AppRouter>;
  /** Every failed call ends here too (a refused session ends the page's). */
  onError: (err: unknown) => void;
  utils: Utils;
}

export const ApiContext = createContext<ApiRuntime | null>(null);

function useApi(): ApiRuntime {
  const api = useContext(ApiContext);
  if (!api) throw new Error('the API hooks need <TrpcProvider> above them');
  return api;
}

// ---- queries

export interface QueryOptions<T> {
  enabled?: boolean;
  /** How long (ms) what is cached counts as fresh: a component that mounts after that fetches again. */
  staleTime?: number;
  retry?: RetryPolicy;
  /** What to show while this input has nothing yet (given what was shown before: keep it, say). */
  placeholderData?: (previous: T | undefined) => T | undefined;
  refetchInterval?: number;
  /** How fresh data joins what is cached (default: parts equal to the cached ones stay the same objects). */
  structuralSharing?: (cached: unknown, fresh: unknown) => unknown;
}

interface QueryResultBase {
  isFetching: boolean;
  isPlaceholderData: boolean;
  refetch: () => Promise<void>;
}

/** What a component sees of a query; narrowing on `data`, `error` or the flags narrows the rest. */
export type QueryResult<T> = QueryResultBase & (
  | { status: 'success'; data: T; error: null; isPending: false; isError: false; isSuccess: true }
  | { status: 'error'; data: T; error: ApiError; isPending: false; isError: true; isSuccess: false }
  | { status: 'error'; data: undefined; error: ApiError; isPending: false; isError: true; isSuccess: false }
  | { status: 'pending'; data: undefined; error: null; isPending: true; isError: false; isSuccess: false }
);

/** Subscribes a component to an entry and fetches it when it wants it and it is stale. */
function useEntry<T>(query: Query<T>, opts: QueryOptions<T>): QueryResult<T> {
  const state = useSyncExternalStore(query.subscribe, query.getState, query.getState);
  const enabled = opts.enabled ?? true;
  // The latest options, read when a fetch needs them (an inline function is new at every render).
  const latest = useRef(opts);
  latest.current = opts;
  useEffect(() => {
    const observer = {};
    query.observers.set(observer, {
      enabled,
      get retry() {
        return latest.current.retry;
      },
      merge: latest.current.structuralSharing && ((prev: T | undefined, next: T) => latest.current.structuralSharing!(prev, next) as T),
    });
    if (enabled && query.isStale(latest.current.staleTime)) void query.fetch();
    return () => void query.observers.delete(observer);
  }, [query, enabled]);
  useEffect(() => {
    if (!enabled || !opts.refetchInterval) return;
    const timer = setInterval(() => void query.fetch(), opts.refetchInterval);
    return () => clearInterval(timer);
  }, [query, enabled, opts.refetchInterval]);

  // Stable, as effects list it among their dependencies.
  const refetch = useCallback(() => query.fetch({ fresh: true }), [query]);
  const shown = useRef<T | undefined>(undefined);
  let data = state.data;
  let isPlaceholderData = false;
  if (data === undefined && opts.placeholderData && state.status !== 'error') {
    data = opts.placeholderData(shown.current);
    isPlaceholderData = data !== undefined;
  }
  shown.current = data;
  const status: QueryStatus = isPlaceholderData ? 'success' : state.status;
  return {
    data,
    error: status === 'error' ? state.error : null,
    status,
    isPending: status === 'pending',
    isFetching: state.fetching,
    isError: status === 'error',
    isSuccess: status === 'success',
    isPlaceholderData,
    refetch,
  } as QueryResult<T>;
}

function useQuery<T>(path: string, input: unknown, opts: QueryOptions<T> = {}): QueryResult<T> {
  const { cache } = useApi();
  return useEntry(cache.get<T>(path, input), opts);
}

export interface InfiniteData<T> {
  pages: T[];
}

export interface InfiniteOptions<T> extends Omit<QueryOptions<InfiniteData<T>>, 'structuralSharing'> {
  getNextPageParam: (lastPage: T) => unknown;
}

export type InfiniteResult<T> = QueryResult<InfiniteData<T>> & {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  /** Reads the next page; with throwOnError, a failure rejects (else it shows as the query's error). */
  fetchNextPage: (opts?: { throwOnError?: boolean }) => Promise<void>;
};

/** A list read in pages (the input's `cursor` from getNextPageParam); fetched again, it reads as many pages as it had. */
function useInfiniteQuery<T>(path: string, input: Record<string, unknown>, opts: InfiniteOptions<T>): InfiniteResult<T> {
  const { cache } = useApi();
  const query = cache.get<InfiniteData<T>>(path, input, 'infinite');
  const nextParam = useRef(opts.getNextPageParam);
  nextParam.current = opts.getNextPageParam;
  /** The cursor of the page after these (undefined: none, or the first page when there are none). */
  const cursorAfter = (pages: T[]) => (pages.length ? (nextParam.current(pages[pages.length - 1]!) ?? undefined) : undefined);
  const page = (cursor: unknown) => cache.read(path, cursor === undefined ? input : { ...input, cursor }) as Promise<T>;
  query.fn = async (current) => {
    const pages: T[] = [await page(undefined)];
    while (pages.length < (current?.pages.length ?? 0) && cursorAfter(pages) !== undefined) pages.push(await page(cursorAfter(pages)));
    return { pages };
  };
  const result = useEntry(query, opts);
  const [isFetchingNextPage, setFetchingNext] = useState(false);
  const next = result.data ? cursorAfter(result.data.pages) : undefined;
  const fetchNextPage = async ({ throwOnError = false } = {}) => {
    if (next === undefined) return;
    setFetchingNext(true);
    try {
      await query.fetch({
        fn: async (current) => {
          const pages = current?.pages ?? [];
          const cursor = cursorAfter(pages);
          if (pages.length && cursor === undefined) return current!;
          return { pages: [...pages, await page(cursor)] };
        },
      });
    } finally {
      setFetchingNext(false);
    }
    if (throwOnError && query.state.status === 'error') throw query.state.error;
  };
  return { ...result, hasNextPage: next !== undefined, isFetchingNextPage, fetchNextPage };
}

// ---- mutations

interface MutationCallbacks<I, O> {
  onSuccess?: (data: O, input: I) => unknown;
  onError?: (err: ApiError, input: I) => unknown;
  onSettled?: (data: O | undefined, err: ApiError | null, input: I) => unknown;
}

export interface MutationResult<I, O> {
  mutate: (input: I, callbacks?: MutationCallbacks<I, O>) => void;
  mutateAsync: (input: I, callbacks?: MutationCallbacks<I, O>) => Promise<O>;
  reset: () => void;
  data: O | undefined;
  error: ApiError | null;
  status: 'idle' | 'pending' | 'success' | 'error';
  isPending: boolean;
  isError: boolean;
  isSuccess: boolean;
}

function useMutation<I, O>(path: string, options: MutationCallbacks<I, O> = {}): MutationResult<I, O> {
  const { client, onError } = useApi();
  const [state, setState] = useState<{ status: MutationResult<I, O>['status']; data?: O; error: ApiError | null }>({ status: 'idle', error: null });
  const opts = useRef(options);
  opts.current = options;
  const mutateAsync = useCallback(async (input: I, callbacks: MutationCallbacks<I, O> = {}): Promise<O> => {
    setState({ status: 'pending', error: null });
    let data: O;
    try {
      data = (await client.mutation(path, input)) as O;
    } catch (cause) {
      const err = cause as ApiError;
      setState({ status: 'error', error: err });
      onError(err);
      await opts.current.onError?.(err, input);
      await callbacks.onError?.(err, input);
      await opts.current.onSettled?.(undefined, err, input);
      await callbacks.onSettled?.(undefined, err, input);
      throw err;
    }
    setState({ status: 'success', data, error: null });
    await opts.current.onSuccess?.(data, input);
    await callbacks.onSuccess?.(data, input);
    await opts.current.onSettled?.(data, null, input);
    await callbacks.onSettled?.(data, null, input);
    return data;
  }, [client, path, onError]);
  const mutate = useCallback((input: I, callbacks?: MutationCallbacks<I, O>) => void mutateAsync(input, callbacks).catch(() => {}), [mutateAsync]);
  const reset = useCallback(() => setState({ status: 'idle', error: null }), []);
  const { status } = state;
  return {
    mutate, mutateAsync, reset, data: state.data, error: state.error, status,
    isPending: status === 'pending', isError: status === 'error', isSuccess: status === 'success',
  };
}

// ---- subscriptions

export interface SubscriptionOptions<T> {
  onStarted?: () => void;
  onData?: (data: T) => void;
  onError?: (err: ApiError) => void;
}

export interface SubscriptionResult {
  /** connecting: not (yet) running; pending: running, events flow; error: the server ended it; idle: it ended. */
  status: 'idle' | 'connecting' | 'pending' | 'error';
  error: ApiError | null;
  /** Ends it and subscribes again. */
  reset: () => void;
}

function useSubscription<T>(path: string, input: unknown, options: SubscriptionOptions<T> = {}): SubscriptionResult {
  const { client } = useApi();
  const opts = useRef(options);
  opts.current = options;
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<SubscriptionResult, 'reset'>>({ status: 'connecting', error: null });
  const key = JSON.stringify(input) ?? '';
  useEffect(() => {
    setState({ status: 'connecting', error: null });
    const running = (s: Omit<SubscriptionResult, 'reset'>) => (s.status === 'pending' && !s.error ? s : { status: 'pending' as const, error: null });
    const subscription = client.subscription(path, key ? JSON.parse(key) : undefined, {
      onStarted: () => {
        opts.current.onStarted?.();
        setState(running);
      },
      onData: (data: unknown) => {
        opts.current.onData?.(data as T);
        setState(running);
      },
      onError: (err: unknown) => {
        opts.current.onError?.(err as ApiError);
        setState({ status: 'error', error: err as ApiError });
      },
      onConnectionStateChange: (s: { state: 'idle' | 'connecting' | 'pending'; error: unknown }) => {
        if (s.state === 'connecting') setState({ status: 'connecting', error: (s.error as ApiError | null) ?? null });
        else if (s.state === 'idle') setState({ status: 'idle', error: null });
      },
      onComplete: () => setState({ status: 'idle', error: null }),
    });
    return () => subscription.unsubscribe();
  }, [client, path, key, attempt]);
  const reset = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reset };
}

// ---- the typed proxies

type Client = TRPCClient<AppRouter>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a function of any arguments
type Fn = (...args: any) => unknown;
type Args<I, O> = undefined extends I ? [input?: I, opts?: O] : [input: I, opts?: O];
type InputOf<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : never;

interface QueryEndpoint<I, O> {
  useQuery: (...args: Args<I, QueryOptions<O>>) => QueryResult<O>;
  useInfiniteQuery: (input: Omit<NonNullable<I>, 'cursor'>, opts: InfiniteOptions<O>) => InfiniteResult<O>;
}
interface MutationEndpoint<I, O> {
  useMutation: (opts?: MutationCallbacks<I, O>) => MutationResult<I, O>;
}
interface SubscriptionEndpoint<I, O> {
  useSubscription: (...args: Args<I, SubscriptionOptions<O>>) => SubscriptionResult;
}
interface QueryUtils<I, O> {
  /** Marks what is cached for this input (every input when none; a part of one matches every input having it) stale, fetches again what is on screen. */
  invalidate: (input?: Partial<NonNullable<I>>) => Promise<void>;
  getData: (...args: undefined extends I ? [input?: I] : [input: I]) => O | undefined;
  setData: (input: I, updater: Updater<O>) => void;
  /** The cached data while fresh, else fetched. */
  fetch: (...args: undefined extends I ? [input?: I] : [input: I]) => Promise<O>;
}

type Hooks<C> = {
  [K in keyof C]: C[K] extends { query: infer F extends Fn }
    ? QueryEndpoint<InputOf<F>, Awaited<ReturnType<F>>>
    : C[K] extends { mutate: infer F extends Fn }
      ? MutationEndpoint<InputOf<F>, Awaited<ReturnType<F>>>
      : C[K] extends { subscribe: (input: infer I, opts: infer S) => unknown }
        ? SubscriptionEndpoint<I, S extends { onData?: (value: infer V) => void } ? V : never>
        : Hooks<C[K]>;
};
type UtilsOf<C> = {
  [K in keyof C]: C[K] extends { query: infer F extends Fn }
    ? QueryUtils<InputOf<F>, Awaited<ReturnType<F>>>
    : C[K] extends { mutate: Fn } | { subscribe: Fn } ? never : UtilsOf<C[K]>;
};
export type Utils = UtilsOf<Client> & { client: Client };
export type Api = Hooks<Client> & { useUtils: () => Utils };

/** An object that answers `a.b.c(...)` by calling `call(['a', 'b', 'c'], args)`. */
function pathProxy(call: (path: string[], args: unknown[]) => unknown, path: string[] = []): unknown {
  return new Proxy(() => {}, {
    // Not a promise (`then`), nor anything but a path.
    get: (_, key) => (typeof key === 'string' && key !== 'then' ? pathProxy(call, [...path, key]) : undefined),
    apply: (_, __, args) => call(path, args),
  });
}

const hookOf: Record<string, (path: string, args: unknown[]) => unknown> = {
  useQuery: (path, [input, opts]) => useQuery(path, input, opts as QueryOptions<unknown>),
  useInfiniteQuery: (path, [input, opts]) => useInfiniteQuery(path, input as Record<string, unknown>, opts as InfiniteOptions<unknown>),
  useMutation: (path, [opts]) => useMutation(path, opts as MutationCallbacks<unknown, unknown>),
  useSubscription: (path, [input, opts]) => useSubscription(path, input, opts as SubscriptionOptions<unknown>),
};

/** The typed hooks: `trpc.messages.search.useInfiniteQuery(...)`, `trpc.useUtils()`. */
export const trpc = pathProxy((path, args) => {
  const method = path.pop()!;
  if (method === 'useUtils' && path.length === 0) return useApi().utils;
  const hook = hookOf[method];
  if (!hook) throw new Error(`trpc.${[...path, method].join('.')} is not an API hook`);
  return hook(path.join('.'), args);
}) as Api;

/** The utilities over one cache: `utils.conversations.list.setData(...)`; `utils.client` calls the API. */
export function makeUtils(cache: QueryCache, client: Client): Utils {
  const utils = pathProxy((path, args) => {
    const method = path.pop()!;
    const name = path.join('.');
    switch (method) {
      case 'invalidate':
        return cache.invalidate(name, args[0]);
      case 'getData':
        return cache.getData(name, args[0]);
      case 'setData':
        return cache.setData(name, args[0], args[1] as Updater<unknown>);
      case 'fetch':
        return cache.fetch(name, args[0]);
      default:
        throw new Error(`utils.${name}.${method} is not a cache utility`);
    }
  }) as Record<string, unknown>;
  return new Proxy(utils, { get: (target, key) => (key === 'client' ? client : target[key as string]) }) as unknown as Utils;
}
