// Contacts and blocking as people use them: a stranger's first message offers Block or Add, the
// contact list starts chats, and a block withholds one person's messages until it is lifted.
import { randomUUID } from 'node:crypto';
import { expectAccessible } from './fixtures/axe.ts';
import { expect, test } from './fixtures/test.ts';
import { mutate, openChatWith, registerThroughApi, sendMessage, tickOf, type Page } from './fixtures/users.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

test('Alice blocks Bob from his contact info: his messages stop reaching her, he sees them sent; she unblocks and they talk again', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Block');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Block');
  await openChatWith(alice.page, bob);
  await openChatWith(bob.page, alice);
  await sendMessage(bob.page, 'hi Alice');
  await expect(log(alice.page).getByText('hi Alice')).toBeVisible();
  // While they chat, Bob sees her online.
  await expect(bob.page.getByRole('main').getByText('online', { exact: true })).toBeVisible();

  // She blocks him: asked first, from his contact info.
  await alice.page.getByRole('button', { name: 'Contact info' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Contact info' });
  await panel.getByRole('button', { name: 'Block Bob Block' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Block Bob Block?' });
  await expect(dialog).toBeVisible();
  await expectAccessible(alice.page);
  await dialog.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(panel.getByRole('button', { name: 'Unblock Bob Block' })).toBeVisible();
  await alice.page.keyboard.press('Escape');
  // Her chat says so in place of the composer.
  const blockedBar = alice.page.getByRole('status').filter({ hasText: 'You blocked Bob Block.' });
  await expect(blockedBar).toBeVisible();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expectAccessible(alice.page);

  // Bob is not told: no longer seeing her online, and his message goes out with one tick.
  await expect(bob.page.getByRole('main').getByText('online', { exact: true })).toHaveCount(0);
  await sendMessage(bob.page, 'are you there?');
  await expect(tickOf(bob.page, 2)).toHaveAccessibleName('Sent');
  // It never reaches her, live or from the server.
  await alice.page.reload();
  await expect(log(alice.page).getByText('hi Alice')).toBeVisible();
  await expect(log(alice.page).getByText('are you there?')).toHaveCount(0);
  await expect(alice.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Bob Block/ })).toContainText('hi Alice');

  // She unblocks from the chat: the composer is back, and what is said from now on flows both ways.
  await blockedBar.getByRole('button', { name: 'Unblock' }).click();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await sendMessage(bob.page, 'after');
  await expect(log(alice.page).getByText('after')).toBeVisible();
  await sendMessage(alice.page, 'sorry, I am back');
  await expect(log(bob.page).getByText('sorry, I am back')).toBeVisible();
  await expect(log(alice.page).getByText('are you there?')).toHaveCount(0);
});

test('a stranger’s first message offers Block or Add; the contact list adds people by username and starts chats', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Contacts');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Contacts', { open: false });
  const carol = await registerThroughApi(browser, 'carol', 'Carol Stranger', { open: false });
  const page = alice.page;

  // Carol, whom Alice does not know, writes first.
  const chat = await mutate<{ id: string }>(carol, 'conversations.openDirect', { username: alice.username });
  await mutate(carol, 'messages.send', { conversationId: chat.id, clientId: randomUUID(), body: 'hello, we met at the conference' });
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Carol Stranger/ }).click();
  const notice = page.getByRole('region', { name: 'Not in your contacts' });
  await expect(notice).toContainText(`Carol Stranger (@${carol.username}) is not in your contacts.`);
  await expect(notice.getByRole('button', { name: 'Block' })).toBeVisible();
  await expectAccessible(page);
  await notice.getByRole('button', { name: 'Add to contacts' }).click();
  await expect(notice).toHaveCount(0);

  // The contact list, from Settings: an unknown username is refused with the reason, Bob is added.
  await page.getByText('Settings').click();
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Contacts', exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Blocked' })).toContainText('You have blocked nobody.');
  await page.getByLabel('Username').fill('no_such_person_here');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByLabel('Username')).toBeFocused();
  await expect(page.getByText('No such user')).toBeVisible();
  await page.getByLabel('Username').fill(bob.username);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const list = page.getByRole('list', { name: 'Your contacts' });
  await expect(list.getByRole('listitem')).toHaveText([/Bob Contacts/, /Carol Stranger/]);
  await expectAccessible(page);
  // A chat from the list.
  await list.getByRole('button', { name: 'Chat with Bob Contacts' }).click();
  await expect(page.getByRole('main').getByRole('heading', { name: 'Bob Contacts' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Not in your contacts' })).toHaveCount(0);
});
