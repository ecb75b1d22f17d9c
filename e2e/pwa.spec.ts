// The installable app: manifest, service worker, the app shell offline, and web push notifications.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { expect, test, type BrowserContext } from './fixtures/test.ts';
import { E2E_URL } from '../playwright.config.ts';
import { FakePushService } from '../server/test/fake-push-service.ts';
import { mutate, query, registerIn, registerThroughApi } from './fixtures/users.ts';

/** The parts of a service worker's global scope these tests touch (the DOM typings lack it). */
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  dispatchEvent(event: Event): boolean;
  NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test('the manifest is served with what an installable app needs, and its icons are real PNGs of their sizes', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({ id: '/', name: 'Parley', short_name: 'Parley', start_url: '/', display: 'standalone' });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);
  const purposes = new Set<string>();
  for (const icon of manifest.icons as { src: string; sizes: string; type: string; purpose: string }[]) {
    const file = await request.get(icon.src);
    expect(file.ok(), icon.src).toBe(true);
    expect(file.headers()['content-type']).toBe('image/png');
    expect(pngSize(await file.body())).toBe(icon.sizes);
    purposes.add(`${icon.sizes} ${icon.purpose}`);
  }
  expect([...purposes].sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  const favicon = await request.get('/favicon.ico');
  expect(favicon.ok()).toBe(true);
  expect(favicon.headers()['content-type']).toBe('image/x-icon');
  const worker = await request.get('/sw.js');
  expect(worker.headers()['cache-control']).toBe('no-cache');
});

test.describe('in a profile of its own', () => {
  let profile: string;
  let context: BrowserContext;
  test.beforeEach(async () => {
    // Installability is judged only outside incognito, and every newContext() is incognito.
    profile = await mkdtemp(path.join(os.tmpdir(), 'parley-profile-'));
    context = await chromium.launchPersistentContext(profile, { ...test.info().project.use.launchOptions, baseURL: E2E_URL });
  });
  test.afterEach(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });

  test('a first-time visitor on the sign-in page gets the worker and can install the app; the worker keeps no page until sign-in', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    await expect.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, { timeout: 15_000 }).toEqual([]);
    // Public assets only: the sign-in page itself and any app page stay out of the worker's caches.
    await expect.poll(() => page.evaluate(async () => (await caches.open('parley-assets-v1')).keys().then((k) => k.length))).toBeGreaterThan(0);
    expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('parley-shell-')))).toEqual([]);
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    // Nothing missing on the way (the favicon was a 404 in every page's console).
    expect(consoleErrors).toEqual([]);
  });

  test('Chromium judges it installable, the worker controls the page, nothing asks for permission, and the app opens offline with the last-seen inbox', async ({ browser }) => {
    const bob = await registerThroughApi(browser, 'bob', 'Bob Shell', { open: false });
    const alice = await registerIn(context, 'alice', 'Alice Shell', { open: false });
    const chat = await mutate<{ id: string }>(alice, 'conversations.openDirect', { username: bob.username });
    await mutate(alice, 'messages.send', { conversationId: chat.id, clientId: randomUUID(), body: 'see you offline' });

    const page = alice.page;
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Bob Shell/ })).toBeVisible();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    const cdp = await context.newCDPSession(page);
    await expect.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, { timeout: 15_000 }).toEqual([]);
    // The worker has this page and its code before the network goes.
    await expect.poll(() => page.evaluate(async () => Boolean(await (await caches.open('parley-shell-v1')).match('/')))).toBe(true);

    await context.setOffline(true);
    await page.reload();
    const inbox = page.getByRole('navigation', { name: 'Conversations' });
    await expect(inbox.getByRole('button', { name: /Bob Shell/ })).toContainText('You: see you offline');
    // Which of the two depends on whether the browser has told the page it is offline yet.
    await expect(page.getByRole('status').filter({ hasText: /Waiting for network|Server unreachable/ })).toBeVisible();
    // A page of the app never opened here still gets the shell, not the browser's error page.
    const unknown = `/c/${randomUUID()}`;
    await page.goto(unknown);
    await expect(page).toHaveURL(`${E2E_URL}${unknown}`);
    await expect(inbox.getByRole('button', { name: /Bob Shell/ })).toBeVisible();
    await context.setOffline(false);
  });
});

test('a push shows a notification with its title and tag; clicking it opens the conversation, reading it closes the notification, and logging out stops pushes', async ({ browser }) => {
  const pushService = new FakePushService();
  await pushService.start();
  try {
    const alice = await registerThroughApi(browser, 'alice', 'Alice Push', { open: false });
    const bob = await registerThroughApi(browser, 'bob', 'Bob Push', { open: false });
    const subscription = pushService.subscription();
    // A push service that headless Chromium can reach: the browser's subscribe is stubbed with one
    // made by the test; everything else (permission, the settings UI, the server) is real.
    await bob.context.addInitScript((sub) => {
      const make = () => ({
        endpoint: sub.endpoint,
        options: { applicationServerKey: null, userVisibleOnly: true },
        toJSON: () => ({ endpoint: sub.endpoint, keys: sub.keys }),
        unsubscribe: async () => (sessionStorage.removeItem('test-push'), true),
      });
      PushManager.prototype.subscribe = async () => (sessionStorage.setItem('test-push', '1'), make() as unknown as PushSubscription);
      PushManager.prototype.getSubscription = async () => (sessionStorage.getItem('test-push') ? (make() as unknown as PushSubscription) : null);
    }, subscription);
    await bob.context.grantPermissions(['notifications'], { origin: E2E_URL });

    const page = bob.page;
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.getByText('Settings').click();
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByText('New messages notify you on this browser')).toBeVisible();

    // Bob closes Parley (the server sees his connection go); Alice writes; the server pushes to
    // his browser's push service.
    await page.goto('/robots.txt');
    const chat = await mutate<{ id: string; peer: { id: string } }>(alice, 'conversations.openDirect', { username: bob.username });
    await expect.poll(async () => (await query<{ online?: boolean }[]>(alice, 'presence.get', { userIds: [chat.peer.id] }))[0].online).toBe(false);
    await mutate(alice, 'messages.send', { conversationId: chat.id, clientId: randomUUID(), body: 'are you there?' });
    await expect.poll(() => pushService.payloadsFor(subscription.endpoint).length).toBe(1);
    const [payload] = pushService.payloadsFor(subscription.endpoint);
    expect(payload).toMatchObject({ type: 'message', title: 'Alice Push', body: 'are you there?', tag: `c:${chat.id}` });

    // The push service hands it to the browser: Chromium's DevTools protocol does that part.
    // Other tests' contexts in this browser have workers at the same scope: ours is the one
    // controlling Bob's page.
    const cdp = await bob.context.newCDPSession(page);
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    const registrationId = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        const ours = versions.find((v) => v.controlledClients?.includes(targetInfo.targetId));
        if (ours) resolve(ours.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    const deliver = async (data: unknown) =>
      cdp.send('ServiceWorker.deliverPushMessage', { origin: E2E_URL, registrationId: await registrationId, data: JSON.stringify(data) });
    // Read from the page (any page of the origin sees its registration's notifications), not from a
    // worker handle: the context may still list a worker version that is no longer the active one.
    const notifications = () =>
      page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration('/');
        return (await registration!.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
      });
    // DevTools' delivery reports nothing: Chromium looks the registration up in its storage and drops
    // the push if that fails (a busy CI lost one seconds after the worker took over, and another
    // after the page had moved off the app). So a push is delivered again until its effect shows;
    // each is idempotent (a tag replaces its copy; closing a closed notification does nothing).
    const shown = [{ title: 'Alice Push', body: 'are you there?', tag: `c:${chat.id}` }];
    const deliverUntil = (data: unknown, expected: typeof shown) =>
      expect(async () => {
        if (JSON.stringify(await notifications()) !== JSON.stringify(expected)) await deliver(data);
        expect(await notifications()).toEqual(expected);
      }).toPass({ intervals: [1_000, 2_000, 3_000], timeout: 15_000 });
    await deliverUntil(payload, shown);

    // Bob has Parley open again; the click (fired in the worker: nothing can click a system
    // notification from a test) opens the conversation in that window.
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
    // The context may still list worker versions that have been replaced: the click goes to the active one.
    const states = await Promise.all(bob.context.serviceWorkers().map((w) => w.evaluate(() => (self as unknown as { serviceWorker?: { state: string } }).serviceWorker?.state).catch(() => 'gone')));
    const worker = bob.context.serviceWorkers()[states.indexOf('activated')];
    await worker.evaluate(async () => {
      const scope = self as unknown as WorkerScope;
      const [notification] = await scope.registration.getNotifications();
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
    });
    await expect(page.getByRole('main').getByRole('heading', { name: 'Alice Push' })).toBeVisible();
    await expect(page).toHaveURL(`${E2E_URL}/c/${chat.id}`);
    await expect.poll(notifications).toEqual([]);
    // He has read it there: his browsers are told to close its notification, and do.
    const pushedTypes = () => pushService.payloadsFor(subscription.endpoint).map((p) => (p as { type: string }).type);
    await expect.poll(pushedTypes).toEqual(['message', 'read']);
    // As on a browser where Parley is closed (here the app, seeing the chat read, would close it
    // itself): the message's notification, then the close.
    const [, closing] = pushService.payloadsFor(subscription.endpoint);
    await page.goto('/robots.txt');
    await deliverUntil(payload, shown);
    await deliverUntil(closing, []);
    await page.goto('/');

    // Logging out removes this browser's subscription: Alice's next message pushes nothing.
    await page.getByText('Settings').click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login/);
    // One message to a group of Bob and Carol: the round that pushes to Carol decided about Bob too.
    const carol = await registerThroughApi(browser, 'carol', 'Carol Push', { open: false });
    const carolsBrowser = pushService.subscription();
    await mutate(carol, 'push.subscribe', carolsBrowser);
    const group = await mutate<{ id: string }>(alice, 'groups.create', { title: 'After logout', usernames: [bob.username, carol.username] });
    await mutate(alice, 'messages.send', { conversationId: group.id, clientId: randomUUID(), body: 'hello both?' });
    await expect.poll(() => pushService.payloadsFor(carolsBrowser.endpoint).length).toBe(1);
    expect(pushedTypes()).toEqual(['message', 'read']);
  } finally {
    await pushService.stop();
  }
});
