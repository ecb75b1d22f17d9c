// Every screen through axe-core, light and dark (e2e/fixtures/axe.ts): the ones the feature specs
// do not check on their way. Popovers close on Esc and on a click outside; a failed form puts the
// focus on its first error.
import { expect, test, type Page } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { mutate, query, registerThroughApi, type TestUser } from './fixtures/users.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const bubble = (page: Page, text: string) => log(page).locator('li[data-seq]', { hasText: text }).first();
const change = (u: TestUser, path: string, input: object) => mutate(u, path, { clientId: crypto.randomUUID(), ...input });

test('sign-in and registration pages, errors included', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expectAccessible(page, 'main');
  await page.goto('/register');
  await page.getByLabel('Username').fill('ok_name');
  await page.getByRole('button', { name: 'Create account' }).click();
  // The focus goes to the first field in error.
  await expect(page.getByLabel('Display name')).toBeFocused();
  await expect(page.getByLabel('Display name')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'main');
});

test('the chat list, a chat with every kind of message, its panels, menus and dialogs', async ({ browser }) => {
  // Twelve axe scans of whole screens, a few seconds each on a 2-core machine: more than the usual minute.
  test.setTimeout(180_000);
  const alice = await registerThroughApi(browser, 'alice', 'Alice Axe');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Axe', { open: false });
  const carol = await registerThroughApi(browser, 'carol', 'Carol Axe', { open: false });
  const chat = await mutate<{ id: string }>(alice, 'conversations.openDirect', { username: bob.username });
  const send = (u: TestUser, conversationId: string, body: string, extra: object = {}) =>
    change(u, 'messages.send', { conversationId, body, ...extra }) as Promise<{ seq: number }>;
  const hello = await send(alice, chat.id, 'Hello Bob, see https://example.com');
  const reply = await send(bob, chat.id, 'Hi! *Bold* and _italic_', { replyToSeq: hello.seq });
  await change(bob, 'messages.react', { conversationId: chat.id, seq: hello.seq, emoji: '👍' });
  await change(alice, 'messages.react', { conversationId: chat.id, seq: reply.seq, emoji: '😂' });
  const typo = await send(alice, chat.id, 'A typo');
  await change(alice, 'messages.edit', { conversationId: chat.id, seq: typo.seq, body: 'Fixed' });
  const oops = await send(alice, chat.id, 'Oops');
  await change(alice, 'messages.delete', { conversationId: chat.id, seq: oops.seq });
  const group = await mutate<{ id: string }>(alice, 'groups.create', { title: 'Axe group', usernames: [bob.username, carol.username] });
  await send(bob, group.id, 'Hello group');
  await send(alice, group.id, 'Hello all');
  const members = await query<{ id: string; username: string }[]>(alice, 'conversations.members', { conversationId: group.id });
  await mutate(alice, 'groups.removeMember', { conversationId: group.id, userId: members.find((m) => m.username === carol.username)!.id });

  const page = alice.page;
  await page.reload();
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await expect(list.getByRole('button', { name: /Axe group/ })).toBeVisible();
  await expectAccessible(page);

  // Settings: a popover; Esc closes it and the focus goes back to it, and so does a click outside.
  const settings = page.locator('summary', { hasText: 'Settings' });
  await settings.click();
  await expect(page.getByText('Who sees my online status')).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(page.getByText('Who sees my online status')).toBeHidden();
  await expect(settings).toBeFocused();
  await settings.click();
  await expect(page.getByText('Who sees my online status')).toBeVisible();
  await list.click({ position: { x: 5, y: 200 } });
  await expect(page.getByText('Who sees my online status')).toBeHidden();

  // The chat, its mute menu, who reacted, forward.
  await list.getByRole('button', { name: /Bob Axe/ }).click();
  await expect(bubble(page, 'Fixed')).toContainText('Edited');
  await expectAccessible(page);
  await page.getByLabel('Mute notifications').click();
  await expect(page.getByRole('menuitem', { name: 'For 8 hours' })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await bubble(page, 'Hello Bob').getByRole('button', { name: /^Reactions/ }).click();
  await expect(page.getByRole('dialog', { name: 'Who reacted' })).toContainText('Bob Axe');
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await bubble(page, 'Hello Bob').hover();
  await bubble(page, 'Hello Bob').getByRole('button', { name: 'Message menu' }).click();
  await page.getByRole('menuitem', { name: 'Forward' }).click();
  await expect(page.getByRole('dialog', { name: /Forward/ })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: /Forward/ })).toBeHidden();

  // The group, its info panel, message info; the new group dialog.
  await list.getByRole('button', { name: /Axe group/ }).click();
  await expect(bubble(page, 'Hello all')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Group info' }).click();
  await expect(page.getByRole('complementary', { name: 'Group info' }).getByText('Bob Axe', { exact: true })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await bubble(page, 'Hello all').hover();
  await bubble(page, 'Hello all').getByRole('button', { name: 'Message menu' }).click();
  await page.getByRole('menuitem', { name: 'Message info' }).click();
  await expect(page.getByRole('complementary', { name: 'Message info' })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'New group' }).click();
  await page.getByLabel('Group name').fill('Another');
  await page.getByRole('searchbox').fill('axe');
  await expect(page.getByRole('list', { name: 'People found' }).getByRole('checkbox').first()).toBeVisible();
  await expectAccessible(page);

  // Carol, removed from the group: its history up to then, no composer.
  await carol.page.goto(`/c/${group.id}`);
  await expect(carol.page.getByText('Alice Axe removed you')).toBeVisible();
  await expectAccessible(carol.page);
});
