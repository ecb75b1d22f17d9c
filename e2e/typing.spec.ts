// Typing indicators: shown live while the other person types, gone when they stop or send.
import { expect, test } from './fixtures/test.ts';
import { openChatWith, registerThroughApi, sendMessage } from './fixtures/users.ts';

test('Alice sees "Bob is typing…" while Bob types, and it disappears when he stops', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Typing');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Typing');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'hi');
  await bob.page.getByRole('button', { name: /Alice Typing/ }).click();

  const composer = bob.page.getByRole('textbox', { name: 'Message' });
  const indicator = alice.page.getByRole('main').getByText('Bob Typing is typing…');
  await composer.pressSequentially('I am thinking');
  await expect(indicator).toBeVisible();
  // Alice's inbox row says so too.
  await expect(alice.page.getByRole('navigation', { name: 'Conversations' }).getByText('typing…')).toBeVisible();

  await composer.blur(); // stops when he leaves the box
  await expect(indicator).toBeHidden();

  await composer.pressSequentially(' harder');
  await expect(indicator).toBeVisible();
  await composer.press('Enter'); // sending ends it too
  await expect(indicator).toBeHidden();
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('I am thinking harder')).toBeVisible();
});
