// The fold of changes into messages, shared by history pages and clients, and what counts as one emoji.
import { describe, expect, test } from 'vitest';
import { applyChanges, hiddenForMe, withReaction } from './message-changes.ts';
import { MessageStore } from './sync/message-store.ts';
import type { Message, MessageChange } from './schemas.ts';

const text = (seq: number, body = `m${seq}`): Message => ({
  id: String(seq), conversationId: 'c', seq, senderId: 'a', clientId: `k${seq}`, body, kind: 'text', event: null, createdAt: new Date(seq * 1000),
});
const change = (seq: number, event: MessageChange, senderId = 'b', body = ''): Message => ({ ...text(seq, body), senderId, kind: 'change', event });

describe('applyChanges', () => {
  test('edits, reactions and a deletion apply in seq order, whatever order they are given in', () => {
    const changes = [
      change(5, { type: 'message.edited', targetSeq: 1 }, 'a', 'second edit'),
      change(2, { type: 'message.edited', targetSeq: 1 }, 'a', 'first edit'),
      change(3, { type: 'reaction.set', targetSeq: 1, emoji: '👍' }, 'b'),
      change(4, { type: 'reaction.set', targetSeq: 1, emoji: '👍' }, 'c'),
      change(6, { type: 'reaction.set', targetSeq: 1, emoji: null }, 'b'),
    ];
    const [shown] = applyChanges([text(1), ...changes], changes);
    expect(shown).toMatchObject({ body: 'second edit', edited: true, reactions: [{ emoji: '👍', userIds: ['c'] }], changedSeq: 6 });
    const deleted = applyChanges([text(1)], [...changes, change(7, { type: 'message.deleted', targetSeq: 1 }, 'a')])[0];
    expect(deleted).toEqual({ ...text(1, ''), deleted: true, changedSeq: 7 });
  });

  test('a change already folded into a message (at or below its changedSeq) is not applied again', () => {
    const page = { ...text(1, 'newer'), edited: true as const, changedSeq: 5 };
    const late = change(3, { type: 'message.edited', targetSeq: 1 }, 'a', 'older');
    expect(applyChanges([page], [late])[0]).toBe(page);
  });

  test('changes are not shown, and a change of a message not held changes nothing', () => {
    const orphan = change(9, { type: 'reaction.set', targetSeq: 8, emoji: '😂' });
    expect(applyChanges([text(1), orphan], [orphan])).toEqual([text(1)]);
  });
});

test('withReaction keeps one reaction per person and drops emptied emoji', () => {
  const start = withReaction(withReaction([], 'a', '👍'), 'b', '👍');
  expect(withReaction(start, 'a', '❤️')).toEqual([{ emoji: '👍', userIds: ['b'] }, { emoji: '❤️', userIds: ['a'] }]);
  expect(withReaction(withReaction(start, 'a', null), 'b', null)).toEqual([]);
  expect(start).toEqual([{ emoji: '👍', userIds: ['a', 'b'] }]);
});

describe('deleted for me', () => {
  test('a hidden message keeps its seq and nothing it said; later changes leave it hidden', () => {
    const quoted = { ...text(1, 'quoted'), reactions: [{ emoji: '👍', userIds: ['b'] }], edited: true as const, changedSeq: 2 };
    const hidden = hiddenForMe(quoted);
    expect(hidden).toEqual({ ...text(1, ''), changedSeq: 2, hidden: true });
    const later = applyChanges([hidden], [change(3, { type: 'message.edited', targetSeq: 1 }, 'a', 'edited again')])[0];
    expect(later).toEqual({ ...hidden, changedSeq: 3 });
  });

  test('the store holds it (the sequence stays whole) but does not show it; a reply still quotes it as written', () => {
    const store = new MessageStore();
    const reply = { ...text(3, 'a reply'), replyTo: { seq: 1, senderId: 'a', body: 'quoted' } };
    store.addMessages('c', [text(1, 'quoted'), text(2), reply], { hasMoreBefore: false });
    store.hide('c', [1]);
    expect(store.get('c').messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(store.get('c').messages[1].replyTo).toEqual({ seq: 1, senderId: 'a', body: 'quoted' });
    expect(store.has('c', 1)).toBe(true);
    expect(store.contiguousTop('c')).toBe(3);
    // The server's stub, or the message itself again (a live event sent twice): still hidden.
    store.addMessages('c', [hiddenForMe(text(1, 'quoted'))]);
    store.addMessages('c', [text(1, 'quoted')]);
    expect(store.get('c').messages.map((m) => m.seq)).toEqual([2, 3]);
  });
});
