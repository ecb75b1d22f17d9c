// Emoji as people see them: a flag, a family, a skin tone or a keycap counts as one.
import { lazily } from './lazily.ts';

const EMOJI_PARTS = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component})+$/u;
const EMOJI_BASE = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20E3/u;
const graphemes = lazily(() => (typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null));

/**
 * How many emoji `text` is, when it is nothing but emoji (whitespace between them aside), counting no
 * further than `max` + 1; 0 when it holds anything else (digits, # and * alone are no emoji).
 */
export function emojiCount(text: string, max: number): number {
  const compact = text.replace(/\s+/g, '');
  if (!compact || !EMOJI_PARTS.test(compact)) return 0;
  let count = 0;
  for (const { segment } of graphemes()?.segment(compact) ?? [{ segment: compact }]) {
    if (!EMOJI_BASE.test(segment)) return 0;
    if (++count > max) break;
  }
  return count;
}

/** One emoji and nothing else, not even whitespace (a reaction). */
export function isOneEmoji(text: string): boolean {
  return text.trim() === text && emojiCount(text, 1) === 1;
}

/** Nothing but one to three emoji: the message is shown large, as WhatsApp does. */
export function isEmojiOnly(text: string): boolean {
  const n = emojiCount(text, 3);
  return n >= 1 && n <= 3;
}
