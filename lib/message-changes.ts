// How edits, deletions for everyone and reactions change a message: one fold, used by the server for
// history pages and by clients for the changes they receive live.
import { QUOTE_LENGTH } from './limits.ts';
import type { Message, MessageChange, Quote, Reaction, UserId } from './schemas.ts';
import { messagePreview } from './media.ts';

export type ChangeMessage = Message & { kind: 'change'; event: MessageChange };

export function isChange(message: Message): message is ChangeMessage {
  return message.kind === 'change';
}

/** The reactions after `userId` chose `emoji` (null: took theirs back): one per person, newest emoji last. */
export function withReaction(reactions: readonly Reaction[], userId: UserId, emoji: string | null): Reaction[] {
  const next = reactions.map((r) => ({ emoji: r.emoji, userIds: r.userIds.filter((u) => u !== userId) })).filter((r) => r.userIds.length > 0);
  if (emoji === null) return next;
  const existing = next.find((r) => r.emoji === emoji);
  if (existing) existing.userIds.push(userId);
  else next.push({ emoji, userIds: [userId] });
  return next;
}

/** The emoji `userId` reacted to this message with, if any. */
export function reactionOf(message: Message, userId: UserId): string | null {
  return message.reactions?.find((r) => r.userIds.includes(userId))?.emoji ?? null;
}

/**
 * One change applied to the message it names. A change at or below the message's changedSeq is in
 * its state already and changes nothing, so applying a change twice, or to a state that a history
 * page folded it into, is harmless. Changes to one message must come in seq order.
 */
export function applyChange(target: Message, change: ChangeMessage): Message {
  const c = change.event;
  if (target.seq !== c.targetSeq || change.seq <= (target.changedSeq ?? 0)) return target;
  // Hidden for the caller: later changes move its changedSeq and nothing else.
  if (target.hidden) return { ...target, changedSeq: change.seq };
  switch (c.type) {
    case 'message.edited':
      return target.deleted ? { ...target, changedSeq: change.seq } : { ...target, body: change.body, edited: true, changedSeq: change.seq };
    case 'message.deleted': {
      // Deleted for everyone: no text, no edit mark, no reactions; the bubble stays in its place.
      const { edited: _edited, reactions: _reactions, media: _media, location: _location, ...rest } = target;
      return { ...rest, body: '', deleted: true, changedSeq: change.seq };
    }
    case 'reaction.set': {
      const reactions = withReaction(target.reactions ?? [], change.senderId, c.emoji);
      const { reactions: _old, ...rest } = target;
      return reactions.length ? { ...rest, reactions, changedSeq: change.seq } : { ...rest, changedSeq: change.seq };
    }
  }
}

/**
 * The messages to show, in seq order: `messages` without the changes among them, with `changes`
 * (of any messages, in any order) applied to those they name.
 */
export function applyChanges(messages: readonly Message[], changes: readonly Message[]): Message[] {
  const shown = messages.filter((m) => !isChange(m));
  const ordered = changes.filter(isChange).sort((a, b) => a.seq - b.seq);
  if (ordered.length === 0) return shown;
  const index = new Map(shown.map((m, i) => [m.seq, i]));
  for (const change of ordered) {
    const i = index.get(change.event.targetSeq);
    if (i !== undefined) shown[i] = applyChange(shown[i], change);
  }
  return shown;
}

/** A message deleted for the caller alone: it keeps its place in the sequence, nothing of what it said. */
export function hiddenForMe(message: Message): Message {
  const { edited: _edited, reactions: _reactions, replyTo: _replyTo, forwarded: _forwarded, media: _media, location: _location, ...rest } = message;
  return { ...rest, body: '', hidden: true };
}

/** What a reply shows of the message it quotes, in that message's current state (text cut to QUOTE_LENGTH). */
export function toQuote(message: Pick<Message, 'seq' | 'senderId' | 'body' | 'deleted' | 'media' | 'location'>): Quote {
  const said = messagePreview(message);
  const body = message.deleted ? '' : said.length > QUOTE_LENGTH ? `${said.slice(0, QUOTE_LENGTH - 1)}…` : said;
  return { seq: message.seq, senderId: message.senderId, body, ...(message.deleted && { deleted: true as const }) };
}
