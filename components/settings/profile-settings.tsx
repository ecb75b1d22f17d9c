'use client';
// One's own profile, in the chat list's column: name and about line (each edited in place), and the
// username people find one by (fixed).
import type { Me } from '@/lib/schemas.ts';
import { ABOUT_MAX } from '@/lib/schemas.ts';
import { trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { Drawer, DrawerSection } from '../ui/drawer.tsx';
import { EditableText } from '../ui/editable-text.tsx';

export function ProfileSettings({ onClose }: { onClose: () => void }) {
  const utils = trpc.useUtils();
  const me = trpc.users.me.useQuery();
  const update = trpc.users.updateProfile.useMutation({ onSuccess: (saved: Me) => utils.users.me.setData(undefined, saved) });
  const profile = me.data;
  return (
    <Drawer title="Profile" onClose={onClose}>
      {!profile ? (
        <p role="status" className="px-4 py-6 text-sm text-neutral-600 dark:text-neutral-400">Loading…</p>
      ) : (
        <>
          <div className="flex justify-center bg-surface-panel py-7 dark:bg-surface-panel-dark">
            <Avatar id={profile.id} name={profile.displayName} size="lg" />
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
        </>
      )}
    </Drawer>
  );
}
