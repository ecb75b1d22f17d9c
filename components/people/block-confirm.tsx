'use client';
// "Block X?": asked before every block, from the contact's panel or a stranger's first message.
import type { UserSummary } from '@/lib/schemas.ts';
import { ConfirmDialog } from '../ui/dialog.tsx';
import { usePeopleActions } from './use-people.ts';

export function BlockConfirm({ person, onClose }: { person: UserSummary; onClose: () => void }) {
  const { block } = usePeopleActions();
  return (
    <ConfirmDialog title={`Block ${person.displayName}?`} confirmLabel="Block" onClose={onClose}
      text="Blocked people can no longer send you messages, see when you are online or read your about line, or add you to groups. They are not told."
      onConfirm={() => block.mutateAsync({ userId: person.id })} />
  );
}
