// The fold of changes into messages, shared by history pages and clients, and what counts as one emoji.
import { describe, expect, test } from 'vitest';
import { applyChanges, withReaction } from './message-changes.ts';
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
