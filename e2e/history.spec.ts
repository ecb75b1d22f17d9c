// History: pages of 50 by sequence loaded as you scroll up, in order, once each, without jumping.
import { expect, test } from './fixtures/test.ts';
import { messageTexts, registerThroughApi } from './fixtures/users.ts';

test('scrolling up loads earlier pages in order, without duplicates or jumps', async ({ browser }) => {
  test.setTimeout(90_000); // 120 sends one after another first: on a loaded machine they alone took most of a minute
  const alice = await registerThroughApi(browser, 'alice', 'Alice History');
  const bob = await registerThroughApi(browser, 'bob', 'Bob History');
  const opened = await alice.context.request.post('/api/trpc/conversations.openDirect', { data: { json: { username: bob.username } } });
  const conversationId = (await opened.json()).result.data.json.id as string;
  for (let i = 1; i <= 120; i++) {
    const res = await alice.context.request.post('/api/trpc/messages.send', {
      data: { json: { conversationId, clientId: crypto.randomUUID(), body: `message ${i}` } },
    });
    expect(res.ok()).toBe(true);
  }

  // Read elsewhere already: the chat opens at its newest message (unread ones open at the first of them: reading.spec.ts).
  const read = await bob.context.request.post('/api/trpc/receipts.ack', { data: { json: { receipts: [{ conversationId, readSeq: 120 }] } } });
  expect(read.ok()).toBe(true);
  await bob.page.goto(`/c/${conversationId}`);
  const log = bob.page.getByRole('log', { name: 'Messages' });
  await expect(log.getByText('message 120', { exact: true })).toBeInViewport();
  expect(await messageTexts(bob.page)).toHaveLength(50); // the newest page only

  // Scroll to the top: the page before loads above, and what was on screen stays where it was.
  const anchor = log.getByText('message 71', { exact: true });
  await log.evaluate((el) => (el.scrollTop = 0));
  await expect(log.getByText('message 21', { exact: true })).toBeAttached();
  await expect(anchor).toBeInViewport();

  await log.evaluate((el) => (el.scrollTop = 0));
  await expect(log.getByText('message 1', { exact: true })).toBeAttached();
  await expect(log.getByText('This is the beginning of your conversation.')).toBeAttached();

  const texts = (await messageTexts(bob.page)).map((t) => t.trim());
  expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `message ${i + 1}`));
  await expect(log.getByRole('listitem').filter({ hasText: /^Today$/ })).toHaveCount(1);
});
