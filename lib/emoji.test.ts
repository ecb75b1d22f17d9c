// What counts as an emoji: one for a reaction, one to three for a message shown large.
import { expect, test } from 'vitest';
import { isEmojiOnly, isOneEmoji } from './emoji.ts';

test('isOneEmoji: one emoji as people see it, and nothing else', () => {
  for (const yes of ['👍', '❤️', '👍🏽', '🇫🇷', '👨‍👩‍👧', '1️⃣', '🏳️‍🌈']) expect(isOneEmoji(yes), yes).toBe(true);
  for (const no of ['', 'a', '1', '#', '👍👍', '👍 ', ' 👍', '🇫', 'ok👍', '\u200d']) expect(isOneEmoji(no), JSON.stringify(no)).toBe(false);
});

test('isEmojiOnly: one to three emoji and nothing else', () => {
  for (const yes of ['👍', '😂😂', '🇫🇷 ❤️ 👨‍👩‍👧']) expect(isEmojiOnly(yes), yes).toBe(true);
  for (const no of ['', 'hi 👍', '👍👍👍👍', '123', '#', ':)']) expect(isEmojiOnly(no), no).toBe(false);
});
