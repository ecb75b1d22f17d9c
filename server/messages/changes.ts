// Changes to messages: edits, deletions for everyone and reactions, each a row of the conversation's
// sequence (kind 'change'), so they reach every device, resume and heal exactly as messages do.
import type { ConversationId, DeleteMessageInput, EditMessageInput, Message, MessageChange, ReactInput, UserId } from '../../lib/schemas.ts';
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS } from '../../lib/limits.ts';
import { reactionOf } from '../../lib/message-changes.ts';
import { getDb } from '../db/client.ts';
import type { Prisma } from '../db/generated/client.ts';
import { AppError, notAMember } from '../errors.ts';
import { push } from '../push/service.ts';
import { fanout } from './fanout.ts';
import { messageIds } from './service.ts';
import { directBlocks } from '../contacts/service.ts';
import { append, lockConversation, toMessage, YOU_BLOCKED, type MessageRow } from './write.ts';
import { foldChanges } from './history.ts';

type Tx = Prisma.TransactionClient;

/** The message a change names, as the changer may see it now. */
interface Target {
  message: Message;
  tx: Tx;
  actorId: UserId;
  now: Date;
}

interface ChangeRequest {
  conversationId: ConversationId;
  seq: number;
  clientId: string;
}

/**
 * Writes one change in a transaction that holds the conversation's lock (ordered with sends and the
 * other changes): the actor must be a current member, the message a text message inside their
 * window and not deleted; `decide` applies the rule of this kind of change and says what to record.
 * A retry (the same actor and client id) returns the change first written, whatever happened since.
 */
async function changeMessage(
  actorId: UserId,
  request: ChangeRequest,
  decide: (target: Target) => Promise<{ event: MessageChange; body?: string }>,
): Promise<Message> {
  const { conversationId, seq, clientId } = request;
  const result = await getDb().$transaction(async (tx) => {
    // Under the lock, so a retry racing its original finds it; before the membership check, so a
    // retry is answered with the original even after its sender left.
    const locked = await lockConversation(tx, conversationId);
    const earlier = await tx.message.findUnique({ where: { senderId_clientId: { senderId: actorId, clientId } } });
    if (earlier) {
      const same = earlier.conversationId === conversationId && earlier.kind === 'change' && Number(earlier.targetSeq) === seq;
      if (!same) throw new AppError('CONFLICT', 'This client id was already used for another message', 'clientId');
      return { message: toMessage(earlier), created: false };
    }
    const member = locked && (await tx.member.findUnique({ where: { conversationId_userId: { conversationId, userId: actorId } } }));
    if (!locked || !member || member.leftSeq !== null) throw notAMember();
    // A one-to-one chat under a block takes no changes from either side (docs/api.md, "Blocking").
    const blocks = locked.kind === 'direct' ? await directBlocks(conversationId, actorId) : null;
    if (blocks?.iBlocked) throw YOU_BLOCKED();
    if (blocks?.theyBlocked) throw new AppError('FORBIDDEN', 'Messages of this chat cannot be changed now', 'seq');
    const row = seq >= member.fromSeq ? await tx.message.findUnique({ where: { conversationId_seq: { conversationId, seq } } }) : null;
    if (!row || row.kind === 'change') throw new AppError('NOT_FOUND', 'No such message', 'seq');
    if (row.kind !== 'text') throw new AppError('BAD_REQUEST', 'Messages about the group cannot be changed', 'seq');
    const [message] = await foldChanges(tx, [row], null);
    if (message.deleted) throw new AppError('CONFLICT', 'This message was deleted', 'seq');
    const now = new Date();
    const { event, body = '' } = await decide({ message, tx, actorId, now });
    const change: MessageRow = {
      id: messageIds.next(),
      conversationId,
      seq: locked.lastSeq + 1n,
      senderId: actorId,
      clientId,
      body,
      kind: 'change',
      event: event as unknown as Prisma.JsonValue,
      createdAt: now,
      targetSeq: BigInt(seq),
    };
    await append(tx, conversationId, [change]);
    await tx.message.update({ where: { conversationId_seq: { conversationId, seq } }, data: { changedSeq: change.seq } });
    return { message: toMessage(change), created: true };
  });
  if (result.created) fanout.publish(conversationId, [result.message]);
  return result.message;
}

function requireOwn(target: Target, what: string): void {
  if (target.message.senderId !== target.actorId) throw new AppError('FORBIDDEN', `You can only ${what} your own messages`, 'seq');
}

function requireWithin(target: Target, windowMs: number, what: string): void {
  if (target.now.getTime() - target.message.createdAt.getTime() > windowMs) {
    throw new AppError('FORBIDDEN', `Messages can only be ${what} within ${windowMs >= 3600_000 ? `${windowMs / 3600_000} hour` : `${windowMs / 60_000} minutes`} of sending`, 'seq');
  }
}

/** Your own text message, within 15 minutes of sending it: every member's view shows the new text, marked edited. */
export function editMessage(actorId: UserId, input: EditMessageInput): Promise<Message> {
  return changeMessage(actorId, input, async (target) => {
    requireOwn(target, 'edit');
    requireWithin(target, EDIT_WINDOW_MS, 'edited');
    if (target.message.body === input.body) throw new AppError('BAD_REQUEST', 'The text is unchanged', 'body');
    return { event: { type: 'message.edited', targetSeq: input.seq }, body: input.body };
  });
}

/**
 * Your own message, within an hour of sending it: its text, and that of its edits, is erased from
 * the server; "This message was deleted" stays in its place for everyone (former members included:
 * the text is gone).
 */
export async function deleteForEveryone(actorId: UserId, input: DeleteMessageInput): Promise<Message> {
  let deleted: Message | undefined;
  const change = await changeMessage(actorId, input, async (target) => {
    deleted = { ...target.message, body: '', deleted: true };
    requireOwn(target, 'delete');
    requireWithin(target, DELETE_WINDOW_MS, 'deleted for everyone');
    const { conversationId, seq } = input;
    await target.tx.$executeRaw`
      UPDATE messages SET body = '', deleted_at = CASE WHEN seq = ${seq}::bigint THEN ${target.now}::timestamptz END
      WHERE conversation_id = ${conversationId}::uuid AND (seq = ${seq}::bigint OR target_seq = ${seq}::bigint)`;
    return { event: { type: 'message.deleted', targetSeq: seq } };
  });
  // A notification still showing its text says it was deleted instead.
  if (deleted) push.deleted(deleted);
  return change;
}

/** Sets (or, with null, takes back) the caller's one reaction to a message; any member may react to any message. */
export function react(actorId: UserId, input: ReactInput): Promise<Message> {
  return changeMessage(actorId, input, async (target) => {
    const current = reactionOf(target.message, actorId);
    if (current === input.emoji) {
      throw new AppError('BAD_REQUEST', input.emoji === null ? 'You have not reacted to this message' : `You already reacted with ${input.emoji}`, 'emoji');
    }
    return { event: { type: 'reaction.set', targetSeq: input.seq, emoji: input.emoji } };
  });
}
