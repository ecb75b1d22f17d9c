// Search: messages across chats from the chat list's box (after chats and people), and within one chat
// from its header; the words found are marked, and a result opens its message in the chat.
import { expect, test, type Page } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { mutate, registerThroughApi } from './fixtures/users.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

test('a word found in any chat opens its message, far up in the chat; within a chat, the panel finds and goes there too', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Search');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Search');
  const chat = await mutate<{ id: string }>(alice, 'conversations.openDirect', { username: bob.username });
  const send = (body: string) => mutate<{ seq: number }>(alice, 'messages.send', { conversationId: chat.id, clientId: crypto.randomUUID(), body });
  const found = await send('Shall we meet at Café Luna on Friday?');
  for (let i = 1; i <= 120; i++) await send(`filler ${i}`);
  await mutate(bob, 'receipts.ack', { receipts: [{ conversationId: chat.id, readSeq: found.seq + 120 }] });

  const page = bob.page;
  const search = page.getByRole('searchbox', { name: 'Search people, chats and messages' });
  await search.fill('cafe lu');
  const messages = page.getByRole('region', { name: 'Messages' });
  const hit = messages.getByRole('button', { name: /Alice Search/ });
  await expect(hit).toContainText('Shall we meet at Café Luna on Friday?');
  await expect(hit.locator('mark')).toHaveText(['Café', 'Luna']);
  await expectAccessible(page);

  await hit.click();
  const target = log(page).locator(`li[data-seq="${found.seq}"]`);
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/bg-brand/);
  // The results stay, to pick another.
  await expect(hit).toBeVisible();

  // Within the chat: the panel opens with the focus in its box; Esc closes it.
  await page.getByRole('searchbox', { name: 'Search people, chats and messages' }).fill('');
  await log(page).locator('li[data-seq]').last().scrollIntoViewIfNeeded();
  await page.getByRole('button', { name: 'Search messages' }).click();
  const panel = page.getByRole('complementary', { name: 'Search messages' });
  const box = panel.getByRole('searchbox', { name: 'Search this chat' });
  await expect(box).toBeFocused();
  await expect(panel).toContainText('Search for messages in this chat.');
  await box.fill('f');
  await expect(panel).toContainText('Type at least two letters.');
  await box.fill('friday');
  await expect(panel.getByRole('button', { name: /You|Alice Search/ })).toHaveCount(1);
  await expect(panel.locator('mark')).toHaveText(['Friday']);
  await box.fill('nothing like this');
  await expect(panel).toContainText('No messages found for “nothing like this”.');
  await box.fill('filler 7');
  // "filler" and "7…": filler 7, and 70 to 79.
  await expect(panel.getByRole('button')).toHaveCount(11 + 1); // the results and the panel's close button
  await panel.getByRole('button', { name: /filler 70\b/ }).click();
  await expect(log(page).getByText('filler 70', { exact: true })).toBeInViewport();
  await expectAccessible(page);
  await box.press('Escape');
  await expect(panel).toBeHidden();
});
