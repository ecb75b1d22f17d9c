// One-to-one chat end to end: register, start a chat, live delivery, history order, unread counts.
import { expect, test } from './fixtures/test.ts';
import { messageTexts, mutate, openChatWith, registerThroughApi, registerThroughUi, sendMessage } from './fixtures/users.ts';

test('Alice and Bob chat live, see the same history after reloading, and unread counts clear on open', async ({ browser }) => {
  const alice = await registerThroughUi(browser, 'alice', 'Alice Liddell');
  const bob = await registerThroughUi(browser, 'bob', 'Bob Builder');

  await openChatWith(alice.page, bob);
  await expect(alice.page.getByText('No messages here yet. Say hello!')).toBeVisible();
  await sendMessage(alice.page, 'Hello Bob!');
  const aliceLog = alice.page.getByRole('log', { name: 'Messages' });
  await expect(aliceLog.getByText('Hello Bob!')).toBeVisible();
  await expect(aliceLog.locator('li[data-seq="1"]').getByRole('img', { name: /^(Sent|Delivered|Read)$/ })).toBeVisible();
  // Her own inbox lists the new conversation with her message, without a reload.
  await expect(alice.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Bob Builder/ })).toContainText('You: Hello Bob!');

  // Bob's inbox shows the new conversation live, with one unread message.
  const bobInbox = bob.page.getByRole('navigation', { name: 'Conversations' });
  await expect(bobInbox.getByRole('button', { name: /Alice Liddell/ })).toBeVisible();
  await expect(bobInbox.getByLabel('1 unread message')).toBeVisible();
  await sendMessage(alice.page, 'Are you there?');
  await expect(bobInbox.getByLabel('2 unread messages')).toBeVisible();

  // Opening the conversation shows the messages and clears the count.
  await bobInbox.getByRole('button', { name: /Alice Liddell/ }).click();
  const bobLog = bob.page.getByRole('log', { name: 'Messages' });
  await expect(bobLog.getByText('Are you there?')).toBeVisible();
  await expect(bobInbox.getByLabel(/unread/)).toHaveCount(0);

  // Shift+Enter makes a new line; Enter sends; the reply arrives live on Alice's open conversation.
  const composer = bob.page.getByRole('textbox', { name: 'Message' });
  await composer.fill('Yes!');
  await composer.press('Shift+Enter');
  await composer.pressSequentially('Second line <b>not bold</b> https://example.com/page');
  await composer.press('Enter');
  await expect(aliceLog.getByText('Second line <b>not bold</b>')).toBeVisible();
  await expect(aliceLog.getByRole('link', { name: 'https://example.com/page' })).toHaveAttribute('href', 'https://example.com/page');
  await expect(aliceLog.locator('b')).toHaveCount(0);

  for (let i = 1; i <= 5; i++) await sendMessage(i % 2 ? alice.page : bob.page, `burst ${i}`);
  await expect(aliceLog.getByText('burst 5')).toBeVisible();
  await expect(bobLog.getByText('burst 5')).toBeVisible();

  // Both reload and see the same history in the same order.
  await Promise.all([alice.page.reload(), bob.page.reload()]);
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('burst 5')).toBeVisible();
  await expect(bob.page.getByRole('log', { name: 'Messages' }).getByText('burst 5')).toBeVisible();
  const aliceTexts = await messageTexts(alice.page);
  expect(aliceTexts).toHaveLength(8);
  expect(await messageTexts(bob.page)).toEqual(aliceTexts);
  expect(aliceTexts[0]).toContain('Hello Bob!');
  expect(aliceTexts[2]).toContain('Yes!\nSecond line');
});

test('the composer refuses empty and oversized messages', async ({ browser }) => {
  const alice = await registerThroughUi(browser, 'alice', 'Alice Empty');
  const bob = await registerThroughUi(browser, 'bob', 'Bob Empty');
  await openChatWith(alice.page, bob);
  const send = alice.page.getByRole('button', { name: 'Send' });
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('   ');
  // Nothing to send: the button records a voice message instead, as in WhatsApp.
  await expect(send).toHaveCount(0);
  await expect(alice.page.getByRole('button', { name: 'Record voice message' })).toBeVisible();
  await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await alice.page.getByRole('textbox', { name: 'Message' }).fill('x'.repeat(4001));
  await expect(send).toBeDisabled();
  await expect(alice.page.getByRole('alert').filter({ hasText: 'Message is too long: 4,001 of 4,000 characters' })).toBeVisible();
  await alice.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(alice.page.getByText('No messages here yet. Say hello!')).toBeVisible();
});

test('a long chat list loads its older chats as it scrolls, and an old chat with news comes back on top', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Many', { open: false });
  const groups: string[] = [];
  for (let i = 0; i < 55; i++) {
    const title = `Club ${String(i).padStart(2, '0')}`;
    await mutate(alice, 'groups.create', { title });
    groups.push(title);
  }
  await alice.page.goto('/');
  const chats = alice.page.getByRole('navigation', { name: 'Conversations' });
  const rows = chats.getByRole('button', { name: /^Club / });
  await expect(rows.first()).toContainText('Club 54');
  await expect(rows).toHaveCount(50); // the first page
  await chats.getByRole('status').filter({ hasText: 'Loading more chats' }).scrollIntoViewIfNeeded();
  await expect(rows).toHaveCount(55);
  await expect(rows.last()).toContainText('Club 00');
  await expect(chats.getByText('Loading more chats')).toHaveCount(0);

  // News in the oldest chat moves it to the top, once.
  await rows.last().click();
  await sendMessage(alice.page, 'still here');
  await expect(rows.first()).toContainText('You: still here');
  await expect(rows.first()).toContainText('Club 00');
  await expect(rows).toHaveCount(55);
});
