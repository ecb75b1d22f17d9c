// How each member keeps their chat list: pin (at most three), archive, mark unread, clear or delete a
// chat, and delete messages of it, for themselves alone. Other members see nothing of it; the
// member's other devices hear of it.
import type { ConversationId, ConversationSummary, HideMessagesInput, ListStateInput, UserId } from '../../lib/schemas.ts';
import { getDb } from '../db/client.ts';
import { AppError, notAMember } from '../errors.ts';
import { ackReceipts } from '../receipts/service.ts';
import { channels, getBus } from '../realtime/index.ts';
import { getConversation, type ReadableRange } from './service.ts';

export const MAX_PINNED = 3;

/** The member's other devices refresh what they show of the chat (and drop what was cleared or hidden). */
function tellDevices(userId: UserId, conversationId: ConversationId, change: { cleared?: true; hidden?: number[] } = {}): void {
  void getBus().publish(channels.user(userId), { type: 'conversation.updated', conversationId, ...change });
}

/**
 * Pins or unpins, archives or unarchives (archiving unpins), marks unread or read, for current and
 * former members alike. A fourth pin is refused; a pin counts the pins under a lock on the user's
 * row, so two devices pinning at once cannot make four.
 */
export async function setListState(userId: UserId, input: ListStateInput): Promise<ConversationSummary> {
  const { conversationId, pinned, archived, unread } = input;
  await getDb().$transaction(async (tx) => {
    if (pinned) await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    const member = await tx.member.findUnique({ where: { conversationId_userId: { conversationId, userId } }, select: { pinnedAt: true } });
    if (!member) throw notAMember();
    if (pinned && member.pinnedAt === null) {
      const count = await tx.member.count({ where: { userId, pinnedAt: { not: null } } });
      if (count >= MAX_PINNED) throw new AppError('LIMIT_REACHED', `You can pin up to ${MAX_PINNED} chats`, 'pinned');
    }
    const now = new Date();
    await tx.member.update({
      where: { conversationId_userId: { conversationId, userId } },
      data: {
        ...(pinned !== undefined && { pinnedAt: pinned ? (member.pinnedAt ?? now) : null }),
        ...(archived !== undefined && { archivedAt: archived ? now : null, ...(archived && { pinnedAt: null }) }),
        ...(unread !== undefined && { markedUnread: unread }),
      },
    });
  });
  tellDevices(userId, conversationId);
  return getConversation(userId, conversationId);
}

/**
 * Clears the chat's history for the caller (everything up to now is gone from their view and read);
 * with `remove`, the chat also leaves their list until something new is said in it.
 */
export async function clearChat(userId: UserId, conversationId: ConversationId, remove: boolean): Promise<void> {
  const member = await getDb().member.findUnique({
    where: { conversationId_userId: { conversationId, userId } },
    select: { leftSeq: true, conversation: { select: { lastSeq: true } } },
  });
  if (!member) throw notAMember();
  const head = member.leftSeq ?? member.conversation.lastSeq;
  await getDb().member.update({
    where: { conversationId_userId: { conversationId, userId } },
    data: { clearedSeq: head, markedUnread: false, ...(remove && { hiddenAt: new Date(), pinnedAt: null }) },
  });
  // What was cleared counts as read (on every device, with the receipts' own events).
  if (head > 0n) await ackReceipts(userId, { receipts: [{ conversationId, deliveredSeq: Number(head), readSeq: Number(head) }] });
  tellDevices(userId, conversationId, { cleared: true });
}

/**
 * "Delete for me": text messages of the caller's window (any sender's, deleted for everyone or not)
 * leave their view alone. A seq that is not such a message refuses the whole call; hiding one twice
 * is harmless.
 */
export async function hideMessages(userId: UserId, { conversationId, seqs }: HideMessagesInput, view: ReadableRange): Promise<void> {
  const wanted = [...new Set(seqs)].map(BigInt);
  const found = await getDb().message.findMany({
    where: { conversationId, seq: { in: wanted, gte: view.fromSeq, ...(view.toSeq !== null && { lte: view.toSeq }) }, kind: 'text' },
    select: { seq: true },
  });
  if (found.length < wanted.length) {
    const known = new Set(found.map((m) => m.seq));
    throw new AppError('NOT_FOUND', `No message ${wanted.find((s) => !known.has(s))} in this chat to delete`, 'seqs');
  }
  await getDb().hiddenMessage.createMany({ data: wanted.map((seq) => ({ conversationId, userId, seq })), skipDuplicates: true });
  tellDevices(userId, conversationId, { hidden: wanted.map(Number).sort((a, b) => a - b) });
}
