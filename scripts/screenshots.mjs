// Screenshots of every screen at phone and desktop widths, light and dark, for a person to look at.
// Usage: start a server (npm start), then: node scripts/screenshots.mjs [baseUrl]  -> screenshots/*.png
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://localhost:3000';
const out = 'screenshots';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const stamp = Date.now().toString(36);

async function user(name, display) {
  const context = await browser.newContext();
  const username = `${name}_${stamp}`;
  await context.request.post(`${base}/api/trpc/auth.register`, { data: { json: { username, displayName: display, password: 'screens 1234' } } });
  const { csrfToken } = await (await context.request.get(`${base}/api/auth/csrf`)).json();
  await context.request.post(`${base}/api/auth/callback/credentials`, { form: { csrfToken, username, password: 'screens 1234', json: 'true' } });
  const token = (await context.request.post(`${base}/api/trpc/auth.createToken`, { data: { json: { username, password: 'screens 1234' } } }).then((r) => r.json())).result.data.json.token;
  return { context, username, display, token };
}

const alice = await user('alice', 'Alice Liddell');
const bob = await user('bob', 'Bob Builder');
const carol = await user('carol', 'Carol Danvers');
const call = (u, path, json) => fetch(`${base}/api/trpc/${path}`, { method: 'POST', headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ json }) }).then((r) => r.json());
const query = (u, path, json) => fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json }))}`, { headers: { authorization: `Bearer ${u.token}` } }).then((r) => r.json());
const conv = (await call(alice, 'conversations.openDirect', { username: bob.username })).result.data.json;
const conv2 = (await call(alice, 'conversations.openDirect', { username: carol.username })).result.data.json;
const lines = ['Hey Bob! Are we still on for Saturday?', 'Yes! 10am at the usual place?', 'Perfect. I will bring the maps.\nAnd snacks.',
  'Here is the route: https://example.com/route/saturday', 'A very long word: Supercalifragilisticexpialidocious-and-then-some-more-characters-to-wrap-around', 'See you then 👋'];
const sent = [];
for (const [i, body] of lines.entries()) sent.push((await call(i % 2 ? bob : alice, 'messages.send', { conversationId: conv.id, clientId: crypto.randomUUID(), body })).result.data.json);
// Message actions: reactions, an edit, a reply, a deletion for everyone.
const change = (u, path, json) => call(u, path, { conversationId: conv.id, clientId: crypto.randomUUID(), ...json });
await change(bob, 'messages.react', { seq: sent[0].seq, emoji: '👍' });
await change(alice, 'messages.react', { seq: sent[1].seq, emoji: '❤️' });
await change(bob, 'messages.react', { seq: sent[2].seq, emoji: '😂' });
await change(alice, 'messages.react', { seq: sent[2].seq, emoji: '😂' });
await change(alice, 'messages.edit', { seq: sent[2].seq, body: 'Perfect. I will bring the maps.\nAnd snacks for everyone.' });
await call(bob, 'messages.send', { conversationId: conv.id, clientId: crypto.randomUUID(), body: 'Great, see you at 10!', replyToSeq: sent[1].seq });
const oops = (await call(bob, 'messages.send', { conversationId: conv.id, clientId: crypto.randomUUID(), body: 'Oops, wrong chat' })).result.data.json;
await change(bob, 'messages.delete', { seq: oops.seq });
await call(carol, 'messages.send', { conversationId: conv2.id, clientId: crypto.randomUUID(), body: 'Did you get my email?' });

// A group with a few people talking, and one Carol was removed from.
const group = (await call(alice, 'groups.create', { title: 'Saturday hike', description: 'Meet at 10 by the old bridge.', usernames: [bob.username, carol.username] })).result.data.json;
for (const [u, body] of [[alice, 'Who is bringing the maps?'], [bob, 'I will!'], [bob, 'And a flask of tea.'], [carol, 'I can drive two people.'], [alice, 'Perfect, thanks both']]) {
  await call(u, 'messages.send', { conversationId: group.id, clientId: crypto.randomUUID(), body });
}
const idOf = async (conversationId, u) => (await query(alice, 'conversations.members', { conversationId })).result.data.json.find((m) => m.username === u.username).id;
await call(alice, 'groups.setRole', { conversationId: group.id, userId: await idOf(group.id, bob), role: 'admin' });
const oldTeam = (await call(alice, 'groups.create', { title: 'Old team', usernames: [carol.username] })).result.data.json;
await call(carol, 'messages.send', { conversationId: oldTeam.id, clientId: crypto.randomUUID(), body: 'Bye all!' });
await call(alice, 'groups.removeMember', { conversationId: oldTeam.id, userId: await idOf(oldTeam.id, carol) });
await call(alice, 'conversations.mute', { conversationId: conv2.id, duration: '8h' });
// A chat with news Alice has not read: it opens at an "unread messages" divider.
const dave = await user('dave', 'Dave Unread');
const conv3 = (await call(dave, 'conversations.openDirect', { username: alice.username })).result.data.json;
for (const body of ['Morning!', 'Did you see the forecast?', 'Rain all Saturday, it says', 'Shall we move the hike?']) {
  await call(dave, 'messages.send', { conversationId: conv3.id, clientId: crypto.randomUUID(), body });
}

for (const scheme of ['light', 'dark']) {
  for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]]) {
    const anon = await browser.newContext({ colorScheme: scheme, viewport });
    const p = await anon.newPage();
    await p.goto(`${base}/login`);
    await p.screenshot({ path: `${out}/login-${label}-${scheme}.png` });
    await p.goto(`${base}/register`);
    await p.getByRole('button', { name: 'Create account' }).click();
    await p.screenshot({ path: `${out}/register-errors-${label}-${scheme}.png` });
    await anon.close();

    const page = await alice.context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(viewport);
    await page.goto(`${base}/`);
    await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button').first().waitFor();
    await page.screenshot({ path: `${out}/inbox-${label}-${scheme}.png` });
    await page.goto(`${base}/c/${conv.id}`);
    await page.getByRole('log', { name: 'Messages' }).getByText('See you then').waitFor();
    await page.screenshot({ path: `${out}/conversation-${label}-${scheme}.png` });
    // Bob opens the app (online) and types: the header shows it.
    const bobPage = await bob.context.newPage();
    await bobPage.goto(`${base}/c/${conv.id}`);
    await page.getByRole('main').getByText('online').waitFor();
    await page.screenshot({ path: `${out}/conversation-online-${label}-${scheme}.png` });
    await bobPage.getByRole('textbox', { name: 'Message' }).pressSequentially('typing');
    await page.getByRole('main').getByText('is typing').waitFor();
    await page.screenshot({ path: `${out}/conversation-typing-${label}-${scheme}.png` });
    await bobPage.close();
    if (scheme === 'light' && label === 'phone') {
      // Once: opening reads what comes on screen.
      await page.goto(`${base}/c/${conv3.id}`);
      await page.getByRole('log', { name: 'Messages' }).getByText('unread messages').waitFor();
      await page.screenshot({ path: `${out}/conversation-unread-${label}-${scheme}.png` });
    }
    await page.goto(`${base}/c/${group.id}`);
    await page.getByRole('log', { name: 'Messages' }).getByText('Perfect, thanks both').waitFor();
    await page.screenshot({ path: `${out}/group-${label}-${scheme}.png` });
    await page.getByRole('button', { name: 'Group info' }).click();
    await page.getByRole('complementary', { name: 'Group info' }).getByText('Bob Builder', { exact: true }).waitFor();
    await page.screenshot({ path: `${out}/group-info-${label}-${scheme}.png` });
    await page.getByRole('button', { name: 'Close group info' }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText('Perfect, thanks both').hover();
    await page.getByRole('button', { name: 'Message menu' }).last().click();
    await page.getByRole('menuitem', { name: 'Message info' }).click();
    await page.getByRole('complementary', { name: 'Message info' }).getByText('Read by').waitFor();
    await page.screenshot({ path: `${out}/message-info-${label}-${scheme}.png` });
    const carolPage = await carol.context.newPage();
    await carolPage.emulateMedia({ colorScheme: scheme });
    await carolPage.setViewportSize(viewport);
    await carolPage.goto(`${base}/c/${oldTeam.id}`);
    await carolPage.getByText('Alice Liddell removed you').waitFor();
    await carolPage.screenshot({ path: `${out}/group-removed-${label}-${scheme}.png` });
    await carolPage.close();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'New group' }).click();
    await page.getByLabel('Group name').fill('Book club');
    await page.getByRole('searchbox').fill('a');
    await page.getByRole('list', { name: 'People found' }).getByRole('checkbox').first().click();
    await page.screenshot({ path: `${out}/new-group-${label}-${scheme}.png` });
    await page.goto(`${base}/`);
    await page.getByText('Settings').click();
    await page.screenshot({ path: `${out}/settings-${label}-${scheme}.png` });
    await page.getByText('Settings').click();
    await page.getByRole('searchbox').fill('a');
    await page.getByRole('region', { name: 'People' }).getByRole('button').first().waitFor().catch(() => {});
    await page.screenshot({ path: `${out}/search-${label}-${scheme}.png` });
    // Messages found from the chat list, and within one chat.
    await page.getByRole('searchbox').fill('maps');
    await page.getByRole('region', { name: 'Messages' }).getByRole('button').first().waitFor();
    await page.screenshot({ path: `${out}/search-messages-${label}-${scheme}.png` });
    await page.getByRole('searchbox').fill('');
    await page.goto(`${base}/c/${group.id}`);
    await page.getByRole('button', { name: 'Search messages' }).click();
    const searchPanel = page.getByRole('complementary', { name: 'Search messages' });
    await searchPanel.getByRole('searchbox').fill('tea');
    await searchPanel.getByRole('button', { name: /Bob Builder/ }).waitFor();
    await page.screenshot({ path: `${out}/search-chat-${label}-${scheme}.png` });
    // The message menu, the edit dialog, deleting for everyone, who reacted, and a reply being written.
    await page.goto(`${base}/c/${conv.id}`);
    const bubbleOf = (text) => page.getByRole('log', { name: 'Messages' }).locator('li[data-seq]', { hasText: text });
    await bubbleOf('Perfect. I will').hover();
    await bubbleOf('Perfect. I will').getByRole('button', { name: 'Message menu' }).click();
    await page.getByRole('menu', { name: 'Message actions' }).waitFor();
    await page.screenshot({ path: `${out}/message-menu-${label}-${scheme}.png` });
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByRole('dialog', { name: 'Edit message' }).waitFor();
    await page.screenshot({ path: `${out}/message-edit-${label}-${scheme}.png` });
    await page.keyboard.press('Escape');
    await bubbleOf('Perfect. I will').hover();
    await bubbleOf('Perfect. I will').getByRole('button', { name: 'Message menu' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete message?' }).waitFor();
    await page.screenshot({ path: `${out}/message-delete-${label}-${scheme}.png` });
    await page.keyboard.press('Escape');
    await bubbleOf('Perfect. I will').getByRole('button', { name: /^Reactions/ }).click();
    await page.getByRole('dialog', { name: 'Who reacted' }).waitFor();
    await page.screenshot({ path: `${out}/message-reactions-${label}-${scheme}.png` });
    await page.keyboard.press('Escape');
    await bubbleOf('Yes! 10am').first().hover();
    await bubbleOf('Yes! 10am').first().getByRole('button', { name: 'Message menu' }).click();
    await page.getByRole('menuitem', { name: 'Reply' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Can we make it 10:30?');
    await page.screenshot({ path: `${out}/message-reply-${label}-${scheme}.png` });
    await page.getByRole('button', { name: 'Emoji', exact: true }).click();
    await page.getByRole('dialog', { name: 'Emoji' }).getByRole('combobox', { name: 'Search' }).waitFor();
    await page.getByRole('dialog', { name: 'Emoji' }).getByRole('tab').first().waitFor();
    await page.screenshot({ path: `${out}/emoji-picker-${label}-${scheme}.png` });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Cancel reply' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('');
    // The chat list's menu, and a chat opened at its unread messages.
    await page.goto(`${base}/`);
    const carolRow = page.getByRole('navigation', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: 'Did you get my email' });
    await carolRow.hover();
    await carolRow.getByRole('button', { name: 'Chat menu' }).click();
    await page.getByRole('menu', { name: 'Chat actions' }).waitFor();
    await page.screenshot({ path: `${out}/chat-menu-${label}-${scheme}.png` });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Unread', exact: true }).click();
    await page.screenshot({ path: `${out}/chat-filter-unread-${label}-${scheme}.png` });
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.goto(`${base}/c/${conv.id}`);
    await page.getByLabel('Mute notifications').click();
    await page.getByRole('menuitem', { name: 'For 8 hours' }).waitFor();
    await page.screenshot({ path: `${out}/mute-menu-${label}-${scheme}.png` });
    // The app shell offline, from the service worker, with the inbox as last seen.
    await page.goto(`${base}/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.context().setOffline(true);
    await page.reload();
    await page.getByText('You are offline').waitFor();
    await page.screenshot({ path: `${out}/offline-${label}-${scheme}.png` });
    await page.context().setOffline(false);
    await page.close();
  }
}
await browser.close();
console.log(`screenshots in ${out}/`);
