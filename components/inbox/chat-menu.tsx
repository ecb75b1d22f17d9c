'use client';
// A chat's menu in the list: pin, archive, mark unread or read, clear or delete it (for the caller
// alone), exit a group. What cannot be undone asks first.
import { useState } from 'react';
import type { ConversationSummary } from '@/lib/schemas.ts';
import { applyConversationUpdated, applyListState } from '../chat/inbox-cache.ts';
import type { ChatClient } from '../chat/sync.tsx';
import { errorMessage, trpc } from '../trpc.tsx';
import { ConfirmDialog } from '../ui/dialog.tsx';
import { Menu, type MenuItem } from '../ui/menu.tsx';

type Confirm = { title: string; text: string; confirmLabel: string; run: () => Promise<unknown> };

export function ChatMenu({ conversation: c, client, openId, onOpen, notify, open, onOpenChange }: {
  conversation: ConversationSummary;
  client: ChatClient;
  openId: string | null;
  onOpen: (id: string | null) => void;
  notify: (text: string, error?: boolean) => void;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const utils = trpc.useUtils();
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const failed = (err: unknown) => notify(errorMessage(err), true);
  const setState = (state: { pinned?: boolean; archived?: boolean; unread?: boolean }, done?: string) =>
    void utils.client.conversations.setListState
      .mutate({ conversationId: c.id, ...state })
      .then((summary) => {
        applyListState(utils, summary);
        if (done) notify(done);
      }, failed);
  /** The chat's history as this device held it is gone: reload it from the server when shown. */
  const cleared = async (remove: boolean) => {
    await utils.client.conversations.clear.mutate({ conversationId: c.id, remove });
    await applyConversationUpdated(utils, client.store, { conversationId: c.id, cleared: true });
    if (remove && openId === c.id) onOpen(null);
  };
  const unread = c.unreadCount > 0 || c.markedUnread;
  const isGroupMember = c.kind === 'group' && c.role !== null;

  const items: MenuItem[] = [
    ...(c.archived ? [] : [c.pinnedAt ? { label: 'Unpin chat', run: () => setState({ pinned: false }) } : { label: 'Pin chat', run: () => setState({ pinned: true }) }]),
    c.archived
      ? { label: 'Unarchive chat', run: () => setState({ archived: false }, 'Chat unarchived') }
      : { label: 'Archive chat', run: () => setState({ archived: true }, 'Chat archived') },
    unread
      ? {
          label: 'Mark as read',
          run: () => {
            client.receipts.read(c.id, c.lastSeq);
            setState({ unread: false });
          },
        }
      : { label: 'Mark as unread', run: () => setState({ unread: true }) },
    {
      label: 'Clear chat',
      run: () => setConfirm({ title: `Clear this chat?`, text: 'Its messages are removed from this chat for you. Others still have them.', confirmLabel: 'Clear chat', run: () => cleared(false) }),
    },
    ...(isGroupMember
      ? [{
          label: 'Exit group',
          danger: true,
          run: () => setConfirm({
            title: `Exit “${c.title}”?`, text: 'You will no longer get its messages. You keep what was said until now.', confirmLabel: 'Exit group',
            run: () => utils.client.groups.leave.mutate({ conversationId: c.id }).then(() => utils.conversations.list.invalidate()),
          }),
        }]
      : [{
          label: c.kind === 'group' ? 'Delete group' : 'Delete chat',
          danger: true,
          run: () => setConfirm({
            title: c.kind === 'group' ? `Delete “${c.title}”?` : `Delete chat with ${c.title}?`,
            text: 'It leaves your chat list and its messages are removed for you. It comes back if someone writes in it.',
            confirmLabel: 'Delete', run: () => cleared(true),
          }),
        }]),
  ];

  return (
    <>
      {/* Named without the chat's name: the row (its list item) says which chat it is. */}
      <Menu label="Chat actions" buttonLabel="Chat menu" items={items} open={open} onOpenChange={onOpenChange} align="end" />
      {confirm && (
        <ConfirmDialog title={confirm.title} text={confirm.text} confirmLabel={confirm.confirmLabel} onClose={() => setConfirm(null)}
          onConfirm={confirm.run} />
      )}
    </>
  );
}
