// Presence: online while the app is open somewhere, "last seen" after it closes, hidden when asked.
import { expect, test } from '@playwright/test';
import { openChatWith, registerThroughApi, sendMessage } from './fixtures/users.ts';

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
