// Groups end to end: create one with two people, talk live, remove someone, and see who read what.
import { expect, test } from './fixtures/test.ts';
import { registerThroughApi, sendMessage, type Page } from './fixtures/users.ts';

const log = (page: Page) => page.getByRole('log', { name: 'Messages' });
const inbox = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });

test('Alice makes a group with Bob and Carol, they talk, she removes Carol, and sees Bob has read her message', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Group');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Group');
  const carol = await registerThroughApi(browser, 'carol', 'Carol Group');

  // Alice creates the group from the inbox, picking people by username.
  await alice.page.getByRole('button', { name: 'New group' }).click();
  await alice.page.getByLabel('Group name').fill('Trip planning');
  for (const person of [bob, carol]) {
    await alice.page.getByRole('searchbox').fill(person.username);
    await alice.page.getByRole('checkbox', { name: `${person.displayName} (@${person.username})` }).click();
  }
  await expect(alice.page.getByRole('list', { name: 'Picked people' }).getByRole('listitem')).toHaveCount(2);
  await alice.page.getByRole('button', { name: 'Create group' }).click();
  await expect(alice.page.getByRole('heading', { name: 'Trip planning' })).toBeVisible();
  await expect(log(alice.page).getByText('You created group "Trip planning"')).toBeVisible();

  // It appears live in Bob's and Carol's inboxes; they open it.
  for (const person of [bob, carol]) {
    await inbox(person.page).getByRole('button', { name: /Trip planning/ }).click();
    await expect(log(person.page).getByText('Alice Group created group "Trip planning"')).toBeVisible();
  }

  // All three talk live; other people's messages carry their names.
  await sendMessage(alice.page, 'Hi both!');
  await expect(log(bob.page).getByText('Hi both!')).toBeVisible();
  await expect(log(carol.page).getByText('Hi both!')).toBeVisible();
  await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hi');
  await expect(alice.page.getByRole('main').getByText('Bob Group is typing…')).toBeVisible();
  await sendMessage(bob.page, 'Hi Alice, hi Carol');
  await sendMessage(carol.page, 'Hello from Carol');
  for (const page of [alice.page, bob.page]) await expect(log(page).getByText('Hello from Carol')).toBeVisible();
  await expect(log(alice.page).locator('li[data-seq]', { hasText: 'Hi Alice, hi Carol' })).toContainText('Bob Group');
  await expect(log(carol.page).locator('li[data-seq]', { hasText: 'Hi Alice, hi Carol' })).toContainText('Bob Group');
  await expect(inbox(alice.page).getByRole('button', { name: /Trip planning/ })).toContainText('Carol Group: Hello from Carol');

  // Alice removes Carol from the group's info.
  await alice.page.getByRole('button', { name: 'Group info' }).click();
  const info = alice.page.getByRole('complementary', { name: 'Group info' });
  await expect(info.getByText('3 members', { exact: true })).toBeVisible();
  await info.getByLabel('Manage Carol Group').click();
  await alice.page.getByRole('menuitem', { name: 'Remove Carol Group' }).click();
  // Removing asks first.
  const confirm = alice.page.getByRole('dialog', { name: 'Remove Carol Group?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(info.getByText('2 members', { exact: true })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Close group info' }).click();
  await expect(log(alice.page).getByText('You removed Carol Group')).toBeVisible();

  // Carol sees it at once and can no longer write; Bob sees the system message.
  await expect(log(carol.page).getByText('Alice Group removed you')).toBeVisible();
  await expect(carol.page.getByText('You can’t send messages to this group because you’re no longer a member.')).toBeVisible();
  await expect(carol.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expect(log(bob.page).getByText('Alice Group removed Carol Group')).toBeVisible();

  // Nothing newer reaches Carol: Bob sees Alice's next message, then pings Carol directly; when the
  // ping has arrived, anything sent to her for the group before it would have too.
  await sendMessage(alice.page, 'Just us now');
  await expect(log(bob.page).getByText('Just us now')).toBeVisible();
  const ping = await bob.context.request.post('/api/trpc/conversations.openDirect', { data: { json: { username: carol.username } } });
  const direct = (await ping.json()).result.data.json.id as string;
  await bob.context.request.post('/api/trpc/messages.send', {
    data: { json: { conversationId: direct, clientId: crypto.randomUUID(), body: 'ping Carol' } },
  });
  await expect(inbox(carol.page).getByRole('button', { name: /Bob Group/ })).toContainText('ping Carol');
  await expect(log(carol.page).getByText('Just us now')).toHaveCount(0);
  await carol.page.reload();
  await expect(log(carol.page).getByText('Alice Group removed you')).toBeVisible();
  await expect(log(carol.page).getByText('Just us now')).toHaveCount(0);

  // Message info on Alice's first message: Bob has it open, so he has read it.
  const first = log(alice.page).locator('li[data-seq]', { hasText: 'Hi both!' });
  await first.hover();
  await first.getByRole('button', { name: 'Message menu' }).click();
  await alice.page.getByRole('menuitem', { name: 'Message info' }).click();
  const messageInfo = alice.page.getByRole('complementary', { name: 'Message info' });
  await expect(messageInfo.getByRole('region', { name: 'Read by' }).getByText('Bob Group')).toBeVisible();
  // Carol was removed: she is no longer counted among those it is for.
  await expect(messageInfo.getByText('Carol Group')).toHaveCount(0);
});
