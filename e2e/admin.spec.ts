// Administration as an operator uses it: made admin from the command line, the admin page closes
// registration to invite links, an invite opens one account, and a disabled account is signed out.
import { spawnSync } from 'node:child_process';
import { expectAccessible } from './fixtures/axe.ts';
import { expect, test } from './fixtures/test.ts';
import { registerThroughApi, uniqueName } from './fixtures/users.ts';
import { e2eDatabaseUrl } from '../scripts/e2e-database.mjs';

/** `npm run admin -- …` against the tests' server's database: its output. */
function adminCli(...args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/admin/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl() },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

test('an admin made on the command line lets people in by invite only, and disables an account, which is signed out at once', async ({ browser }) => {
  const alice = await registerThroughApi(browser, 'alice', 'Alice Admin');
  expect(adminCli('make-admin', alice.username)).toContain('admin');
  const page = alice.page;
  try {
    await page.reload();
    await page.getByText('Settings').click();
    await page.getByRole('button', { name: 'Administration' }).click();
    await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
    const server = page.getByRole('region', { name: 'This server' });
    await expect(server).toContainText(/live connections?/);

    // Registration by invite link only: one that opens one account.
    await page.getByLabel('Who can create an account').selectOption('invite');
    const invites = page.getByRole('region', { name: 'Invite links' });
    await invites.getByLabel('Opens').selectOption({ label: 'One account' });
    await invites.getByRole('button', { name: 'Create link' }).click();
    const link = await invites.getByRole('textbox', { name: 'New invite link' }).inputValue();
    expect(link).toMatch(/\/register\?invite=[\w-]+$/);
    await expectAccessible(page);

    // Without it the registration page says how things are; with it, Carol gets an account.
    const visitor = await browser.newContext();
    const carolPage = await visitor.newPage();
    await carolPage.goto('/register');
    await expect(carolPage.getByRole('status')).toContainText('takes new accounts by invitation');
    await carolPage.goto(new URL(link).pathname + new URL(link).search);
    await expect(carolPage.getByText('You were invited to this server.')).toBeVisible();
    const carol = uniqueName('carol');
    await carolPage.getByLabel('Username').fill(carol);
    await carolPage.getByLabel('Display name').fill('Carol Invited');
    await carolPage.getByLabel('Password').fill('correct horse 42');
    await carolPage.getByRole('button', { name: 'Create account' }).click();
    await expect(carolPage.getByRole('navigation', { name: 'Conversations' })).toBeVisible();

    // The link is used up: the next person is told.
    const late = await (await browser.newContext()).newPage();
    await late.goto(new URL(link).pathname + new URL(link).search);
    await late.getByLabel('Username').fill(uniqueName('dave'));
    await late.getByLabel('Display name').fill('Dave Late');
    await late.getByLabel('Password').fill('correct horse 42');
    await late.getByRole('button', { name: 'Create account' }).click();
    await expect(late.getByRole('alert').filter({ hasText: 'This invite link does not work any more' })).toBeVisible();
    await page.reload();
    await page.getByText('Settings').click();
    await page.getByRole('button', { name: 'Administration' }).click();
    await expect(page.getByRole('list', { name: 'Invite links' }).getByRole('listitem').first()).toContainText('1 of 1 account opened');

    // Alice disables Carol: asked first; Carol's open app leaves for the login page within seconds,
    // and signing in again says why it fails.
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill(carol);
    await page.getByRole('button', { name: 'Disable Carol Invited' }).click();
    await page.getByRole('dialog', { name: 'Disable Carol Invited?' }).getByRole('button', { name: 'Disable' }).click();
    await expect(page.getByRole('list', { name: 'Accounts' })).toContainText('Disabled');
    await expect(carolPage).toHaveURL(/\/login/, { timeout: 15_000 });
    await carolPage.getByLabel('Username').fill(carol);
    await carolPage.getByLabel('Password').fill('correct horse 42');
    await carolPage.getByRole('button', { name: 'Log in' }).click();
    await expect(carolPage.getByRole('alert').filter({ hasText: 'This account is disabled' })).toBeVisible();
    await page.getByRole('button', { name: 'Enable Carol Invited' }).click();
    await expect(page.getByRole('list', { name: 'Accounts' })).not.toContainText('Disabled');

    // Carol forgot her password: Alice makes her a reset link, Carol chooses a new one through it.
    await page.getByRole('button', { name: 'Password reset link for Carol Invited' }).click();
    const reset = await page.getByRole('textbox', { name: 'Password reset link for Carol Invited' }).inputValue();
    expect(reset).toMatch(/\/reset\/[\w-]+$/);
    await carolPage.goto(new URL(reset).pathname);
    await expect(carolPage.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await expectAccessible(carolPage);
    await carolPage.getByLabel('New password').fill('password1');
    await carolPage.getByRole('button', { name: 'Set password' }).click();
    await expect(carolPage.getByLabel('New password')).toBeFocused();
    await carolPage.getByLabel('New password').fill('a fresh start for carol 9');
    await carolPage.getByRole('button', { name: 'Set password' }).click();
    await expect(carolPage.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
    // The link worked once.
    await late.goto(new URL(reset).pathname);
    await expect(late.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
  } finally {
    // The other tests register freely.
    adminCli('registration', 'open');
  }
  expect(adminCli('status')).toContain('registration: open');
});
