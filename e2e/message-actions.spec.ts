// Message actions between two people: reactions, edit and delete for everyone reach the other side
// live (delete for me only my own devices), through the menu (hover, right click or keyboard), which
// closes on Esc and outside clicks.
import { expect, test, type Page } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { mutate, openChatWith, registerThroughApi, sendMessage } from './fixtures/users.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const bubble = (page: Page, text: string | RegExp) => log(page).locator('li[data-seq]', { hasText: text });

async function openMenu(page: Page, text: string) {
  await bubble(page, text).hover();
  await bubble(page, text).getByRole('button', { name: 'Message menu' }).click();
  const menu = page.getByRole('menu', { name: 'Message actions' });
  await expect(menu).toBeVisible();
  return menu;
}

test('a reaction, an edit and a deletion for everyone show up live on the other side, and in the chat list', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Actions');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Actions');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'Lunch at noon?');
  await sendMessage(alice.page, 'Wrong chat, sorry');
  await bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Actions/ }).click();
  await expect(bubble(bob.page, 'Lunch at noon?')).toBeVisible();

  // Bob reacts from the menu; the first reaction has the focus, as the keyboard expects.
  const menu = await openMenu(bob.page, 'Lunch at noon?');
  await expect(menu.getByRole('menuitem', { name: 'React 👍' })).toBeFocused();
  await expectAccessible(bob.page);
  await menu.getByRole('menuitem', { name: 'React 👍' }).click();
  await expect(menu).toBeHidden();
  await expect(bubble(alice.page, 'Lunch at noon?').getByRole('button', { name: 'Reactions: 👍 1' })).toBeVisible();
  // Who reacted: Alice sees Bob's name.
  await bubble(alice.page, 'Lunch at noon?').getByRole('button', { name: 'Reactions: 👍 1' }).click();
  await expect(alice.page.getByRole('dialog', { name: 'Who reacted' })).toContainText('Bob Actions');
  await alice.page.keyboard.press('Escape');
  await expect(alice.page.getByRole('dialog', { name: 'Who reacted' })).toBeHidden();

  // Alice edits: a dialog with her text; Bob sees the new text, marked edited, live.
  await (await openMenu(alice.page, 'Lunch at noon?')).getByRole('menuitem', { name: 'Edit' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Edit message' });
  await expect(dialog.getByRole('textbox', { name: 'Message text' })).toBeFocused();
  await expect(dialog.getByRole('textbox', { name: 'Message text' })).toHaveValue('Lunch at noon?');
  await expectAccessible(alice.page);
  await dialog.getByRole('textbox', { name: 'Message text' }).fill('Lunch at 1pm?');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(bubble(bob.page, 'Lunch at 1pm?')).toContainText('Edited');
  await expect(bubble(bob.page, 'Lunch at 1pm?').getByRole('button', { name: 'Reactions: 👍 1' })).toBeVisible();

  // Deleting for everyone asks first; then it is gone on both sides, and from Bob's chat list.
  await (await openMenu(alice.page, 'Wrong chat, sorry')).getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = alice.page.getByRole('dialog', { name: 'Delete message?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(confirm.getByRole('button', { name: 'Delete for me' })).toBeVisible();
  await expectAccessible(alice.page);
  await confirm.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(log(alice.page).getByText('You deleted this message')).toBeVisible();
  await expect(log(bob.page).getByText('This message was deleted')).toBeVisible();
  await expect(log(bob.page).getByText('Wrong chat, sorry')).toHaveCount(0);
  await expect(bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Actions/ })).toContainText('This message was deleted');

  // After a reload the history shows every change.
  await bob.page.reload();
  await expect(bubble(bob.page, 'Lunch at 1pm?')).toContainText('Edited');
  await expect(bubble(bob.page, 'Lunch at 1pm?').getByRole('button', { name: 'Reactions: 👍 1' })).toBeVisible();
  await expect(log(bob.page).getByText('This message was deleted')).toBeVisible();
});

test('delete for me: the message leaves every device of mine, live and after a reload, and nobody else’s', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Keeps');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Tidies');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'Keep this one');
  await sendMessage(alice.page, 'An embarrassing typo');
  const bobChat = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Keeps/ });
  await bobChat.click();
  await expect(bubble(bob.page, 'An embarrassing typo')).toBeVisible();
  const second = await bob.context.newPage();
  await second.goto(bob.page.url());
  await expect(bubble(second, 'An embarrassing typo')).toBeVisible();

  // Not his message: only "Delete for me" is offered.
  await (await openMenu(bob.page, 'An embarrassing typo')).getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = bob.page.getByRole('dialog', { name: 'Delete message?' });
  await expect(confirm.getByRole('button', { name: 'Delete for everyone' })).toHaveCount(0);
  await confirm.getByRole('button', { name: 'Delete for me' }).click();
  await expect(confirm).toBeHidden();
  await expect(log(bob.page).getByText('An embarrassing typo')).toHaveCount(0);
  await expect(log(second).getByText('An embarrassing typo')).toHaveCount(0);
  await expect(bobChat).toContainText('Keep this one');
  await expect(bubble(alice.page, 'An embarrassing typo')).toBeVisible();

  await bob.page.reload();
  await expect(bubble(bob.page, 'Keep this one')).toBeVisible();
  await expect(log(bob.page).getByText('An embarrassing typo')).toHaveCount(0);
  // Messages go on after it as before.
  await sendMessage(alice.page, 'And one more');
  await expect(bubble(bob.page, 'And one more')).toBeVisible();
});

test('the emoji picker: any emoji into the composer where the cursor is, and any emoji as a reaction', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Emoji');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Emoji');
  await openChatWith(alice.page, bob);
  const box = alice.page.getByRole('textbox', { name: 'Message' });
  await box.fill('Pizza tonight?');
  await box.press('Home');
  for (let i = 0; i < 'Pizza'.length; i++) await box.press('ArrowRight');
  await alice.page.getByRole('button', { name: 'Emoji', exact: true }).click();
  const picker = alice.page.getByRole('dialog', { name: 'Emoji' });
  const search = picker.getByRole('combobox', { name: 'Search' });
  await expect(search).toBeFocused();
  await expectAccessible(alice.page);
  await search.fill('pizza');
  await picker.getByRole('option', { name: '🍕, pizza' }).click();
  await expect(box).toHaveValue('Pizza🍕 tonight?');
  // Esc closes it, and typing goes on in the box.
  await alice.page.keyboard.press('Escape');
  await expect(picker).toBeHidden();
  await expect(box).toBeFocused();
  await box.press('Enter');
  await expect(bubble(alice.page, 'Pizza🍕 tonight?')).toBeVisible();

  // Bob reacts with an emoji that is not in the quick row; a click outside closes the picker unused.
  await bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Emoji/ }).click();
  await (await openMenu(bob.page, 'Pizza🍕 tonight?')).getByRole('menuitem', { name: 'More reactions' }).click();
  const reactWith = bob.page.getByRole('dialog', { name: 'React with' });
  await reactWith.getByRole('combobox', { name: 'Search' }).fill('pizza');
  await reactWith.getByRole('option', { name: '🍕, pizza' }).click();
  await expect(reactWith).toBeHidden();
  await expect(bubble(alice.page, 'Pizza🍕 tonight?').getByRole('button', { name: 'Reactions: 🍕 1' })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Emoji', exact: true }).click();
  await expect(bob.page.getByRole('dialog', { name: 'Emoji' }).getByRole('combobox', { name: 'Search' })).toBeVisible();
  await bob.page.getByRole('log', { name: 'Messages' }).click({ position: { x: 5, y: 5 } });
  await expect(bob.page.getByRole('dialog', { name: 'Emoji' })).toBeHidden();
});

test('the message menu opens from the keyboard and by right click, and closes on Esc and outside clicks', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Keys');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Keys');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'Keyboard first');
  const button = bubble(alice.page, 'Keyboard first').getByRole('button', { name: 'Message menu' });
  await button.focus();
  await alice.page.keyboard.press('Enter');
  const menu = alice.page.getByRole('menu', { name: 'Message actions' });
  await expect(menu).toBeVisible();
  // Arrows move through the items; Esc closes and gives the focus back.
  await alice.page.keyboard.press('ArrowLeft');
  await expect(menu.getByRole('menuitem').last()).toBeFocused();
  await alice.page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();

  await bubble(alice.page, 'Keyboard first').getByText('Keyboard first').click({ button: 'right' });
  await expect(menu).toBeVisible();
  await alice.page.getByRole('textbox', { name: 'Message' }).click(); // anywhere outside it
  await expect(menu).toBeHidden();
});

test('a reply quotes its message on both sides; its quote jumps to the original, loading history as far up as needed', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Replies');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Replies');
  const chat = await mutate<{ id: string }>(alice, 'conversations.openDirect', { username: bob.username });
  const send = (body: string, replyToSeq?: number) =>
    mutate<{ seq: number }>(alice, 'messages.send', { conversationId: chat.id, clientId: crypto.randomUUID(), body, replyToSeq });
  // Bob's app is closed meanwhile: an open one would hold every message it heard of live.
  await bob.page.goto('about:blank');
  const original = await send('The plan, long ago');
  for (let i = 1; i <= 60; i++) await send(`filler ${i}`);
  const latest = await send('About the plan…', original.seq);
  // Read on another device: the chat opens at its newest message, the original far above.
  await mutate(bob, 'receipts.ack', { receipts: [{ conversationId: chat.id, readSeq: latest.seq }] });
  await bob.page.goto('/');
  // His open app has heard of it (else it would open at the first unread message, far up).
  const row = bob.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Replies/ });
  await expect(row).toContainText('About the plan…');
  await expect(row.getByLabel(/unread message/)).toHaveCount(0);

  await row.click();
  const reply = bubble(bob.page, 'About the plan…');
  await expect(reply.getByRole('button', { name: 'Reply to Alice Replies: show the message' })).toContainText('The plan, long ago');
  await expect(log(bob.page).getByText('The plan, long ago', { exact: true })).toHaveCount(1); // only in the quote
  await reply.getByRole('button', { name: /^Reply to Alice Replies/ }).click();
  const target = log(bob.page).locator(`li[data-seq="${original.seq}"]`);
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/bg-brand/);

  // Bob replies from the menu; Esc cancels a reply, the × too; Enter sends it with its quote.
  await (await openMenu(bob.page, 'About the plan…')).getByRole('menuitem', { name: 'Reply' }).click();
  const composer = bob.page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  await expect(bob.page.getByRole('button', { name: 'Cancel reply' })).toBeVisible();
  await composer.press('Escape');
  await expect(bob.page.getByRole('button', { name: 'Cancel reply' })).toBeHidden();
  await (await openMenu(bob.page, 'About the plan…')).getByRole('menuitem', { name: 'Reply' }).click();
  await composer.fill('Count me in');
  await composer.press('Enter');
  await expect(bob.page.getByRole('button', { name: 'Cancel reply' })).toBeHidden();
  await expect(bubble(bob.page, 'Count me in').getByRole('button', { name: /^Reply to Alice Replies/ })).toContainText('About the plan…');
  await alice.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Bob Replies/ }).click();
  await expect(bubble(alice.page, 'Count me in').getByRole('button', { name: /^Reply to You/ })).toContainText('About the plan…');
  await expectAccessible(alice.page);
});

test('a message forwarded to another chat arrives there marked "Forwarded"', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Forwards');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Forwards');
  const carol = await registerThroughApi(browser, 'carol', 'Carol Forwards');
  const withCarol = await mutate<{ id: string }>(carol, 'conversations.openDirect', { username: alice.username });
  await mutate(carol, 'messages.send', { conversationId: withCarol.id, clientId: crypto.randomUUID(), body: 'Hi Alice' });
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'Party on Friday at 8');
  await (await openMenu(alice.page, 'Party on Friday at 8')).getByRole('menuitem', { name: 'Forward' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Forward message to…' });
  await dialog.getByRole('searchbox', { name: 'Search chats' }).fill('carol');
  await dialog.getByRole('checkbox').check();
  await expectAccessible(alice.page);
  await dialog.getByRole('button', { name: 'Forward' }).click();
  await expect(dialog).toBeHidden();
  await carol.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Alice Forwards/ }).click();
  await expect(bubble(carol.page, 'Party on Friday at 8')).toContainText('Forwarded');
  await expect(bubble(alice.page, 'Party on Friday at 8')).not.toContainText('Forwarded');
});
