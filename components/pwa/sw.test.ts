// The service worker's push and click handling, run as the browser would run public/sw.js, with the
// browser's side (registration, clients, caches) stubbed: what it shows, closes and opens.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, test, vi } from 'vitest';

const SOURCE = readFileSync(new URL('../../public/sw.js', import.meta.url), 'utf8');

interface FakeWindow {
  url: string;
  focused: boolean;
  postMessage: ReturnType<typeof vi.fn>;
  focus: ReturnType<typeof vi.fn>;
  navigate: ReturnType<typeof vi.fn>;
}

/** A window of the browser; `listening`: the app in it hears the worker (answers on the port sent). */
function windowAt(path: string, focused = false, { listening = true } = {}): FakeWindow {
  return {
    url: `https://chat.example${path}`,
    focused,
    postMessage: vi.fn((_message: unknown, [port]: MessagePort[]) => {
      if (listening) port.postMessage('opened');
    }),
    focus: vi.fn(async () => Promise.reject(new Error('not allowed'))),
    navigate: vi.fn(async () => null),
  };
}

/** CacheStorage in memory, keyed by path (what sw.js stores pages under). */
function fakeCaches() {
  const stores = new Map<string, Map<string, Response>>();
  const keyOf = (request: string | { url: string }) => new URL(typeof request === 'string' ? request : request.url, 'https://chat.example').pathname;
  const open = async (name: string) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name)!;
    return {
      match: async (request: string | { url: string }) => store.get(keyOf(request))?.clone(),
      put: async (request: string | { url: string }, response: Response) => void store.set(keyOf(request), response),
      keys: async () => [...store.keys()],
    };
  };
  return { stores, api: { open, keys: async () => [...stores.keys()], delete: async (name: string) => stores.delete(name) } };
}

type FetchStub = (request: unknown) => Promise<Response>;

/** Loads sw.js into a fresh worker-like scope and returns a way to fire its events. */
function loadWorker({
  windows = [] as FakeWindow[],
  notifications = [] as { tag: string; close: () => void }[],
  fetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as FetchStub,
} = {}) {
  const listeners = new Map<string, (event: unknown) => void>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const badge = { set: vi.fn(async () => {}), clear: vi.fn(async () => {}) };
  const scope = {
    location: new URL('https://chat.example/sw.js'),
    navigator: { setAppBadge: badge.set, clearAppBadge: badge.clear },
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    skipWaiting: async () => {},
    registration: {
      showNotification: vi.fn(async (title: string, options: Record<string, unknown>) => void shown.push({ title, options })),
      getNotifications: vi.fn(async ({ tag }: { tag?: string } = {}) => notifications.filter((n) => !tag || n.tag === tag)),
    },
    clients: { matchAll: vi.fn(async () => windows), openWindow: vi.fn(async (url: string) => ({ url })), claim: async () => {} },
  };
  const caches = fakeCaches();
  const context = vm.createContext({
    self: scope,
    caches: caches.api,
    fetch,
    URL,
    Response,
    MessageChannel,
    console,
    // Through the test's globals, so fake timers reach the worker's.
    setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
    clearTimeout: (t: ReturnType<typeof setTimeout>) => clearTimeout(t),
  });
  vm.runInContext(SOURCE, context);

  async function fire(type: string, event: Record<string, unknown>): Promise<void> {
    let work: Promise<unknown> = Promise.resolve();
    listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => (work = p) });
    await work;
  }
  const push = (payload: unknown) => fire('push', { data: { json: () => (typeof payload === 'string' ? JSON.parse(payload) : payload) } });
  /** A navigation to path: what the worker answers, or undefined when it leaves it to the network. */
  const navigate = async (path: string): Promise<Response | undefined> => {
    let answer: Promise<Response> | undefined;
    listeners.get('fetch')!({ request: { method: 'GET', mode: 'navigate', url: `https://chat.example${path}` }, respondWith: (r: Promise<Response>) => (answer = r) });
    return answer;
  };
  return { scope, shown, badge, fire, push, navigate, caches };
}

const message = {
  type: 'message',
  conversationId: 'c1',
  tag: 'c:c1',
  title: 'Alice',
  body: '2 new messages\nsee you',
  count: 2,
  badge: 5,
  url: '/c/c1',
  at: 1_700_000_000_000,
};

describe('push', () => {
  test('a message push shows one notification for its conversation, replacing the last (tag, renotify), and sets the badge', async () => {
    const worker = loadWorker();
    await worker.push(message);
    expect(worker.shown).toEqual([
      {
        title: 'Alice',
        options: expect.objectContaining({ body: '2 new messages\nsee you', tag: 'c:c1', renotify: true, silent: false, timestamp: message.at, data: { url: '/c/c1', conversationId: 'c1' } }),
      },
    ]);
    expect(worker.badge.set).toHaveBeenCalledWith(5);
  });

  test('a quiet message push (its message was deleted) replaces the notification without a sound', async () => {
    const worker = loadWorker();
    await worker.push({ ...message, body: 'This message was deleted', quiet: true });
    expect(worker.shown).toEqual([
      { title: 'Alice', options: expect.objectContaining({ body: 'This message was deleted', tag: 'c:c1', renotify: false, silent: true }) },
    ]);
  });

  test('a read push closes that conversation’s notifications only, and clears the badge at zero', async () => {
    const mine = { tag: 'c:c1', close: vi.fn() };
    const other = { tag: 'c:c2', close: vi.fn() };
    const worker = loadWorker({ notifications: [mine, other] });
    await worker.push({ type: 'read', conversationId: 'c1', tag: 'c:c1', badge: 0 });
    expect(mine.close).toHaveBeenCalledOnce();
    expect(other.close).not.toHaveBeenCalled();
    expect(worker.shown).toEqual([]);
    expect(worker.badge.clear).toHaveBeenCalledOnce();
  });

  test('an unreadable or unknown push shows nothing and does not throw', async () => {
    const worker = loadWorker();
    await worker.fire('push', { data: { json: () => JSON.parse('not json') } });
    await worker.fire('push', { data: null });
    await worker.push({ type: 'something-new' });
    expect(worker.shown).toEqual([]);
  });
});

describe('notification click', () => {
  const click = (worker: ReturnType<typeof loadWorker>, url = '/c/c1') =>
    worker.fire('notificationclick', { notification: { data: { url }, close: vi.fn() } });

  test('prefers a window already showing the conversation, over a focused one', async () => {
    const [inbox, showing] = [windowAt('/', true), windowAt('/c/c1')];
    const worker = loadWorker({ windows: [inbox, showing] });
    await click(worker);
    expect(showing.postMessage).toHaveBeenCalledWith({ type: 'open', path: '/c/c1' }, [expect.any(MessagePort)]);
    expect(inbox.postMessage).not.toHaveBeenCalled();
    expect(worker.scope.clients.openWindow).not.toHaveBeenCalled();
    expect(showing.navigate).not.toHaveBeenCalled();
  });

  test('else the focused window, else any: it is told to open the conversation, and focus is tried', async () => {
    const [other, focused] = [windowAt('/c/zz'), windowAt('/', true)];
    const worker = loadWorker({ windows: [other, focused] });
    await click(worker);
    expect(focused.postMessage).toHaveBeenCalledWith({ type: 'open', path: '/c/c1' }, [expect.any(MessagePort)]);
    expect(focused.focus).toHaveBeenCalledOnce();

    const only = windowAt('/c/zz');
    await click(loadWorker({ windows: [only] }));
    expect(only.postMessage).toHaveBeenCalledWith({ type: 'open', path: '/c/c1' }, [expect.any(MessagePort)]);
  });

  test('a window whose app does not answer (still loading, say) is sent to the conversation', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const loading = windowAt('/', true, { listening: false });
      const clicked = click(loadWorker({ windows: [loading] }));
      await vi.advanceTimersByTimeAsync(2_000);
      await clicked;
      expect(loading.navigate).toHaveBeenCalledWith('https://chat.example/c/c1');
    } finally {
      vi.useRealTimers();
    }
  });

  test('a window on another page (the login, say) is not the app: a new one opens on the conversation', async () => {
    const login = windowAt('/login', true);
    const worker = loadWorker({ windows: [login] });
    await click(worker);
    expect(login.postMessage).not.toHaveBeenCalled();
    expect(worker.scope.clients.openWindow).toHaveBeenCalledWith('https://chat.example/c/c1');
  });

  test('with no window of the app open, it opens one on the conversation', async () => {
    const worker = loadWorker();
    await click(worker);
    expect(worker.scope.clients.openWindow).toHaveBeenCalledWith('https://chat.example/c/c1');
  });
});

describe('the app shell', () => {
  const page = (html: string, init: { redirected?: boolean; status?: number } = {}) => {
    const response = new Response(html, { status: init.status ?? 200, headers: { 'Content-Type': 'text/html' } });
    Object.defineProperty(response, 'type', { value: 'basic' });
    Object.defineProperty(response, 'redirected', { value: init.redirected ?? false });
    return response;
  };

  test('online, pages come from the network and are kept; offline, the kept copy answers, for unknown pages the inbox', async () => {
    let online = true;
    const worker = loadWorker({ fetch: async () => (online ? page('<p>inbox</p>') : Promise.reject(new TypeError('Failed to fetch'))) });
    expect(await (await worker.navigate('/'))!.text()).toBe('<p>inbox</p>');
    await vi.waitFor(async () => expect(worker.caches.stores.get('parley-shell-v1')?.has('/')).toBe(true));

    online = false;
    const offline = (await worker.navigate('/'))!;
    expect(offline.status).toBe(200);
    expect(await offline.text()).toBe('<p>inbox</p>');
    expect(await (await worker.navigate('/c/never-opened'))!.text()).toBe('<p>inbox</p>');
  });

  test('a redirect (to the login) or an error is not kept; offline with nothing kept, a page says so instead of the browser\'s error', async () => {
    let answer = page('<p>login</p>', { redirected: true });
    let online = true;
    const worker = loadWorker({ fetch: async () => (online ? answer : Promise.reject(new TypeError('Failed to fetch'))) });
    await worker.navigate('/');
    answer = page('oops', { status: 500 });
    await worker.navigate('/');
    expect(worker.caches.stores.get('parley-shell-v1')?.size ?? 0).toBe(0);

    online = false;
    const offline = (await worker.navigate('/'))!;
    expect(offline.status).toBe(503);
    expect(await offline.text()).toContain('You are offline');
  });

  test('pages outside the app (login, API) are left to the network', async () => {
    const worker = loadWorker();
    expect(await worker.navigate('/login')).toBeUndefined();
    expect(await worker.navigate('/api/auth/csrf')).toBeUndefined();
  });
});
