// Presence: online while the app is open somewhere, "last seen" after it closes, hidden when asked.
import { expect, test, type WebSocketRoute } from './fixtures/test.ts';
import { openChatWith, query, registerThroughApi, sendMessage } from './fixtures/users.ts';

test('Bob sees Alice come online when she opens the app and "last seen" when she closes it', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Presence');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Presence');
  await openChatWith(bob.page, alice);
  await sendMessage(bob.page, 'are you around?');
  const status = bob.page.getByRole('main').getByRole('heading', { name: 'Alice Presence' }).locator('xpath=following-sibling::p');
  await expect(status).toHaveText('online'); // her page from registration is open
  const inboxDot = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('img', { name: 'online' });
  await expect(inboxDot).toBeVisible();

  await alice.page.close();
  await expect(status).toHaveText(/^last seen today at /);
  await expect(inboxDot).toHaveCount(0);

  const again = await alice.context.newPage();
  await again.goto('/');
  await expect(status).toHaveText('online');

  // Hidden: Bob is told nothing more, and sees only the username.
  await again.getByText('Settings').click();
  await again.getByLabel('Who sees my online status and last seen').selectOption('nobody');
  await expect(status).toHaveText(/^@alice_/);
  await again.close();
  await bob.page.reload();
  await expect(status).toHaveText(/^@alice_/);
});

test("presence is fresh after the viewer's own reconnect: who went offline meanwhile shows as last seen", async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Away');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Away', { open: false });
  // Bob's socket passes through the test, which can lose what the server sends him and then drop it.
  let cut = false;
  const lost: string[] = [];
  let current: WebSocketRoute | null = null;
  await bob.page.routeWebSocket(/\/api\/trpc-ws/, (page) => {
    const server = page.connectToServer();
    current = page;
    page.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => (cut ? lost.push(String(frame)) : page.send(frame)));
  });
  await bob.page.goto('/');
  await openChatWith(bob.page, alice);
  await sendMessage(bob.page, 'still there?');
  const status = bob.page.getByRole('main').getByRole('heading', { name: 'Alice Away' }).locator('xpath=following-sibling::p');
  await expect(status).toHaveText('online');
  const { id: aliceId } = await query<{ id: string }>(alice, 'users.me', undefined);

  // What the server tells Bob is lost on the way while Alice leaves; then his socket drops.
  cut = true;
  await alice.page.close();
  await expect.poll(() => lost.some((f) => f.includes('presence.updated') && f.includes(aliceId))).toBe(true);
  await expect(status).toHaveText('online'); // the event never reached him
  cut = false;
  await current!.close({ code: 1006 });
  await expect(status).toHaveText(/^last seen today at /);
});
