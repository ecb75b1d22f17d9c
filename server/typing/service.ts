// Typing indicators: relayed to the other members at once, never stored; receivers expire them.
import type { SetTypingInput, UserId } from '../../lib/schemas.ts';
import { directBlocks } from '../contacts/service.ts';
import { getDb } from '../db/client.ts';
import { channels, getBus } from '../realtime/index.ts';

/**
 * The caller is a member (checked by the procedure); tell everyone else in the conversation, unless
 * it is a one-to-one chat under a block (either way).
 */
export async function setTyping(userId: UserId, input: SetTypingInput): Promise<void> {
  const blocks = await directBlocks(input.conversationId, userId);
  if (blocks && (blocks.iBlocked || blocks.theyBlocked)) return;
  const members = await getDb().member.findMany({
    where: { conversationId: input.conversationId, userId: { not: userId }, leftSeq: null },
    select: { userId: true },
  });
  await getBus().publish(
    members.map((m) => channels.user(m.userId)),
    { type: 'typing.updated', conversationId: input.conversationId, userId, isTyping: input.isTyping },
  );
}
