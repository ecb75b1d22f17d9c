// When the server is away: the app says so truthfully, a chat never goes blank (what this device kept
// shows, after a reload too), and what is written meanwhile goes out when the server is back.
import { expect, test, type Route } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { mutate, pendingTickOf, registerThroughApi, sendMessage } from './fixtures/users.ts';

test('a chat opened while the server cannot be reached shows what this device kept, and its composer queues', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Away');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Away');
  const chat = await mutate<{ id: string }>(bob, 'conversations.openDirect', { username: alice.username });
  await mutate(bob, 'messages.send', { conversationId: chat.id, clientId: crypto.randomUUID(), body: 'kept on this device' });
  const page = alice.page;
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Bob Away/ }).click();
  await expect(page.getByRole('log', { name: 'Messages' }).getByText('kept on this device')).toBeVisible();
  // Kept once it has been on screen a moment.
  const kept = () =>
    page.evaluate(async (id) => {
      const name = (await indexedDB.databases()).find((d) => d.name?.startsWith('parley-history-'))?.name;
      if (!name) return 0;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const count = await new Promise<number>((resolve) => {
        const get = db.transaction('chats').objectStore('chats').get(id);
        get.onsuccess = () => resolve(get.result?.messages.length ?? 0);
        get.onerror = () => resolve(0);
      });
      db.close();
      return count;
    }, chat.id);
  await expect.poll(kept).toBe(1);

  // The network is fine, the server is not: every API call fails and the socket is refused.
  const away = (route: Route) => route.abort('connectionrefused');
  await page.route('**/api/trpc/**', away);
  await page.route('**/healthz', away);
  await page.routeWebSocket(/\/api\/trpc-ws/, (ws) => ws.close({ code: 1011 }));
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Server unreachable' }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry now' }).first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Bob Away/ }).click();
  await expect(page.getByRole('heading', { name: 'Bob Away' })).toBeVisible();
  await expect(page.getByRole('log', { name: 'Messages' }).getByText('kept on this device')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Showing what this device has' })).toBeVisible();
  await expect(page.getByText('online', { exact: true })).toHaveCount(0);
  await expectAccessible(page);
  await sendMessage(page, 'written while away');
  await expect(pendingTickOf(page, 'written while away')).toHaveAccessibleName('Pending');

  // The server is back: the chat loads from it, and the message goes out.
  await page.unroute('**/api/trpc/**');
  await page.unroute('**/healthz');
  await page.routeWebSocket(/\/api\/trpc-ws/, (ws) => ws.connectToServer());
  await page.getByRole('button', { name: 'Retry now' }).first().click();
  await expect(page.getByRole('status').filter({ hasText: 'Showing what this device has' })).toHaveCount(0);
  await expect(page.getByRole('log', { name: 'Messages' }).locator('li[data-seq]').filter({ hasText: 'written while away' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Server unreachable' })).toHaveCount(0);
});
