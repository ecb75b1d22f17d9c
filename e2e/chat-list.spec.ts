// The chat list as the user keeps it: pin, archive (back with news), mark unread, filters, and a chat
// deleted for oneself (back when someone writes).
import { expect, test, type Page } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { mutate, registerThroughApi, type TestUser } from './fixtures/users.ts';

const list = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
const row = (page: Page, name: string) => list(page).getByRole('listitem').filter({ hasText: name });

async function chatMenu(page: Page, name: string) {
  await row(page, name).hover();
  await row(page, name).getByRole('button', { name: 'Chat menu' }).click();
  return page.getByRole('menu', { name: 'Chat actions' });
}

test('pin, archive, mark unread, filter and delete chats; news brings archived and deleted chats back', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Lists');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Lists');
  const carol = await registerThroughApi(browser, 'carol', 'Carol Lists');
  const chatOf = async (from: TestUser, body: string) => {
    const chat = await mutate<{ id: string }>(from, 'conversations.openDirect', { username: alice.username });
    await mutate(from, 'messages.send', { conversationId: chat.id, clientId: crypto.randomUUID(), body });
    return chat.id;
  };
  const withCarol = await chatOf(carol, 'From Carol');
  const withBob = await chatOf(bob, 'From Bob');
  await alice.page.reload();
  await expect(list(alice.page).getByRole('listitem').first()).toContainText('Bob Lists');

  // Pinned: first, whatever the activity.
  const menu = await chatMenu(alice.page, 'Carol Lists');
  await expectAccessible(alice.page);
  await menu.getByRole('menuitem', { name: 'Pin chat' }).click();
  await expect(list(alice.page).getByRole('listitem').first()).toContainText('Carol Lists');
  await expect(row(alice.page, 'Carol Lists').getByRole('img', { name: 'Pinned' })).toBeVisible();

  // Archived: apart, until Bob writes again.
  await (await chatMenu(alice.page, 'Bob Lists')).getByRole('menuitem', { name: 'Archive chat' }).click();
  await expect(row(alice.page, 'Bob Lists')).toHaveCount(0);
  await list(alice.page).getByRole('button', { name: /^Archived/ }).click();
  await expect(row(alice.page, 'Bob Lists')).toBeVisible();
  await alice.page.getByRole('button', { name: 'Back to chats' }).click();
  await mutate(bob, 'messages.send', { conversationId: withBob, clientId: crypto.randomUUID(), body: 'Are you there?' });
  await expect(row(alice.page, 'Bob Lists')).toContainText('Are you there?');
  await expect(list(alice.page).getByRole('button', { name: /^Archived/ })).toHaveCount(0);

  // Read Carol's chat, then mark it unread again; filters.
  await row(alice.page, 'Carol Lists').getByRole('button').first().click();
  await expect(row(alice.page, 'Carol Lists').getByLabel(/unread/)).toHaveCount(0);
  await (await chatMenu(alice.page, 'Carol Lists')).getByRole('menuitem', { name: 'Mark as unread' }).click();
  await expect(row(alice.page, 'Carol Lists').getByRole('img', { name: 'Marked unread' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Groups', exact: true }).click();
  await expect(list(alice.page)).toContainText('No groups yet.');
  await alice.page.getByRole('button', { name: 'Unread', exact: true }).click();
  await expect(row(alice.page, 'Carol Lists')).toBeVisible();
  await alice.page.getByRole('button', { name: 'All', exact: true }).click();

  // Deleted for Alice: gone, and back with only what Bob writes next.
  await (await chatMenu(alice.page, 'Bob Lists')).getByRole('menuitem', { name: 'Delete chat' }).click();
  await alice.page.getByRole('dialog', { name: /^Delete chat with Bob Lists/ }).getByRole('button', { name: 'Delete' }).click();
  await expect(row(alice.page, 'Bob Lists')).toHaveCount(0);
  await mutate(bob, 'messages.send', { conversationId: withBob, clientId: crypto.randomUUID(), body: 'Hello again' });
  await row(alice.page, 'Bob Lists').getByRole('button').first().click();
  const log = alice.page.getByRole('log', { name: 'Messages' });
  await expect(log.getByText('Hello again')).toBeVisible();
  await expect(log.getByText('From Bob')).toHaveCount(0);
  expect(withCarol).toBeTruthy();
});
