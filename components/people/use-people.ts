'use client';
// The caller's contacts and the people they block, as the app keeps them: the lists, and the changes
// that refresh them here (their other devices hear a people.updated event and refresh too).
import { trpc } from '../trpc.tsx';

type Utils = ReturnType<typeof trpc.useUtils>;

export function refreshPeople(utils: Utils): Promise<unknown> {
  return Promise.all([
    utils.contacts.list.invalidate(),
    utils.contacts.blocked.invalidate(),
    utils.users.profile.invalidate(),
    utils.users.me.invalidate(),
    utils.conversations.list.invalidate(),
    utils.conversations.get.invalidate(),
    utils.conversations.members.invalidate(),
  ]);
}

/** Whether the caller blocks `userId` (undefined until known). Kept fresh by refreshPeople. */
export function useBlocks(userId: string | undefined): boolean | undefined {
  const blocked = trpc.contacts.blocked.useQuery(undefined, { enabled: userId !== undefined, staleTime: Infinity });
  return userId === undefined || !blocked.data ? undefined : blocked.data.some((u) => u.id === userId);
}

/** Whether `userId` is in the caller's contacts (undefined until known). */
export function useIsContact(userId: string | undefined): boolean | undefined {
  const contacts = trpc.contacts.list.useQuery(undefined, { enabled: userId !== undefined, staleTime: Infinity });
  return userId === undefined || !contacts.data ? undefined : contacts.data.some((u) => u.id === userId);
}

export function usePeopleActions() {
  const utils = trpc.useUtils();
  const refresh = { onSuccess: () => void refreshPeople(utils) };
  return {
    add: trpc.contacts.add.useMutation(refresh),
    remove: trpc.contacts.remove.useMutation(refresh),
    block: trpc.contacts.block.useMutation(refresh),
    unblock: trpc.contacts.unblock.useMutation(refresh),
  };
}
