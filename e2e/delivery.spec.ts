// Delivery you can trust: ticks, the offline outbox across a reload, resume after a drop, many tabs, SSE fallback.
import { expect, test, type WebSocketRoute } from './fixtures/test.ts';
import {
  messageTexts,
  openChatWith,
  outboxSize,
  pendingTickOf,
  registerThroughApi,
  sendMessage,
  tickOf,
} from './fixtures/users.ts';

test('ticks go pending, sent, delivered, read as Bob comes online and opens the chat', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Ticks');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Ticks', { open: false });
  await openChatWith(alice.page, bob);

  await alice.context.setOffline(true);
  await sendMessage(alice.page, 'Are you there?');
  await expect(pendingTickOf(alice.page, 'Are you there?')).toHaveAccessibleName('Pending');

  await alice.context.setOffline(false);
  await expect(tickOf(alice.page, 1)).toHaveAccessibleName('Sent'); // committed; Bob has no device online

  await bob.page.goto('/'); // Bob's browser comes online: the inbox reaches his device
  await expect(bob.page.getByRole('navigation', { name: 'Conversations' }).getByLabel('1 unread message')).toBeVisible();
  await expect(tickOf(alice.page, 1)).toHaveAccessibleName('Delivered');

  await bob.page.getByRole('button', { name: /Alice Ticks/ }).click();
  await expect(bob.page.getByRole('log', { name: 'Messages' }).getByText('Are you there?')).toBeVisible();
  await expect(tickOf(alice.page, 1)).toHaveAccessibleName('Read');
});

test('messages written offline survive a reload and are sent once when the connection returns', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Outbox');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Outbox');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'before the tunnel');
  await expect(tickOf(alice.page, 1)).not.toHaveAccessibleName('Pending');

  await alice.context.setOffline(true);
  await sendMessage(alice.page, 'in the tunnel 1');
  await sendMessage(alice.page, 'in the tunnel 2');
  await expect(pendingTickOf(alice.page, 'in the tunnel 2')).toHaveAccessibleName('Pending');
  await expect.poll(() => outboxSize(alice.page)).toBe(2);

  await alice.page.reload().catch(() => {}); // offline: the browser's error page, the app is gone
  await alice.context.setOffline(false);
  await alice.page.reload();

  const bobLog = bob.page.getByRole('log', { name: 'Messages' });
  await bob.page.getByRole('button', { name: /Alice Outbox/ }).click();
  await expect(bobLog.getByText('in the tunnel 2')).toBeVisible();
  await expect.poll(() => outboxSize(alice.page)).toBe(0);
  const expected = ['before the tunnel', 'in the tunnel 1', 'in the tunnel 2'];
  await expect.poll(async () => (await messageTexts(alice.page)).map((t) => t.trim())).toEqual(expected);
  expect((await messageTexts(bob.page)).map((t) => t.trim())).toEqual(expected);
});

test('after a dropped connection the client resumes by itself and gets what it missed, once, in order', async ({ browser }) => {
  test.setTimeout(90_000);
  const alice = await registerThroughApi(browser, 'alice', 'Alice Resume');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Resume');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'one');
  await bob.page.getByRole('button', { name: /Alice Resume/ }).click();
  const bobLog = bob.page.getByRole('log', { name: 'Messages' });
  await expect(bobLog.getByText('one', { exact: true })).toBeVisible();
  await expect(tickOf(alice.page, 1)).toHaveAccessibleName('Read');

  // The network goes: nothing reaches Bob; keep-alive notices the dead socket within 20 s.
  await bob.context.setOffline(true);
  for (const text of ['two', 'three', 'four']) await sendMessage(alice.page, text);
  await expect(tickOf(alice.page, 4)).toHaveAccessibleName('Sent');
  await expect(bob.page.getByRole('status').filter({ hasText: /Waiting for network|Connecting|Server unreachable/ })).toBeVisible({ timeout: 25_000 });
  await expect(bobLog.getByText('two', { exact: true })).toHaveCount(0);

  await bob.context.setOffline(false);
  await expect(bobLog.getByText('four', { exact: true })).toBeVisible();
  expect((await messageTexts(bob.page)).map((t) => t.trim())).toEqual(['one', 'two', 'three', 'four']);
  await expect(tickOf(alice.page, 4)).toHaveAccessibleName('Read');
  await expect(bob.page.getByRole('status').filter({ hasText: /Waiting for network|Connecting|Server unreachable/ })).toHaveCount(0);
});

test('reading in one tab clears the unread count in the other tab', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Tabs');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Tabs');
  const secondTab = await bob.context.newPage();
  await secondTab.goto('/');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'to both tabs');

  for (const tab of [bob.page, secondTab]) {
    await expect(tab.getByRole('navigation', { name: 'Conversations' }).getByLabel('1 unread message')).toBeVisible();
  }
  await bob.page.getByRole('button', { name: /Alice Tabs/ }).click();
  await expect(bob.page.getByRole('log', { name: 'Messages' }).getByText('to both tabs')).toBeVisible();
  await expect(secondTab.getByRole('navigation', { name: 'Conversations' }).getByLabel(/unread/)).toHaveCount(0);

  // What Bob sends from one tab appears in the other.
  await sendMessage(bob.page, 'sent from tab one');
  await secondTab.getByRole('button', { name: /Alice Tabs/ }).click();
  await expect(secondTab.getByRole('log', { name: 'Messages' }).getByText('sent from tab one')).toBeVisible();
});

test('when WebSockets are blocked the client falls back to HTTP and server-sent events', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Proxy');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Proxy', { open: false });
  let refused = 0;
  await bob.page.routeWebSocket(/\/api\/trpc-ws/, (ws) => {
    refused += 1;
    ws.close();
  });
  await bob.page.goto('/');
  await openChatWith(alice.page, bob);
  // His event stream is his live connection: Alice sees him online.
  await expect(alice.page.getByRole('main').getByRole('heading', { name: 'Bob Proxy' }).locator('xpath=following-sibling::p')).toHaveText('online');
  await sendMessage(alice.page, 'through the proxy');

  await bob.page.getByRole('button', { name: /Alice Proxy/ }).click();
  const bobLog = bob.page.getByRole('log', { name: 'Messages' });
  await expect(bobLog.getByText('through the proxy')).toBeVisible();
  await sendMessage(alice.page, 'live over SSE');
  await expect(bobLog.getByText('live over SSE')).toBeVisible();
  await sendMessage(bob.page, 'sent over HTTP');
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('sent over HTTP')).toBeVisible();
  await expect(tickOf(bob.page, 3)).not.toHaveAccessibleName('Pending');
  expect(refused).toBeGreaterThanOrEqual(1);
});

test('a send the server refuses shows as failed, with retry and delete', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Refused');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Refused');
  await openChatWith(alice.page, bob);
  const conversationId = alice.page.url().split('/c/')[1];
  const { user } = await (await alice.context.request.get('/api/auth/session')).json();

  // A send waiting in the outbox that the server will refuse (too long: written by an older client).
  await alice.page.evaluate(
    async ({ userId, conversationId }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(`parley-outbox-${userId}`, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('sends', { keyPath: 'clientId' });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('sends', 'readwrite');
        tx.objectStore('sends').put({ clientId: crypto.randomUUID(), conversationId, body: 'far too long '.repeat(400), createdAt: Date.now(), status: 'sending' });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { userId: user.id, conversationId },
  );
  await alice.page.reload();

  const failed = alice.page.getByRole('log', { name: 'Messages' }).getByRole('alert');
  await expect(failed).toContainText('Not sent: Message is longer than 4000 characters');
  await expect(pendingTickOf(alice.page, 'far too long')).toHaveAccessibleName('Not sent');
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toContainText('Not sent'); // refused again, still not lost
  await failed.getByRole('button', { name: 'Delete' }).click();
  await expect(alice.page.getByText('far too long')).toHaveCount(0);
  await expect.poll(() => outboxSize(alice.page)).toBe(0);
});

test('a live subscription the server ends with an error is made again: "Connecting…" meanwhile, then what was missed arrives', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Resub', { open: false });
  const bob = await registerThroughApi(browser, 'bob', 'Bob Resub');
  // Alice's socket passes through the test, which plays a server that ends her subscription with an
  // internal error (and drops it on the server's side, as such a server would).
  const subscriptions: (number | string)[] = [];
  let holdNext: (() => void) | null = null; // set: hold the next subscription request, say so
  let releaseHeld: (() => void) | null = null;
  let link: { page: WebSocketRoute; server: WebSocketRoute } | null = null;
  await alice.page.routeWebSocket(/\/api\/trpc-ws/, (page) => {
    const server = page.connectToServer();
    link = { page, server };
    page.onMessage((frame) => {
      const text = String(frame);
      const requests = (text.startsWith('{') || text.startsWith('[') ? [JSON.parse(text)].flat() : []) as { id: number | string; method?: string; params?: { path?: string } }[];
      const subscribing = requests.find((r) => r.method === 'subscription' && r.params?.path === 'sync.events');
      if (subscribing) subscriptions.push(subscribing.id);
      if (subscribing && holdNext) {
        const release = holdNext;
        holdNext = null;
        void new Promise<void>((resolve) => (releaseHeld = resolve)).then(() => server.send(frame));
        release();
        return;
      }
      server.send(frame);
    });
    server.onMessage((frame) => page.send(frame));
  });
  await alice.page.goto('/');
  await openChatWith(alice.page, bob);
  await openChatWith(bob.page, alice);
  await expect.poll(() => subscriptions.length).toBe(1);
  await expect(alice.page.getByRole('status').filter({ hasText: /Connecting…|Waiting for network|Server unreachable/ })).toHaveCount(0);

  const resubscribed = new Promise<void>((resolve) => (holdNext = resolve));
  const id = subscriptions[0];
  link!.server.send(JSON.stringify({ id, method: 'subscription.stop' }));
  link!.page.send(JSON.stringify({
    id,
    error: { json: { message: 'Internal server error', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, path: 'sync.events' } } },
  }));
  await sendMessage(bob.page, 'said while Alice was not listening');
  await resubscribed; // the client asked again by itself; the test holds that request a moment
  await expect(alice.page.getByRole('status').filter({ hasText: /Connecting…|Server unreachable/ })).toBeVisible();
  releaseHeld!();
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('said while Alice was not listening')).toBeVisible();
  await expect(alice.page.getByRole('status').filter({ hasText: /Connecting…|Waiting for network|Server unreachable/ })).toHaveCount(0);
  await sendMessage(bob.page, 'and live again');
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('and live again')).toBeVisible();
  expect(await messageTexts(alice.page)).toEqual(['said while Alice was not listening', 'and live again']);
});
