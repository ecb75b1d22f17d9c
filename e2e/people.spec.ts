// People: one's own profile (name and about line, edited in place), another's contact panel, and
// leaving: the data export and deleting one's account.
import { readFileSync } from 'node:fs';
import { expectAccessible } from './fixtures/axe.ts';
import { expect, test } from './fixtures/test.ts';
import { mutate, openChatWith, registerThroughApi } from './fixtures/users.ts';

test('Alice edits her name and about line; Bob sees them on her contact panel with the groups they share, and goes to one', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Profile');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Profile');
  const page = alice.page;

  await page.getByRole('button', { name: /Your profile/ }).click();
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Back to chats' })).toBeFocused();
  await expect(page.getByText(`@${alice.username}`)).toBeVisible();
  await page.getByRole('button', { name: 'Edit your name' }).click();
  await expect(page.getByRole('textbox', { name: 'Your name' })).toBeFocused();
  // A name of spaces only is refused with the reason; nothing changes.
  await page.getByRole('textbox', { name: 'Your name' }).fill('   ');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Display name is required' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Your name' }).fill('Alice Renamed');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('region', { name: 'Your name' }).getByText('Alice Renamed')).toBeVisible();
  await page.getByRole('button', { name: 'Edit about' }).click();
  await page.getByRole('textbox', { name: 'About' }).fill('Out hiking');
  await page.getByRole('textbox', { name: 'About' }).press('Enter');
  await expect(page.getByRole('region', { name: 'About' }).getByText('Out hiking')).toBeVisible();
  // Esc in an edit cancels that edit only; the next Esc goes back to the chats.
  await page.getByRole('button', { name: 'Edit about' }).click();
  await page.getByRole('textbox', { name: 'About' }).fill('not this');
  await page.getByRole('textbox', { name: 'About' }).press('Escape');
  await expect(page.getByRole('region', { name: 'About' }).getByText('Out hiking')).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Your profile, Alice Renamed/ })).toBeVisible();
  // The server keeps it: after a reload too.
  await page.reload();
  await expect(page.getByRole('button', { name: /Your profile, Alice Renamed/ })).toBeVisible();

  // Bob, in a chat with her, opens her contact panel from the chat's header.
  const group = await mutate<{ id: string }>(alice, 'groups.create', { title: 'Hiking club', usernames: [bob.username] });
  await openChatWith(bob.page, { ...alice, displayName: 'Alice Renamed' });
  await bob.page.getByRole('button', { name: 'Contact info' }).click();
  const panel = bob.page.getByRole('complementary', { name: 'Contact info' });
  await expect(panel.getByRole('heading', { name: 'Alice Renamed' })).toBeVisible();
  await expect(panel.getByText(`@${alice.username}`)).toBeVisible();
  await expect(panel.getByRole('region', { name: 'About' })).toContainText('Out hiking');
  await expect(panel.getByRole('region', { name: 'Groups in common' })).toContainText('1 group in common');
  await expect(bob.page.getByRole('button', { name: 'Close contact info' })).toBeFocused();
  // Her chat's notifications are muted from here too.
  const notifications = panel.getByRole('region', { name: 'Notifications' });
  await expect(notifications).toContainText('On');
  await notifications.getByLabel('Mute notifications').click();
  await notifications.getByRole('menuitem', { name: 'Always' }).click();
  await expect(notifications).toContainText('Muted');
  await expectAccessible(bob.page);
  await bob.page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'Contact info' }).click();
  await panel.getByRole('button', { name: 'Hiking club' }).click();
  await expect(bob.page.getByRole('main').getByRole('heading', { name: 'Hiking club' })).toBeVisible();
  await expect(bob.page).toHaveURL(new RegExp(`/c/${group.id}$`));
});

test('Bob deletes his account from his profile: his password is asked for, he is signed out, and Alice keeps his messages under "Deleted account"', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Stays');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Leaves');
  await openChatWith(bob.page, alice);
  await bob.page.getByRole('textbox', { name: 'Message' }).fill('goodbye, Alice');
  await bob.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(alice.page.getByRole('navigation', { name: 'Conversations' })).toContainText('goodbye, Alice');

  await bob.page.getByRole('button', { name: /Your profile/ }).click();
  // First he keeps a copy of his data.
  const [download] = await Promise.all([bob.page.waitForEvent('download'), bob.page.getByRole('link', { name: 'Download as JSON' }).click()]);
  const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { profile: { username: string }; chats: { messages: { text: string }[] }[] };
  expect(data.profile.username).toBe(bob.username);
  expect(data.chats.flatMap((c) => c.messages.map((m) => m.text))).toEqual(['goodbye, Alice']);
  await bob.page.getByRole('button', { name: 'Delete my account' }).click();
  const dialog = bob.page.getByRole('dialog', { name: 'Delete your account?' });
  await dialog.getByLabel('Password').fill('not my password 1');
  await dialog.getByRole('button', { name: 'Delete my account' }).click();
  await expect(dialog.getByText('That is not your password')).toBeVisible();
  await expect(dialog.getByLabel('Password')).toBeFocused();
  await expectAccessible(bob.page);
  await dialog.getByLabel('Password').fill(bob.password);
  await dialog.getByRole('button', { name: 'Delete my account' }).click();
  await expect(bob.page).toHaveURL(/\/login/);
  await bob.page.getByLabel('Username').fill(bob.username);
  await bob.page.getByLabel('Password').fill(bob.password);
  await bob.page.getByRole('button', { name: 'Log in' }).click();
  await expect(bob.page.getByRole('alert').filter({ hasText: 'Wrong username or password' })).toBeVisible();

  await alice.page.reload();
  await alice.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Deleted account/ }).click();
  await expect(alice.page.getByRole('main').getByRole('heading', { name: 'Deleted account' })).toBeVisible();
  await expect(alice.page.getByRole('log', { name: 'Messages' }).getByText('goodbye, Alice')).toBeVisible();
});
