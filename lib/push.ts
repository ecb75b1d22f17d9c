// What the server pushes and public/sw.js shows: shared by the server, the page and the docs.
import type { ConversationId } from './schemas.ts';

export type PushPayload =
  | {
      type: 'message';
      conversationId: ConversationId;
      /** Notifications with one tag replace each other: one per conversation. */
      tag: string;
      title: string;
      body: string;
      /** Unread messages in this conversation, this one included. */
      count: number;
      /** Unread messages in all of the recipient's conversations (the app badge). */
      badge: number;
      /** The page to open on click. */
      url: string;
      at: number;
      /** Replaces the conversation's notification without a sound (its message was deleted). */
      quiet?: boolean;
    }
  /** The recipient read the conversation somewhere: close its notification. */
  | { type: 'read'; conversationId: ConversationId; tag: string; badge: number };

export const notificationTag = (conversationId: ConversationId) => `c:${conversationId}`;
