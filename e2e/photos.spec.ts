// Profile and group photos: Alice picks a picture, places it in the round frame and sets it; Bob sees
// it in place of her initials, until she lets nobody see it. A group's admin sets the group's photo;
// its members see it and are told, and only admins may change it.
import sharp from 'sharp';
import { expectAccessible } from './fixtures/axe.ts';
import { expect, test, type Page } from './fixtures/test.ts';
import { mutate, openChatWith, registerThroughApi, sendMessage } from './fixtures/users.ts';

/** A picture whose left half is red and right half blue. */
const picture = async (width: number, height: number) => {
  const half = await sharp({ create: { width: width / 2, height, channels: 3, background: '#1d4ed8' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#dc2626' } }).composite([{ input: half, left: width / 2, top: 0 }]).jpeg().toBuffer();
};

const inbox = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });

/** The photo an avatar shows inside `scope`, loaded (its pixels are here). */
async function expectPhotoLoaded(scope: ReturnType<Page['locator']>) {
  const img = scope.locator('img[src^="/api/media/"]').first();
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
}

test('Alice sets a profile photo placed in the frame; Bob sees it instead of her initials until she lets nobody see it', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Photo');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Photo');
  await openChatWith(alice.page, bob);
  await sendMessage(alice.page, 'Hello with a face');

  const page = alice.page;
  await page.getByRole('button', { name: /Your profile/ }).click();
  await page.getByLabel('Choose a profile photo').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: await picture(800, 400) });
  const dialog = page.getByRole('dialog', { name: 'New profile photo' });
  const frame = dialog.getByRole('group', { name: 'Photo position' });
  await expect(frame.locator('img')).toBeVisible();
  await expectAccessible(page);
  // Zoomed in and moved to the right with the keys: the picture's blue half fills the circle.
  await dialog.getByRole('slider').fill('2');
  await frame.focus();
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
  await dialog.getByRole('button', { name: 'Set photo' }).click();
  await expect(dialog).toBeHidden();
  const drawer = page.getByRole('button', { name: 'Remove photo' }).locator('xpath=../..');
  await expectPhotoLoaded(drawer);
  const src = await drawer.locator('img').first().getAttribute('src');
  // What the server made: square, and from the right (blue) part of the picture.
  const made = await page.request.get(src!);
  const bytes = Buffer.from(await made.body());
  expect(await sharp(bytes).metadata()).toMatchObject({ width: 200, height: 200 });
  const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const middle = (100 * 200 + 100) * 3;
  expect(data[middle + 2]).toBeGreaterThan(150);
  expect(data[middle]).toBeLessThan(100);
  await page.keyboard.press('Escape');
  await expectPhotoLoaded(page.getByRole('button', { name: /Your profile/ }));

  // Bob, whose app was open all along: in his chat list and the chat's header.
  const row = inbox(bob.page).getByRole('button', { name: /Alice Photo/ });
  await expectPhotoLoaded(row);
  await row.click();
  await expectPhotoLoaded(bob.page.locator('header', { has: bob.page.getByRole('heading', { name: 'Alice Photo' }) }));
  await expectAccessible(bob.page);

  // Nobody may see it now: Bob gets her initials back at once, and the photo is not his to fetch.
  await page.getByText('Settings').click();
  await page.getByLabel('Who sees my profile photo').selectOption('nobody');
  await expect(page.getByLabel('Who sees my profile photo')).toHaveValue('nobody');
  await expect.poll(async () => (await bob.page.request.get(src!)).status()).toBe(404);
  await expect(inbox(bob.page).getByRole('button', { name: /Alice Photo/ })).toContainText('AP');
  await expect(inbox(bob.page).getByRole('button', { name: /Alice Photo/ }).locator('img')).toHaveCount(0);
});

test('a group admin sets the group photo; members see it and are told; a member may not change it', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Admin');
  const bob = await registerThroughApi(browser, 'bob', 'Bob Member');
  await mutate(alice, 'groups.create', { title: 'Photo club', usernames: [bob.username] });

  await inbox(alice.page).getByRole('button', { name: /Photo club/ }).click();
  await alice.page.getByRole('button', { name: 'Group info' }).click();
  const info = alice.page.getByRole('complementary', { name: 'Group info' });
  await info.getByLabel('Choose a group photo').setInputFiles({ name: 'club.jpg', mimeType: 'image/jpeg', buffer: await picture(400, 400) });
  const dialog = alice.page.getByRole('dialog', { name: 'New group photo' });
  await dialog.getByRole('button', { name: 'Set photo' }).click();
  await expect(dialog).toBeHidden();
  await expectPhotoLoaded(info);
  await expect(info.getByRole('button', { name: 'Remove photo' })).toBeVisible();

  // Bob is told in the chat, and the group shows its photo in his list.
  const row = inbox(bob.page).getByRole('button', { name: /Photo club/ });
  await expectPhotoLoaded(row);
  await row.click();
  await expect(bob.page.getByRole('log', { name: 'Messages' }).getByText('Alice Admin changed the group photo')).toBeVisible();
  await bob.page.getByRole('button', { name: 'Group info' }).click();
  const bobsInfo = bob.page.getByRole('complementary', { name: 'Group info' });
  await expectPhotoLoaded(bobsInfo);
  await expect(bobsInfo.getByRole('button', { name: /Change photo|Add photo/ })).toHaveCount(0);
  await expectAccessible(bob.page);

  // Removed: both get the group's silhouette back.
  await info.getByRole('button', { name: 'Remove photo' }).click();
  await expect(bob.page.getByRole('log', { name: 'Messages' }).getByText('Alice Admin removed the group photo')).toBeVisible();
  await expect(inbox(bob.page).getByRole('button', { name: /Photo club/ }).locator('img')).toHaveCount(0);
});
