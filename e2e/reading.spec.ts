// Reading: a chat with unread messages opens at the first of them, under an "N unread" divider, and
// only what has been on screen is read; news while reading history never moves the view.
import { expect, test } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { mutate, query, registerThroughApi } from './fixtures/users.ts';

test('unread messages open at a divider, are read as they come on screen, and the button goes down with a count', async ({ browser }) => {
  test.setTimeout(90_000);
  const alice = await registerThroughApi(browser, 'alice', 'Alice Reading');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Reading');
  const chat = await mutate<{ id: string }>(alice, 'conversations.openDirect', { username: bob.username });
  const send = (body: string) => mutate(alice, 'messages.send', { conversationId: chat.id, clientId: crypto.randomUUID(), body });
  await send('read already');
  await mutate(bob, 'receipts.ack', { receipts: [{ conversationId: chat.id, readSeq: 1 }] });
  for (let i = 1; i <= 70; i++) await send(`unread ${i}`);

  await bob.page.goto(`/c/${chat.id}`);
  const log = bob.page.getByRole('log', { name: 'Messages' });
  await expect(log.getByText('70 unread messages')).toBeInViewport();
  await expect(log.getByText('unread 1', { exact: true })).toBeInViewport();
  await expect(log.getByText('unread 70', { exact: true })).not.toBeInViewport();
  await expectAccessible(bob.page);

  // Read so far: what was on screen, not the whole chat.
  const readSeq = async () => (await query<{ readSeq: number }>(bob, 'conversations.get', { conversationId: chat.id })).readSeq;
  await expect.poll(readSeq).toBeGreaterThan(1);
  expect(await readSeq()).toBeLessThan(71);
  const down = bob.page.getByRole('button', { name: /^Scroll to the newest messages: \d+ new$/ });
  await expect(down).toBeVisible();

  // A message arriving while Bob reads does not move what he reads.
  const reading = log.getByText('unread 3', { exact: true });
  const before = await reading.boundingBox();
  await send('news while you read');
  await expect(down).toHaveAccessibleName(/: \d+ new$/);
  await expect(log.getByText('news while you read')).toBeAttached();
  expect((await reading.boundingBox())?.y).toBe(before?.y);

  await down.click();
  await expect(log.getByText('news while you read')).toBeInViewport();
  await expect.poll(readSeq).toBe(72);
  await expect(bob.page.getByRole('button', { name: /^Scroll to the newest messages/ })).toBeHidden();
  await expect(bob.page.getByRole('navigation', { name: 'Conversations' }).getByLabel(/unread/)).toHaveCount(0);
});

test('a draft survives switching chats and a reload and shows in the chat list; the tab title counts what is unread', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Drafts');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Drafts');
  const carol = await registerThroughApi(browser, 'carol', 'Carol Drafts');
  for (const [from, body] of [[bob, 'Hi Alice'], [carol, 'Hello there']] as const) {
    const chat = await mutate<{ id: string }>(from, 'conversations.openDirect', { username: alice.username });
    await mutate(from, 'messages.send', { conversationId: chat.id, clientId: crypto.randomUUID(), body });
  }
  await alice.page.reload();
  await expect(alice.page).toHaveTitle('(2) Parley');
  const list = alice.page.getByRole('navigation', { name: 'Conversations' });
  await list.getByRole('button', { name: /Bob Drafts/ }).click();
  const composer = alice.page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  await expect(alice.page).toHaveTitle('(1) Parley');
  await composer.fill('half a thought');
  await list.getByRole('button', { name: /Carol Drafts/ }).click();
  await expect(composer).toHaveValue('');
  await expect(list.getByRole('button', { name: /Bob Drafts/ })).toContainText('Draft: half a thought');
  await expect(alice.page).toHaveTitle('Parley');

  await alice.page.reload();
  await expect(list.getByRole('button', { name: /Bob Drafts/ })).toContainText('Draft: half a thought');
  await list.getByRole('button', { name: /Bob Drafts/ }).click();
  await expect(composer).toHaveValue('half a thought');
  await composer.press('Enter');
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('half a thought')).toBeVisible();
  await list.getByRole('button', { name: /Carol Drafts/ }).click();
  await expect(list.getByRole('button', { name: /Bob Drafts/ })).toContainText('You: half a thought');
});
