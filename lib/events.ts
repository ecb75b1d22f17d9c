// Live events a client receives on its one subscription: a discriminated union on `type`.
import type { ConversationHead, ConversationId, Message, Presence, ReceiptState, UserId } from './schemas.ts';

/** First event of every (re)subscription: where each of the user's conversations stands. */
export interface HeadsEvent {
  type: 'sync.heads';
  conversations: ConversationHead[];
}

export interface MessageNewEvent {
  type: 'message.new';
  message: Message;
  /**
   * Sending reads everything before it. When this send read someone else's messages (a receipt, as
   * an ack is): where its sender stands after it, and the conversation's "by all" watermarks.
   */
  senderRead?: ReceiptWatermarks;
}

/** A member's watermarks and the conversation's aggregates, without whose and where (the event says). */
export type ReceiptWatermarks = Omit<ReceiptState, 'conversationId' | 'userId'>;

/** The receipt a message.new carries, if any, as a receipt.updated would give it. */
export function receiptOf({ message, senderRead }: MessageNewEvent): ReceiptState | null {
  return senderRead ? { conversationId: message.conversationId, userId: message.senderId, ...senderRead } : null;
}

/**
 * A member's receipt watermarks moved. Sent to that member's own devices (read state syncs across
 * them) and, when the conversation's aggregate moved, to every member (their ticks change).
 */
export interface ReceiptUpdatedEvent extends ReceiptState {
  type: 'receipt.updated';
}

/** Someone else in the conversation started or stopped typing. Never stored; expires on its own. */
export interface TypingUpdatedEvent {
  type: 'typing.updated';
  conversationId: ConversationId;
  userId: UserId;
  isTyping: boolean;
}

/** The caller changed how a chat sits in their list (pinned, archived, unread, cleared) or hid messages of it, on one of their devices. */
export interface ConversationUpdatedEvent {
  type: 'conversation.updated';
  conversationId: ConversationId;
  /** Its history was cleared: drop what is held of it. */
  cleared?: true;
  /** These messages were deleted for the caller alone: hide them. */
  hidden?: number[];
}

/**
 * The caller's contacts or the people they block changed, on one of their devices; or how someone
 * looks to them changed (their own name or photo, or that of someone they chat with one-to-one).
 */
export interface PeopleUpdatedEvent {
  type: 'people.updated';
}

/** Someone you share a conversation with came online, went offline, or hid their status. */
export type PresenceUpdatedEvent = { type: 'presence.updated' } & Presence;

export type ServerEvent = HeadsEvent | BusEvent;
/** Events that travel over the bus (the heads event is made per subscription). */
export type BusEvent = MessageNewEvent | ReceiptUpdatedEvent | TypingUpdatedEvent | PresenceUpdatedEvent | ConversationUpdatedEvent | PeopleUpdatedEvent;

/** The tracked id of an event: stable per (conversation, seq) so duplicates are recognisable. */
export function eventId(event: BusEvent): string {
  switch (event.type) {
    case 'message.new':
      return `m:${event.message.conversationId}:${event.message.seq}`;
    case 'receipt.updated':
      return `r:${event.conversationId}:${event.userId}:${event.deliveredSeq}:${event.readSeq}`;
    case 'presence.updated':
      return `p:${event.userId}:${event.visible ? `${event.online ? 1 : 0}:${event.lastSeenAt?.getTime() ?? ''}` : 'hidden'}`;
    case 'typing.updated':
      return `t:${event.conversationId}:${event.userId}:${event.isTyping ? 1 : 0}:${Date.now()}`;
    case 'conversation.updated':
      return `u:${event.conversationId}:${Date.now()}`;
    case 'people.updated':
      return `k:${Date.now()}`;
  }
}

/** The WebSocket close code of a connection whose session ended (logged out here or on another device). */
export const SESSION_ENDED_CLOSE_CODE = 4401;
