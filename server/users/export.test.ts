// "Export my data" over HTTP: what the caller may read and nothing else, changes folded, in JSON or
// as an HTML page with every text escaped.
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { issueSessionToken } from '../auth/session.ts';
import { getDb } from '../db/client.ts';
import { serverForTests } from '../test/http-server.ts';
import { createUser, send } from '../test/helpers.ts';

const served = serverForTests();
const base = () => `http://${served.host()}`;

interface Export {
  profile: { username: string; displayName: string; about: string };
  contacts: { username: string }[];
  blocked: { username: string }[];
  chats: { id: string; kind: string; title: string; member: boolean; messages: { seq: number; from: string; kind: string; text: string; edited?: true; deleted?: true; reactions?: unknown }[] }[];
}

async function exportOf(user: { id: string; username: string; displayName: string }, format = 'json') {
  const token = await issueSessionToken(user);
  return fetch(`${base()}/api/export${format === 'html' ? '?format=html' : ''}`, { headers: { authorization: `Bearer ${token}` } });
}

describe('GET /api/export', () => {
  test("holds the caller's profile, contacts, blocks and every chat with what they may read, changes folded", async () => {
    const alice = await createUser('exa');
    const bob = await createUser('exb');
    const carol = await createUser('exc');
    await alice.caller.users.updateProfile({ about: 'exporting' });
    await alice.caller.contacts.add({ username: bob.username });
    await alice.caller.contacts.block({ userId: carol.id });
    const chat = await alice.caller.conversations.openDirect({ username: bob.username });
    const first = await send(alice, chat.id, 'first version');
    await alice.caller.messages.edit({ conversationId: chat.id, seq: first.seq, clientId: randomUUID(), body: 'second version' });
    const gone = await send(bob, chat.id, 'deleted for everyone');
    await bob.caller.messages.delete({ conversationId: chat.id, seq: gone.seq, clientId: randomUUID() });
    const mine = await send(bob, chat.id, 'deleted for me');
    await alice.caller.messages.hide({ conversationId: chat.id, seqs: [mine.seq] });
    await bob.caller.messages.react({ conversationId: chat.id, seq: first.seq, clientId: randomUUID(), emoji: '👍' });
    const group = await bob.caller.groups.create({ title: 'Left group', usernames: [alice.username] });
    await send(bob, group.id, 'while Alice was there');
    await alice.caller.groups.leave({ conversationId: group.id });
    await send(bob, group.id, 'after Alice left');

    const response = await exportOf(alice);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="parley-${alice.username}-\\d{4}-\\d\\d-\\d\\d\\.json"`));
    const data = (await response.json()) as Export;
    expect(data.profile).toMatchObject({ username: alice.username, about: 'exporting' });
    expect(data.contacts.map((u) => u.username)).toEqual([bob.username]);
    expect(data.blocked.map((u) => u.username)).toEqual([carol.username]);
    const direct = data.chats.find((c) => c.id === chat.id)!;
    expect(direct.messages.map((m) => [m.from, m.text, m.edited ?? false, m.deleted ?? false])).toEqual([
      [alice.displayName, 'second version', true, false],
      [bob.displayName, '', false, true],
    ]);
    expect(direct.messages[0].reactions).toEqual([{ emoji: '👍', from: [bob.displayName] }]);
    const left = data.chats.find((c) => c.id === group.id)!;
    expect(left.member).toBe(false);
    const texts = left.messages.map((m) => m.text);
    expect(texts).toContain('while Alice was there');
    expect(texts).not.toContain('after Alice left');
    expect(texts.at(-1)).toBe(`${alice.displayName} left`);

    // Bob's export holds his side and nothing of chats he is not in.
    const his = (await (await exportOf(bob)).json()) as Export;
    expect(his.chats.find((c) => c.id === chat.id)!.messages.map((m) => m.text)).toEqual(['second version', '', 'deleted for me']);
    expect((await (await exportOf(carol)).json()) as Export).toMatchObject({ chats: [] });
  });

  test('as a page to read: every text escaped', async () => {
    const alice = await createUser('exh');
    const bob = await createUser('exi');
    const chat = await alice.caller.conversations.openDirect({ username: bob.username });
    await send(bob, chat.id, '<script>alert(1)</script> & more');
    const response = await exportOf(alice, 'html');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; more');
    expect(page).not.toContain('<script>');
    expect(page).toContain(`<h2>${bob.displayName}</h2>`);
  });

  test('a photo or file says what it is and where to fetch it; a place, where it is', async () => {
    const alice = await createUser('exm');
    const bob = await createUser('exn');
    const chat = await alice.caller.conversations.openDirect({ username: bob.username });
    const media = await getDb().media.create({
      data: {
        id: randomUUID(), ownerId: alice.id, uploadId: randomUUID().replaceAll('-', ''), sourceSha256: new Uint8Array(32), sha256: new Uint8Array(32),
        kind: 'file', mime: 'application/pdf', name: 'minutes.pdf', size: 1234n,
      },
    });
    await alice.caller.messages.send({ conversationId: chat.id, clientId: randomUUID(), body: 'the minutes', mediaId: media.id });
    await alice.caller.messages.send({ conversationId: chat.id, clientId: randomUUID(), body: '', location: { latitude: 1.5, longitude: -2.25, label: 'Dock <3>' } });
    const data = (await (await exportOf(bob)).json()) as { chats: { messages: { text: string; media?: unknown; location?: unknown }[] }[] };
    expect(data.chats[0].messages).toMatchObject([
      { text: 'the minutes', media: { kind: 'file', name: 'minutes.pdf', type: 'application/pdf', bytes: 1234, url: expect.stringMatching(new RegExp(`/api/media/${media.id}$`)) } },
      { text: '', location: { latitude: 1.5, longitude: -2.25, label: 'Dock <3>' } },
    ]);
    const page = await (await exportOf(bob, 'html')).text();
    expect(page).toContain(`/api/media/${media.id}">📄 minutes.pdf</a> the minutes`);
    expect(page).toContain('>📍 Dock &#60;3&#62;</a>');
  });

  test('needs a signed-in caller', async () => {
    expect((await fetch(`${base()}/api/export`)).status).toBe(401);
    expect((await fetch(`${base()}/api/export`, { headers: { authorization: 'Bearer nonsense' } })).status).toBe(401);
  });
});
