'use client';
// Group info: name and description (admins edit them), members with their roles, adding, removing,
// promoting and demoting (admins), and leaving (anyone).
import { useState } from 'react';
import type { ConversationSummary, MemberSummary, UserSummary } from '@/lib/schemas.ts';
import { errorMessage, trpc } from '../trpc.tsx';
import { PhotoEditor } from '../media/photo-editor.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { ConfirmDialog } from '../ui/dialog.tsx';
import { EditableText } from '../ui/editable-text.tsx';
import { Menu, useMenuGestures } from '../ui/menu.tsx';
import { PeoplePicker } from './people-picker.tsx';
import { SidePanel } from '../ui/side-panel.tsx';
import { ChatMediaRow } from '../media/chat-media.tsx';

const ROLE_LABEL = { owner: 'Group owner', admin: 'Group admin', member: null } as const;

export function GroupInfo({ conversation, members, meId, onShowMedia, onClose }: {
  conversation: ConversationSummary;
  members: MemberSummary[] | undefined;
  meId: string;
  /** Opens the chat's media and files. */
  onShowMedia: () => void;
  onClose: () => void;
}) {
  const utils = trpc.useUtils();
  const conversationId = conversation.id;
  // The change's system message refreshes everything on every member's screen; refresh here at once too.
  const refresh = () => {
    void utils.conversations.get.invalidate({ conversationId });
    void utils.conversations.members.invalidate({ conversationId });
  };
  const update = trpc.groups.update.useMutation({ onSuccess: refresh });
  const setPhoto = trpc.groups.setPhoto.useMutation({ onSuccess: refresh });
  const leave = trpc.groups.leave.useMutation({ onSuccess: refresh });
  const isAdmin = conversation.role === 'owner' || conversation.role === 'admin';
  const current = (members ?? []).filter((m) => m.active);
  const [adding, setAdding] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);

  return (
    <SidePanel title="Group info" onClose={onClose}>
      <section className="flex flex-col items-center gap-2 bg-surface-panel px-6 pb-5 pt-6 text-center dark:bg-surface-panel-dark">
        <PhotoEditor id={conversationId} name={conversation.title} photo={conversation.photo} group editable={isAdmin} what="group photo"
          onSave={(uploadId, crop) => setPhoto.mutateAsync({ conversationId, uploadId, crop })}
          onRemove={() => setPhoto.mutateAsync({ conversationId, uploadId: null })} />
        <EditableText label="Group name" value={conversation.title} editable={isAdmin} maxLength={100}
          onSave={(title) => update.mutateAsync({ conversationId, title })}>
          <h3 className="text-xl font-medium">{conversation.title}</h3>
        </EditableText>
        <p className="text-sm text-neutral-600 dark:text-neutral-400">
          Group · {conversation.memberCount} {conversation.memberCount === 1 ? 'member' : 'members'}
        </p>
      </section>

      <section className="mt-2 bg-surface-panel px-6 py-4 dark:bg-surface-panel-dark">
        <h4 className="mb-1 text-sm text-neutral-600 dark:text-neutral-400">Description</h4>
        <EditableText label="Description" value={conversation.description ?? ''} editable={isAdmin} maxLength={500} multiline
          onSave={(description) => update.mutateAsync({ conversationId, description })}>
          <p className="whitespace-pre-wrap text-[15px] [overflow-wrap:anywhere]">
            {conversation.description || <span className="text-neutral-600 dark:text-neutral-400">{isAdmin ? 'Add a group description' : 'No description'}</span>}
          </p>
        </EditableText>
      </section>

      <ChatMediaRow conversationId={conversationId} onOpen={onShowMedia} />

      <section className="mt-2 bg-surface-panel py-3 dark:bg-surface-panel-dark" aria-label="Members">
        <h4 className="px-6 pb-2 text-sm text-neutral-600 dark:text-neutral-400">{current.length} members</h4>
        {conversation.role === null ? (
          <p className="mx-6 mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/60 dark:text-amber-100">
            You are no longer a member of this group.
          </p>
        ) : isAdmin && (adding ? (
          <AddMembers conversationId={conversationId} exclude={current.map((m) => m.id)} onDone={() => { setAdding(false); refresh(); }} />
        ) : (
          <button type="button" onClick={() => setAdding(true)}
            className="flex w-full items-center gap-3 px-6 py-2 text-left font-medium text-brand hover:bg-black/[.04] dark:text-emerald-400 dark:hover:bg-white/[.05]">
            <span className="flex h-10 w-10 items-center justify-center rounded-full bg-brand text-xl text-white dark:bg-emerald-600">+</span>
            Add members
          </button>
        ))}
        {!members ? (
          <p className="px-6 py-3 text-sm text-neutral-600 dark:text-neutral-400" aria-busy="true">Loading members…</p>
        ) : (
          <ul>
            {current.map((m) => (
              <MemberRow key={m.id} member={m} meId={meId} conversationId={conversationId}
                canManage={isAdmin && m.id !== meId && m.role !== 'owner'} onChanged={refresh} />
            ))}
          </ul>
        )}
      </section>

      {conversation.role !== null && (
        <section className="mb-6 mt-2 bg-surface-panel px-6 py-3 dark:bg-surface-panel-dark">
          {leave.error && <p role="alert" className="mb-2 text-sm text-red-600">{errorMessage(leave.error)}</p>}
          {confirmLeave ? (
            <div className="flex flex-wrap items-center gap-3">
              <span className="text-sm">Leave “{conversation.title}”?</span>
              <button type="button" onClick={() => leave.mutate({ conversationId })} disabled={leave.isPending}
                className="rounded-full bg-red-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-red-700">
                Leave
              </button>
              <button type="button" onClick={() => setConfirmLeave(false)} className="text-sm text-neutral-600 underline dark:text-neutral-300">
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setConfirmLeave(true)} className="py-1 font-medium text-red-600 dark:text-red-400">
              Leave group
            </button>
          )}
        </section>
      )}
    </SidePanel>
  );
}

function MemberRow({ member: m, meId, conversationId, canManage, onChanged }: {
  member: MemberSummary;
  meId: string;
  conversationId: string;
  canManage: boolean;
  onChanged: () => void;
}) {
  const setRole = trpc.groups.setRole.useMutation({ onSuccess: onChanged });
  const remove = trpc.groups.removeMember.useMutation({ onSuccess: onChanged });
  const [menuOpen, setMenuOpen] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const gestures = useMenuGestures(() => setMenuOpen(true));
  const error = setRole.error;
  const name = m.id === meId ? 'You' : m.displayName;
  return (
    <li className="group/row flex items-center gap-3 px-6 py-2" {...(canManage ? gestures : {})}>
      <Avatar id={m.id} name={m.displayName} photo={m.photo} />
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">{name}</span>
        <span className="block truncate text-sm text-neutral-600 dark:text-neutral-400">@{m.username}</span>
        {error && <span role="alert" className="block text-xs text-red-600">{errorMessage(error)}</span>}
      </span>
      {ROLE_LABEL[m.role] && (
        <span className="shrink-0 rounded bg-brand-light px-1.5 py-0.5 text-xs font-medium text-brand-dark dark:bg-emerald-900/60 dark:text-emerald-200">
          {ROLE_LABEL[m.role]}
        </span>
      )}
      {canManage && (
        <Menu label="Member actions" buttonLabel={`Manage ${m.displayName}`} open={menuOpen} onOpenChange={setMenuOpen} align="end"
          items={[
            {
              label: m.role === 'admin' ? 'Dismiss as admin' : 'Make group admin',
              run: () => setRole.mutate({ conversationId, userId: m.id, role: m.role === 'admin' ? 'member' : 'admin' }),
            },
            { label: `Remove ${m.displayName}`, danger: true, run: () => setConfirmRemove(true) },
          ]} />
      )}
      {confirmRemove && (
        <ConfirmDialog title={`Remove ${m.displayName}?`} confirmLabel="Remove" onClose={() => setConfirmRemove(false)}
          text="They will no longer get this group's messages. They keep what was said until now."
          onConfirm={() => remove.mutateAsync({ conversationId, userId: m.id })} />
      )}
    </li>
  );
}

function AddMembers({ conversationId, exclude, onDone }: { conversationId: string; exclude: string[]; onDone: () => void }) {
  const [picked, setPicked] = useState<UserSummary[]>([]);
  const add = trpc.groups.addMembers.useMutation({ onSuccess: onDone });
  return (
    <div className="mx-3 mb-3 flex h-80 flex-col rounded-lg ring-1 ring-black/10 dark:ring-white/10">
      <PeoplePicker picked={picked} onChange={setPicked} exclude={exclude} />
      <div className="flex items-center justify-end gap-3 border-t border-black/5 px-3 py-2 dark:border-white/10">
        {add.error && <p role="alert" className="mr-auto text-sm text-red-600">{errorMessage(add.error)}</p>}
        <button type="button" onClick={onDone} className="text-sm text-neutral-600 underline dark:text-neutral-300">Cancel</button>
        <button type="button" disabled={picked.length === 0 || add.isPending}
          onClick={() => add.mutate({ conversationId, usernames: picked.map((u) => u.username) })}
          className="rounded-full bg-brand px-4 py-1.5 text-sm font-medium text-white disabled:bg-neutral-300 disabled:text-neutral-500 dark:disabled:bg-neutral-700">
          Add {picked.length > 0 ? picked.length : ''}
        </button>
      </div>
    </div>
  );
}

/** Text that admins can edit in place. */
