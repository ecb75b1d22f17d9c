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
}

function windowAt(path: string, focused = false): FakeWindow {
  return { url: `https://chat.example${path}`, focused, postMessage: vi.fn(), focus: vi.fn(async () => Promise.reject(new Error('not allowed'))) };
}

/** Loads sw.js into a fresh worker-like scope and returns a way to fire its events. */
function loadWorker({ windows = [] as FakeWindow[], notifications = [] as { tag: string; close: () => void }[] } = {}) {
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
  const context = vm.createContext({ self: scope, caches: {}, fetch: () => Promise.reject(new Error('offline')), URL, Response, console });
  vm.runInContext(SOURCE, context);

  async function fire(type: string, event: Record<string, unknown>): Promise<void> {
    let work: Promise<unknown> = Promise.resolve();
    listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => (work = p) });
    await work;
  }
  const push = (payload: unknown) => fire('push', { data: { json: () => (typeof payload === 'string' ? JSON.parse(payload) : payload) } });
  return { scope, shown, badge, fire, push };
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
        options: expect.objectContaining({ body: '2 new messages\nsee you', tag: 'c:c1', renotify: true, timestamp: message.at, data: { url: '/c/c1', conversationId: 'c1' } }),
      },
    ]);
    expect(worker.badge.set).toHaveBeenCalledWith(5);
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
    expect(showing.postMessage).toHaveBeenCalledWith({ type: 'open', path: '/c/c1' });
    expect(inbox.postMessage).not.toHaveBeenCalled();
    expect(worker.scope.clients.openWindow).not.toHaveBeenCalled();
  });

  test('else the focused window, else any: it is told to open the conversation, and focus is tried', async () => {
    const [other, focused] = [windowAt('/c/zz'), windowAt('/', true)];
    const worker = loadWorker({ windows: [other, focused] });
    await click(worker);
    expect(focused.postMessage).toHaveBeenCalledWith({ type: 'open', path: '/c/c1' });
    expect(focused.focus).toHaveBeenCalledOnce();

    const only = windowAt('/c/zz');
    await click(loadWorker({ windows: [only] }));
    expect(only.postMessage).toHaveBeenCalledWith({ type: 'open', path: '/c/c1' });
  });

  test('with no window of the app open, it opens one on the conversation', async () => {
    const worker = loadWorker();
    await click(worker);
    expect(worker.scope.clients.openWindow).toHaveBeenCalledWith('https://chat.example/c/c1');
  });
});
