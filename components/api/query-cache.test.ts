import { describe, expect, it, vi } from 'vitest';
import { keepEqual, matchesInput, QueryCache } from './query-cache.ts';

/** A fetcher whose answers the test gives, one call at a time. */
function controlledFetcher() {
  const calls: { path: string; input: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  const fetcher = (path: string, input: unknown) => new Promise((resolve, reject) => calls.push({ path, input, resolve, reject }));
  return { calls, fetcher };
}

/** Lets the fetches that were started reach the fetcher. */
const started = () => new Promise((resolve) => setTimeout(resolve, 0));
const watch = (cache: QueryCache, path: string, input: unknown) => {
  const query = cache.get(path, input);
  query.observers.set({}, { enabled: true });
  return query;
};

describe('QueryCache', () => {
  it('asks once for one entry however many ask at once, and tells its listeners the answer', async () => {
    const { calls, fetcher } = controlledFetcher();
    const cache = new QueryCache(fetcher, { staleTime: 10_000, retry: false });
    const query = cache.get('users.me', undefined);
    const seen: unknown[] = [];
    query.subscribe(() => seen.push(query.state.status));
    const a = query.fetch();
    const b = query.fetch();
    await started();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve({ id: 'u1' });
    await Promise.all([a, b]);
    expect(query.state).toMatchObject({ status: 'success', data: { id: 'u1' }, fetching: false });
    await started();
    expect(seen).toEqual(['pending', 'success']); // once when the fetch began, once when it answered
    expect(await cache.fetch('users.me', undefined)).toEqual({ id: 'u1' }); // fresh: not asked again
    expect(calls).toHaveLength(1);
  });

  it('invalidating fetches again what is on screen, keeps the newest answer, and only marks the rest stale', async () => {
    const { calls, fetcher } = controlledFetcher();
    const cache = new QueryCache(fetcher, { staleTime: 10_000, retry: false });
    const shown = watch(cache, 'messages.list', { conversationId: 'c1', limit: 50 });
    const hidden = cache.get('messages.list', { conversationId: 'c1', before: 9 });
    const other = watch(cache, 'messages.list', { conversationId: 'c2', limit: 50 });
    hidden.setData([{ seq: 1 }]);
    const first = shown.fetch();
    await started();
    const invalidated = cache.invalidate('messages.list', { conversationId: 'c1' });
    await started();
    // The fetch under way began before the change: a new one starts, and the old answer is dropped.
    expect(calls.map((c) => c.input)).toEqual([{ conversationId: 'c1', limit: 50 }, { conversationId: 'c1', limit: 50 }]);
    calls[1]!.resolve(['new']);
    calls[0]!.resolve(['old']);
    await Promise.all([first, invalidated]);
    expect(shown.state.data).toEqual(['new']);
    expect(hidden.state.invalid).toBe(true);
    expect(hidden.isStale()).toBe(true);
    expect(other.state.invalid).toBe(false);
  });

  it('setData changes what is cached and tells listeners (once per task); an updater returning nothing changes nothing', async () => {
    const cache = new QueryCache(() => Promise.reject(new Error('not asked')), { staleTime: 10_000, retry: false });
    cache.setData('conversations.get', { conversationId: 'c1' }, { id: 'c1', title: 'A' });
    const query = cache.get('conversations.get', { conversationId: 'c1' });
    let told = 0;
    query.subscribe(() => told++);
    cache.setData<{ id: string; title: string }>('conversations.get', { conversationId: 'c1' }, (c) => c && { ...c, title: 'B' });
    cache.setData('conversations.get', { conversationId: 'c1' }, () => undefined);
    cache.setData('conversations.get', { conversationId: 'c2' }, (c: unknown) => c);
    expect(cache.getData('conversations.get', { conversationId: 'c1' })).toEqual({ id: 'c1', title: 'B' });
    expect(cache.getData('conversations.get', { conversationId: 'c2' })).toBeUndefined();
    expect(told).toBe(0);
    await started();
    expect(told).toBe(1);
  });

  it('a fresh answer joins the cached data through the merge the screen gave, with what is cached at that moment', async () => {
    const { calls, fetcher } = controlledFetcher();
    const cache = new QueryCache(fetcher, { staleTime: 10_000, retry: false });
    const query = cache.get<{ seq: number }>('conversations.list', undefined);
    query.observers.set({}, { enabled: true, merge: (cached, fresh) => (cached && cached.seq > fresh.seq ? cached : fresh) });
    const fetched = query.fetch();
    await started();
    query.setData({ seq: 5 }); // a live event while the request was under way
    calls[0]!.resolve({ seq: 4 });
    await fetched;
    expect(query.state.data).toEqual({ seq: 5 });
  });

  it('retries as told, then keeps the error (and the data it had) and reports it once', async () => {
    const errors: unknown[] = [];
    let asked = 0;
    const cache = new QueryCache(() => {
      asked += 1;
      return Promise.reject(new Error(`no ${asked}`));
    }, { staleTime: 0, retry: (failures) => failures < 1 }, (err) => errors.push(err));
    const query = cache.get('users.me', undefined);
    query.setData({ id: 'u1' });
    await query.fetch();
    expect(asked).toBe(2);
    expect(query.state).toMatchObject({ status: 'error', data: { id: 'u1' }, fetching: false });
    expect(errors).toEqual([new Error('no 2')]);
    await expect(cache.fetch('users.me', undefined)).rejects.toThrow('no 3'); // fetch() does not retry
  });

  it('forgets an entry five minutes after the last screen stopped watching it, not while one watches', async () => {
    vi.useFakeTimers();
    try {
      const cache = new QueryCache(() => Promise.resolve(1), { staleTime: 10_000, retry: false });
      const query = cache.get('a.b', 1);
      const stop = query.subscribe(() => {});
      await query.fetch();
      vi.advanceTimersByTime(10 * 60_000);
      expect(cache.find('a.b')).toEqual([query]);
      stop();
      vi.advanceTimersByTime(4 * 60_000);
      expect(cache.find('a.b')).toEqual([query]);
      vi.advanceTimersByTime(60_000);
      expect(cache.find('a.b')).toEqual([]);
      expect(cache.get('a.b', 1)).not.toBe(query);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('matchesInput', () => {
  it('matches every input when none is given, and an input having every field a part names', () => {
    expect(matchesInput({ conversationId: 'c1', limit: 50 }, undefined)).toBe(true);
    expect(matchesInput({ conversationId: 'c1', limit: 50 }, { conversationId: 'c1' })).toBe(true);
    expect(matchesInput({ conversationId: 'c2', limit: 50 }, { conversationId: 'c1' })).toBe(false);
    expect(matchesInput(undefined, { conversationId: 'c1' })).toBe(false);
    expect(matchesInput({ at: new Date(5), ids: ['a'] }, { at: new Date(5), ids: ['a'] })).toBe(true);
    expect(matchesInput({ ids: ['a', 'b'] }, { ids: ['a'] })).toBe(false);
  });
});

describe('keepEqual', () => {
  it('keeps the old objects where nothing changed, and only there', () => {
    const old = { list: [{ id: 1, at: 'x' }, { id: 2, at: 'y' }], me: { id: 'u' } };
    const next = { list: [{ id: 1, at: 'x' }, { id: 2, at: 'z' }], me: { id: 'u' } };
    const kept = keepEqual(old, next);
    expect(kept).toEqual(next);
    expect(kept.list[0]).toBe(old.list[0]);
    expect(kept.me).toBe(old.me);
    expect(kept.list[1]).not.toBe(old.list[1]);
    expect(keepEqual(old, structuredClone(old))).toBe(old);
    const withDate = { at: new Date(1) };
    expect(keepEqual(withDate, { at: new Date(2) }).at).toEqual(new Date(2));
  });
});
