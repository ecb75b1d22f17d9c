'use client';
// One's own profile, in the chat list's column: photo, name and about line (each edited in place), the
// username people find one by (fixed), downloading one's data, and deleting the account.
import { useRef, useState } from 'react';
import type { Me } from '@/lib/schemas.ts';
import { ABOUT_MAX } from '@/lib/schemas.ts';
import { errorMessage } from '@/lib/api-errors.ts';
import { signOut } from '../auth/session.ts';
import { clearCachedHistories } from '../chat/history-cache.ts';
import { clearInboxSnapshots } from '../inbox/inbox-snapshot.ts';
import { trpc } from '../trpc.tsx';
import { Dialog, DialogActions, dialogButton } from '../ui/dialog.tsx';
import { Field, useFocusFirstError } from '../ui/field.tsx';
import { PhotoEditor } from '../media/photo-editor.tsx';
import { Drawer, DrawerSection } from '../ui/drawer.tsx';
import { EditableText } from '../ui/editable-text.tsx';

export function ProfileSettings({ onClose }: { onClose: () => void }) {
  const utils = trpc.useUtils();
  const me = trpc.users.me.useQuery();
  const saved = (me: Me) => utils.users.me.setData(undefined, me);
  const update = trpc.users.updateProfile.useMutation({ onSuccess: saved });
  const setPhoto = trpc.users.setPhoto.useMutation({ onSuccess: saved });
  const removePhoto = trpc.users.removePhoto.useMutation({ onSuccess: saved });
  const profile = me.data;
  return (
    <Drawer title="Profile" onClose={onClose}>
      {!profile ? (
        <p role="status" className="px-4 py-6 text-sm text-neutral-600 dark:text-neutral-400">Loading…</p>
      ) : (
        <>
          <div className="flex justify-center bg-surface-panel py-7 dark:bg-surface-panel-dark">
            <PhotoEditor id={profile.id} name={profile.displayName} photo={profile.photo} editable what="profile photo"
              onSave={(uploadId, crop) => setPhoto.mutateAsync({ uploadId, crop })} onRemove={() => removePhoto.mutateAsync()} />
          </div>
          <DrawerSection title="Your name">
            <div className="px-4">
              <EditableText label="Your name" value={profile.displayName} editable maxLength={64}
                onSave={(displayName) => update.mutateAsync({ displayName })}>
                <p className="text-[15px]">{profile.displayName}</p>
              </EditableText>
              <p className="mt-2 text-xs text-neutral-600 dark:text-neutral-400">People you chat with see this name.</p>
            </div>
          </DrawerSection>
          <DrawerSection title="About">
            <div className="px-4">
              <EditableText label="About" value={profile.about} editable maxLength={ABOUT_MAX}
                onSave={(about) => update.mutateAsync({ about })}>
                <p className="text-[15px] [overflow-wrap:anywhere]">
                  {profile.about || <span className="text-neutral-600 dark:text-neutral-400">Say something about yourself</span>}
                </p>
              </EditableText>
            </div>
          </DrawerSection>
          <DrawerSection title="Username">
            <p className="px-4 text-[15px]">@{profile.username}</p>
            <p className="mt-2 px-4 text-xs text-neutral-600 dark:text-neutral-400">People find you by it. It cannot be changed.</p>
          </DrawerSection>
          <DrawerSection title="Your data">
            <p className="px-4 text-sm text-neutral-700 dark:text-neutral-300">Your profile, contacts and every chat with what you can read in it.</p>
            <div className="mt-2 flex flex-wrap gap-2 px-4">
              <a href="/api/export?format=html" download className="rounded-full px-3 py-1.5 text-sm font-medium text-brand ring-1 ring-inset ring-brand/40 hover:bg-brand/10 dark:text-emerald-400 dark:ring-emerald-400/40">
                Download to read
              </a>
              <a href="/api/export" download className="rounded-full px-3 py-1.5 text-sm font-medium text-brand ring-1 ring-inset ring-brand/40 hover:bg-brand/10 dark:text-emerald-400 dark:ring-emerald-400/40">
                Download as JSON
              </a>
            </div>
          </DrawerSection>
          <DeleteAccount />
        </>
      )}
    </Drawer>
  );
}

function DeleteAccount() {
  const [asking, setAsking] = useState(false);
  return (
    <DrawerSection title="Delete account">
      <p className="px-4 text-sm text-neutral-700 dark:text-neutral-300">
        You leave every group and are signed out everywhere; your name, about line and contacts are erased. What you
        said stays with the people you said it to, under “Deleted account”.
      </p>
      <button type="button" onClick={() => setAsking(true)}
        className="mx-4 mt-3 rounded-full px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-inset ring-red-700/40 hover:bg-red-700/10 dark:text-red-300 dark:ring-red-300/40">
        Delete my account
      </button>
      {asking && <DeleteAccountDialog onClose={() => setAsking(false)} />}
    </DrawerSection>
  );
}

function DeleteAccountDialog({ onClose }: { onClose: () => void }) {
  const remove = trpc.auth.deleteAccount.useMutation();
  const [password, setPassword] = useState('');
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, remove.error);
  return (
    <Dialog title="Delete your account?" onClose={onClose}>
      <form ref={form} onSubmit={(e) => {
        e.preventDefault();
        remove.mutate({ password }, {
          // This device keeps nothing of the account either.
          onSuccess: async () => {
            clearInboxSnapshots();
            await clearCachedHistories();
            await signOut();
          },
        });
      }}>
        <p className="mb-4 text-sm text-neutral-700 dark:text-neutral-300">This cannot be undone. Enter your password to go on.</p>
        <Field label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)}
          required autoFocus error={remove.error ? errorMessage(remove.error) : undefined} />
        <DialogActions>
          <button type="button" onClick={onClose} className={dialogButton.quiet}>Cancel</button>
          <button type="submit" disabled={remove.isPending || !password} className={dialogButton.danger}>Delete my account</button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
