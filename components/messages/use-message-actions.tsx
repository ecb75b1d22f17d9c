'use client';
// What the message menu does: reactions (any emoji from the picker), copy, edit (a dialog), delete for me or for everyone (asks first).
// Each change the server accepts goes into the message store at once, as its event will.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_MESSAGE_LENGTH } from '@/lib/limits.ts';
import type { Message } from '@/lib/schemas.ts';
import { newClientId } from '@/lib/uuid.ts';
import { applyConversationUpdated } from '../chat/inbox-cache.ts';
import type { ChatClient } from '../chat/sync.tsx';
import { errorMessage, trpc } from '../trpc.tsx';
import { ConfirmDialog, Dialog, DialogActions, dialogButton } from '../ui/dialog.tsx';
import { EmojiPicker } from '../ui/emoji-picker.tsx';
import { useNotice } from '../ui/notice.tsx';
import { ForwardDialog } from './forward-dialog.tsx';
import type { MessageActions } from './message-menu.tsx';

export function useMessageActions(conversationId: string, client: ChatClient, handlers: Pick<MessageActions, 'canChange' | 'reply' | 'show' | 'info' | 'openPhoto'>): { actions: MessageActions; overlay: ReactNode } {
  const utils = trpc.useUtils();
  const [editing, setEditing] = useState<Message | null>(null);
  const [removing, setRemoving] = useState<{ message: Message; forEveryone: boolean } | null>(null);
  const [forwarding, setForwarding] = useState<Message | null>(null);
  const [reacting, setReacting] = useState<Message | null>(null);
  const [notice, notify] = useNotice();

  const accept = (change: Message) => client.engine.accept(conversationId, [change]);
  const failed = (err: unknown) => notify(errorMessage(err), true);
  const ref = (m: Message) => ({ conversationId, seq: m.seq, clientId: newClientId() });
  const hide = (m: Message) =>
    utils.client.messages.hide.mutate({ conversationId, seqs: [m.seq] }).then(() => applyConversationUpdated(utils, client.store, { conversationId, hidden: [m.seq] }));

  const actions: MessageActions = {
    ...handlers,
    react: (m, emoji) => void utils.client.messages.react.mutate({ ...ref(m), emoji }).then(accept, failed),
    chooseReaction: setReacting,
    copy: (m) =>
      void navigator.clipboard.writeText(m.body).then(
        () => notify('Message copied'),
        () => notify('Could not copy: the browser did not allow it', true),
      ),
    edit: setEditing,
    remove: (message, forEveryone) => setRemoving({ message, forEveryone }),
    forward: setForwarding,
  };

  const overlay = (
    <>
      {notice}
      {editing && (
        <EditDialog message={editing} onClose={() => setEditing(null)}
          save={(body) => utils.client.messages.edit.mutate({ ...ref(editing), body }).then(accept)} />
      )}
      {reacting && (
        <Dialog title="React with" onClose={() => setReacting(null)}>
          <EmojiPicker onPick={(emoji) => {
            actions.react(reacting, emoji);
            setReacting(null);
          }} />
        </Dialog>
      )}
      {forwarding && (
        <ForwardDialog message={forwarding} chats={utils.conversations.list.getData()?.conversations ?? []} onClose={() => setForwarding(null)}
          onForward={(ids) => {
            for (const id of ids) void client.outbox.enqueue(id, forwarding.body, { forwarded: true, media: forwarding.media, location: forwarding.location });
            setForwarding(null);
            notify(ids.length === 1 ? 'Message forwarded' : `Message forwarded to ${ids.length} chats`);
          }} />
      )}
      {removing && (
        <ConfirmDialog title="Delete message?" onClose={() => setRemoving(null)}
          {...(removing.forEveryone
            ? {
              text: 'Delete it for everyone in this chat (they will see “This message was deleted” in its place), or only from your devices.',
              confirmLabel: 'Delete for everyone',
              onConfirm: () => utils.client.messages.delete.mutate(ref(removing.message)).then(accept),
              also: { label: 'Delete for me', run: () => hide(removing.message) },
            }
            : { text: 'It will be deleted from your devices. Others in the chat keep it.', confirmLabel: 'Delete for me', onConfirm: () => hide(removing.message) })} />
      )}
    </>
  );
  return { actions, overlay };
}

function EditDialog({ message, save, onClose }: { message: Message; save: (body: string) => Promise<void>; onClose: () => void }) {
  const [body, setBody] = useState(message.body);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = input.current;
    el?.focus();
    el?.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const unchanged = body === message.body;
  const invalid = body.trim().length === 0 || body.length > MAX_MESSAGE_LENGTH;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (unchanged) return onClose();
    if (invalid || saving) return;
    setSaving(true);
    try {
      await save(body);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setSaving(false);
      input.current?.focus();
    }
  }
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) void submit(e);
  };
  return (
    <Dialog title="Edit message" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <textarea ref={input} value={body} rows={3} aria-label="Message text" aria-invalid={invalid || undefined}
          aria-describedby={error ? 'edit-error' : undefined}
          onChange={(e) => setBody(e.target.value)} onKeyDown={onKeyDown}
          className="w-full resize-none rounded-lg bg-white px-3 py-2 text-[15px] ring-1 ring-black/10 focus:outline-none focus:ring-2 focus:ring-brand dark:bg-neutral-800 dark:ring-white/15" />
        {error && <p id="edit-error" role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">{error}</p>}
        <DialogActions>
          <button type="button" onClick={onClose} className={dialogButton.quiet}>Cancel</button>
          <button type="submit" disabled={invalid || saving} className={dialogButton.main}>{saving ? 'Saving…' : 'Save'}</button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
