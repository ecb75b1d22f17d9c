// Sessions that end: logging out another device from Devices and security, a logout that ends the
// cookie on the server too, a password change, and access tokens made, used and revoked.
import { expect, test, type Browser, type BrowserContext, type Page } from './fixtures/test.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { registerThroughUi, type TestUser } from './fixtures/users.ts';

/** The user signed in on another device too (a browser context of its own), through the login form. */
async function signedInElsewhere(browser: Browser, user: TestUser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  return { context, page };
}

async function openSecurity(page: Page): Promise<void> {
  await page.getByText('Settings').click();
  await page.getByRole('button', { name: 'Devices and security' }).click();
  await expect(page.getByRole('heading', { name: 'Devices and security' })).toBeVisible();
}

const devices = (page: Page) => page.getByRole('list', { name: 'Signed-in devices' }).getByRole('listitem');

test('a device logged out from another one leaves the app within seconds, and its cookie is dead', async ({ browser }) => {
  const user = await registerThroughUi(browser, 'dev', 'Devon Devices');
  const { context: phone, page: phonePage } = await signedInElsewhere(browser, user);

  await openSecurity(user.page);
  await expect(devices(user.page)).toHaveCount(2);
  await expect(devices(user.page).filter({ hasText: 'This device' })).toHaveCount(1);
  // Named by their user agent (Playwright's desktop Chrome says Windows).
  await expect(devices(user.page).filter({ hasText: /^Chrome on (Windows|Linux)/ })).toHaveCount(2);
  await expectAccessible(user.page);

  await user.page.getByRole('button', { name: 'Log out all other devices' }).click();
  await expect(devices(user.page)).toHaveCount(1);
  // The phone's open socket is closed by the server and the page goes to the login, saying why.
  await expect(phonePage).toHaveURL(/\/login\?ended=1$/);
  await expect(phonePage.getByRole('status').filter({ hasText: 'You were logged out' })).toBeVisible();
  expect((await phone.request.get('/api/trpc/conversations.list')).status()).toBe(401);
  // This device goes on.
  expect((await user.context.request.get('/api/trpc/conversations.list')).status()).toBe(200);
  await phone.close();
});

test('logging out ends the session on the server: a copy of its cookie opens nothing', async ({ browser }) => {
  const user = await registerThroughUi(browser, 'out', 'Olive Logout');
  const copied = await user.context.cookies();
  await user.page.getByText('Settings').click();
  await user.page.getByRole('button', { name: 'Log out' }).click();
  await expect(user.page).toHaveURL(/\/login$/);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  expect((await thief.request.get('/api/trpc/conversations.list')).status()).toBe(401);
  const page = await thief.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await thief.close();
});

test('changing the password refuses a weak one with the reason, then logs out the other devices', async ({ browser }) => {
  const user = await registerThroughUi(browser, 'pw', 'Pat Password');
  const { context: laptop, page: laptopPage } = await signedInElsewhere(browser, user);
  await openSecurity(user.page);
  const form = user.page.getByRole('region', { name: 'Password' });

  await form.getByLabel('Current password').fill(user.password);
  await form.getByLabel('New password').fill('password1');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText(/commonly used password/)).toBeVisible();

  await form.getByLabel('New password').fill('quiet lanterns drift 7');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toHaveText('Password changed. 1 other session was logged out.');
  await expect(laptopPage).toHaveURL(/\/login\?ended=1$/);
  await laptop.close();
});

test('an access token is shown once, works as a bearer token, and stops working when revoked', async ({ browser }) => {
  const user = await registerThroughUi(browser, 'tok', 'Toby Tokens');
  await openSecurity(user.page);
  const tokens = user.page.getByRole('region', { name: 'Access tokens' });
  await expect(tokens.getByText('No tokens yet.')).toBeVisible();
  await tokens.getByLabel('New token').fill('deploy bot');
  await tokens.getByRole('button', { name: 'Create' }).click();
  const token = await tokens.getByLabel('New access token').inputValue();
  expect(token).toMatch(/^parley_pat_/);

  const api = await browser.newContext(); // no cookie: only the token
  const me = () => api.request.get('/api/trpc/users.me', { headers: { authorization: `Bearer ${token}` } });
  expect(await (await me()).json()).toMatchObject({ result: { data: { json: { username: user.username } } } });

  await tokens.getByRole('button', { name: 'Done' }).click();
  await expect(tokens.getByLabel('New access token')).toHaveCount(0);
  await expect(tokens.getByRole('listitem').filter({ hasText: 'deploy bot' })).toBeVisible();
  await tokens.getByRole('button', { name: 'Revoke deploy bot' }).click();
  await expect(tokens.getByText('No tokens yet.')).toBeVisible();
  expect((await me()).status()).toBe(401);
  await api.close();
});
