// Accounts: inline validation, taken usernames, wrong passwords, logging out and back in.
import { expect, test } from './fixtures/test.ts';
import { registerThroughUi } from './fixtures/users.ts';

test('registration shows field errors inline and refuses a taken username', async ({ browser, page }) => {
  const existing = await registerThroughUi(browser, 'taken', 'Taken Name');
  await page.goto('/register');
  await page.getByLabel('Username').fill('ab');
  await page.getByLabel('Display name').fill('Someone');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Username must be at least 3 characters')).toBeVisible();
  await expect(page.getByText('Password must be at least 8 characters')).toBeVisible();

  await page.getByLabel('Username').fill(existing.username);
  await page.getByLabel('Password').fill('a fine password 1');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('That username is taken')).toBeVisible();
  await expect(page).toHaveURL(/\/register$/);
});

test('a wrong password is refused; logging out and in again keeps the session working', async ({ browser, page }) => {
  const user = await registerThroughUi(browser, 'carol', 'Carol Login');
  await user.page.getByText('Settings').click();
  await user.page.getByRole('button', { name: 'Log out' }).click();
  await expect(user.page).toHaveURL(/\/login$/);
  await user.page.goto('/');
  await expect(user.page).toHaveURL(/\/login$/);

  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password' })).toBeVisible();

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await expect(page.getByText('@' + user.username)).toBeVisible();
});

test('after too many wrong passwords the login form says so, even for the right one', async ({ browser, page }) => {
  const user = await registerThroughUi(browser, 'dave', 'Dave Limited');
  for (let i = 0; i < 10; i++) {
    const { csrfToken } = await (await page.request.get('/api/auth/csrf')).json();
    await page.request.post('/api/auth/callback/credentials', {
      form: { csrfToken, username: user.username, password: 'wrong guess 1', json: 'true' },
    });
  }
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Too many failed attempts' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
