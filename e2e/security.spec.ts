// Security headers: every page carries a Content-Security-Policy with a nonce of its own, nothing the
// app does breaks it, and every response says nosniff and no framing.
import { expect, test } from './fixtures/test.ts';
import { openChatWith, registerThroughApi, sendMessage, uniqueName } from './fixtures/users.ts';

const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];

test('pages have a CSP with a fresh nonce, and signing up, chatting and opening panels break none of it', async ({ browser }) => {
  const bob = await registerThroughApi(browser, 'bob', 'Bob Csp');
  const context = await browser.newContext();
  // Every violation the browser reports, from the first script on.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const consoleViolations: string[] = [];
  page.on('console', (m) => /content security policy/i.test(m.text()) && consoleViolations.push(m.text()));
  const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  const first = await page.goto('/register');
  const csp = first!.headers()['content-security-policy'];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  const again = await context.request.get('/register');
  expect(nonceOf(again.headers()['content-security-policy'])).not.toBe(nonceOf(csp));
  expect(first!.headers()).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' });
  expect((await context.request.get('/api/trpc/users.me')).headers()['x-content-type-options']).toBe('nosniff');

  // Sign up through the form, chat, open the panels whose code loads on demand.
  const username = uniqueName('alice');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill('Alice Csp');
  await page.getByLabel('Password').fill('correct horse 42');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await openChatWith(page, bob);
  await sendMessage(page, 'under a strict policy');
  await expect(page.getByRole('log', { name: 'Messages' }).getByText('under a strict policy')).toBeVisible();
  await page.getByRole('button', { name: 'Message menu' }).first().click();
  await page.getByRole('menuitem', { name: 'Message info' }).click();
  await expect(page.getByRole('complementary', { name: 'Message info' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Message info' })).toBeHidden();
  await page.getByRole('button', { name: 'New group' }).click();
  await expect(page.getByLabel('Group name')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();

  expect(await violations()).toEqual([]);
  expect(consoleViolations).toEqual([]);
});
