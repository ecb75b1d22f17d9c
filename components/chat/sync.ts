'use client';
// Live sync: applies subscription events to the message store and the inbox, and fills any gap from history.
import { useRef } from 'react';
import type { ServerEvent } from '@/lib/events.ts';
import type { ConversationSummary, Message } from '@/lib/schemas.ts';
import { trpc } from '../trpc.tsx';
import { messageStore } from './message-store.ts';

const FILL_PAGE = 100;

export type Utils = ReturnType<typeof trpc.useUtils>;

/** Fetches everything after the newest held message until caught up; one fill per conversation at a time. */
export function makeGapFiller(utils: Utils) {
  const filling = new Map<string, Promise<void>>();
  async function fill(conversationId: string): Promise<void> {
    for (;;) {
      const after = messageStore.maxSeq(conversationId);
      const page = await utils.client.messages.list.query({ conversationId, after, limit: FILL_PAGE });
      messageStore.addMessages(conversationId, page.messages);
      if (page.messages.length < FILL_PAGE) return;
    }
  }
  return (conversationId: string) => {
    const running = filling.get(conversationId);
    if (running) return running;
    const p = fill(conversationId).finally(() => filling.delete(conversationId));
    filling.set(conversationId, p);
    return p;
  };
}

function withMessage(list: ConversationSummary[], message: Message, countsAsUnread: boolean): ConversationSummary[] | null {
  const conversation = list.find((c) => c.id === message.conversationId);
  if (!conversation) return null;
  if (message.seq <= conversation.lastSeq) return list; // already counted (a duplicate or a late event)
  const updated: ConversationSummary = {
    ...conversation,
    lastSeq: message.seq,
    lastMessage: message,
    lastActivityAt: message.createdAt,
    unreadCount: conversation.unreadCount + (countsAsUnread ? 1 : 0),
  };
  return [updated, ...list.filter((c) => c.id !== conversation.id)];
}

export function useLiveSync({ meId, openConversationId }: { meId: string; openConversationId: string | null }) {
  const utils = trpc.useUtils();
  const fillRef = useRef<ReturnType<typeof makeGapFiller>>(null);
  fillRef.current ??= makeGapFiller(utils);
  const openRef = useRef(openConversationId);
  openRef.current = openConversationId;

  const onEvent = (event: ServerEvent) => {
    const fill = fillRef.current!;
    switch (event.type) {
      case 'sync.heads': {
        // Resume: whatever a loaded conversation lacks up to its head is fetched by sequence.
        for (const head of event.conversations) {
          if (messageStore.isLoaded(head.id) && messageStore.maxSeq(head.id) < head.lastSeq) void fill(head.id);
        }
        void utils.conversations.list.invalidate();
        break;
      }
      case 'message.new': {
        const { message } = event;
        const held = messageStore.maxSeq(message.conversationId);
        const loaded = messageStore.isLoaded(message.conversationId);
        messageStore.addMessages(message.conversationId, [message]);
        if (loaded && message.seq > held + 1) void fill(message.conversationId);
        const countsAsUnread =
          message.senderId !== meId && !(openRef.current === message.conversationId && document.visibilityState === 'visible');
        const current = utils.conversations.list.getData();
        const next = current && withMessage(current, message, countsAsUnread);
        if (next) utils.conversations.list.setData(undefined, next);
        else void utils.conversations.list.invalidate();
        break;
      }
      case 'read.updated': {
        const current = utils.conversations.list.getData();
        const conversation = current?.find((c) => c.id === event.conversationId);
        if (conversation && event.readSeq >= conversation.lastSeq) {
          utils.conversations.list.setData(
            undefined,
            current!.map((c) => (c.id === event.conversationId ? { ...c, readSeq: event.readSeq, unreadCount: 0 } : c)),
          );
        } else {
          void utils.conversations.list.invalidate();
        }
        break;
      }
    }
  };

  trpc.sync.events.useSubscription(undefined, {
    onData: (tracked) => onEvent(tracked.data as ServerEvent),
  });

  return { fill: (id: string) => fillRef.current!(id) };
}
