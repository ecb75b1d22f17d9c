// Live events a client receives on its one subscription: a discriminated union on `type`.
import type { ConversationHead, ConversationId, Message } from './schemas.ts';

/** First event of every (re)subscription: where each of the user's conversations stands. */
export interface HeadsEvent {
  type: 'sync.heads';
  conversations: ConversationHead[];
}

export interface MessageNewEvent {
  type: 'message.new';
  message: Message;
}

/** The user's own read watermark moved (on this or another of their devices). */
export interface ReadUpdatedEvent {
  type: 'read.updated';
  conversationId: ConversationId;
  readSeq: number;
}

export type ServerEvent = HeadsEvent | MessageNewEvent | ReadUpdatedEvent;
/** Events that travel over the bus (the heads event is made per subscription). */
export type BusEvent = MessageNewEvent | ReadUpdatedEvent;

/** The tracked id of an event: stable per (conversation, seq) so duplicates are recognisable. */
export function eventId(event: BusEvent): string {
  switch (event.type) {
    case 'message.new':
      return `m:${event.message.conversationId}:${event.message.seq}`;
    case 'read.updated':
      return `r:${event.conversationId}:${event.readSeq}`;
  }
}
