'use client';
// Administration, in the chat list's column (admins only): the server's figures, who may register,
// invite links, and the accounts (disable, enable, make admin). The same operations exist on the
// command line: npm run admin (docs/operations.md).
import { useDeferredValue, useState } from 'react';
import type { AdminUser, InviteInfo, RegistrationMode } from '@/lib/schemas.ts';
import { errorMessage } from '@/lib/api-errors.ts';
import { trpc } from '../trpc.tsx';
import { Avatar } from '../ui/avatar.tsx';
import { ConfirmDialog } from '../ui/dialog.tsx';
import { Drawer, DrawerSection } from '../ui/drawer.tsx';
import { formatLastSeen } from '../ui/format.ts';
import { SearchBox } from '../ui/search-box.tsx';

const muted = 'text-sm text-neutral-600 dark:text-neutral-400';
const smallButton = 'shrink-0 rounded-full px-3 py-1 text-sm font-medium hover:bg-black/5 disabled:opacity-60 dark:hover:bg-white/10';
const select = 'rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm dark:border-neutral-600 dark:bg-neutral-900';

export function AdminPage({ meId, onClose }: { meId: string; onClose: () => void }) {
  return (
    <Drawer title="Administration" onClose={onClose}>
      <Figures />
      <Registration />
      <Invites />
      <Accounts meId={meId} />
    </Drawer>
  );
}

function Failed({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <p role="alert" className="px-4 text-sm text-red-700 dark:text-red-300">
      Could not load this. {errorMessage(error)} <button type="button" className="underline" onClick={retry}>Try again</button>
    </p>
  );
}

function Figures() {
  const figures = trpc.admin.figures.useQuery(undefined, { staleTime: 0 });
  const f = figures.data;
  return (
    <DrawerSection title="This server">
      {figures.error ? <Failed error={figures.error} retry={() => void figures.refetch()} /> : !f ? (
        <p role="status" className={`px-4 ${muted}`}>Loading…</p>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 px-4 text-[15px]">
          <dt className={muted}>Accounts</dt>
          <dd>{f.users.toLocaleString()}{f.disabledUsers > 0 && ` (${f.disabledUsers} disabled)`}</dd>
          <dt className={muted}>Messages</dt>
          <dd>{f.messages.toLocaleString()}</dd>
          <dt className={muted}>Instances</dt>
          <dd>
            <ul>
              {f.instances.map((i) => (
                <li key={i.id}>{i.host}: {i.connections.toLocaleString()} live {i.connections === 1 ? 'connection' : 'connections'}</li>
              ))}
            </ul>
          </dd>
        </dl>
      )}
    </DrawerSection>
  );
}

const MODES: Record<RegistrationMode, string> = {
  open: 'Anyone who reaches this server',
  invite: 'Only people with an invite link',
  closed: 'Nobody (closed)',
};

function Registration() {
  const utils = trpc.useUtils();
  const figures = trpc.admin.figures.useQuery(undefined, { staleTime: 0 });
  const set = trpc.admin.setRegistration.useMutation({ onSuccess: () => void utils.admin.figures.invalidate() });
  return (
    <DrawerSection title="Registration">
      <label className="block px-4">
        <span className="mb-1 block text-sm font-medium">Who can create an account</span>
        <select className={`${select} w-full`} value={figures.data?.registration ?? 'open'} disabled={!figures.data || set.isPending}
          onChange={(e) => set.mutate({ mode: e.target.value as RegistrationMode })}>
          {Object.entries(MODES).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
      </label>
      {set.error && <p role="alert" className="px-4 pt-1 text-sm text-red-700 dark:text-red-300">{errorMessage(set.error)}</p>}
    </DrawerSection>
  );
}

const USES = [['1', 'One account'], ['5', '5 accounts'], ['25', '25 accounts'], ['', 'Any number']] as const;
const HOURS = [['24', '1 day'], ['168', '7 days'], ['720', '30 days'], ['', 'Until revoked']] as const;

function Invites() {
  const utils = trpc.useUtils();
  const invites = trpc.admin.invites.useQuery(undefined, { staleTime: 0 });
  const [uses, setUses] = useState('1');
  const [hours, setHours] = useState('168');
  const create = trpc.admin.createInvite.useMutation({ onSuccess: () => void utils.admin.invites.invalidate() });
  const revoke = trpc.admin.revokeInvite.useMutation({ onSuccess: () => void utils.admin.invites.invalidate() });
  return (
    <DrawerSection title="Invite links">
      <form className="flex flex-wrap items-end gap-2 px-4" onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ maxUses: uses ? Number(uses) : null, expiresInHours: hours ? Number(hours) : null });
      }}>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Opens</span>
          <select className={select} value={uses} onChange={(e) => setUses(e.target.value)}>
            {USES.map(([v, l]) => <option key={l} value={v}>{l}</option>)}
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block font-medium">Works for</span>
          <select className={select} value={hours} onChange={(e) => setHours(e.target.value)}>
            {HOURS.map(([v, l]) => <option key={l} value={v}>{l}</option>)}
          </select>
        </label>
        <button type="submit" disabled={create.isPending} className="rounded-full bg-brand px-4 py-1.5 text-sm font-medium text-white disabled:opacity-60">
          Create link
        </button>
      </form>
      {create.error && <p role="alert" className="px-4 pt-2 text-sm text-red-700 dark:text-red-300">{errorMessage(create.error)}</p>}
      {create.data && (
        <div className="mx-4 mt-3">
          <ShownOnce key={create.data.url} label="New invite link" url={create.data.url} note="Send this link to the person you invite. It is shown only now." />
        </div>
      )}
      {invites.error ? <Failed error={invites.error} retry={() => void invites.refetch()} /> : invites.data && invites.data.length > 0 && (
        <ul aria-label="Invite links" className="mt-3">
          {invites.data.map((i) => (
            <li key={i.id} className="flex items-center gap-3 px-4 py-2">
              <span className="min-w-0 flex-1">
                <span className="block text-[15px]">{inviteUses(i)}</span>
                <span className={`block ${muted}`}>{inviteState(i)}</span>
              </span>
              {i.active && (
                <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate({ inviteId: i.id })}
                  className={`${smallButton} text-red-700 dark:text-red-300`} aria-label={`Revoke the invite made ${i.createdAt.toLocaleString()}`}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </DrawerSection>
  );
}

const inviteUses = (i: InviteInfo) => `${i.uses} of ${i.maxUses ?? 'any number of'} ${i.maxUses === 1 ? 'account' : 'accounts'} opened`;

function inviteState(i: InviteInfo): string {
  if (i.revokedAt) return 'Revoked';
  if (i.maxUses !== null && i.uses >= i.maxUses) return 'Used up';
  if (i.expiresAt && i.expiresAt <= new Date()) return 'Expired';
  return i.expiresAt ? `Works until ${i.expiresAt.toLocaleString()}` : 'Works until revoked';
}

function Accounts({ meId }: { meId: string }) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim());
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <DrawerSection title="Accounts">
      <div className="px-4 pb-2">
        <SearchBox label="Search accounts" value={query} onChange={(q) => { setQuery(q); setPages([null]); }} placeholder="Search username or name" />
      </div>
      <ul aria-label="Accounts">
        {pages.map((cursor, i) => (
          <AccountsPage key={`${deferred}:${cursor}`} query={deferred} cursor={cursor} meId={meId}
            onMore={i === pages.length - 1 ? (next) => setPages([...pages, next]) : null} />
        ))}
      </ul>
    </DrawerSection>
  );
}

function AccountsPage({ query, cursor, meId, onMore }: { query: string; cursor: string | null; meId: string; onMore: ((next: string) => void) | null }) {
  const page = trpc.admin.users.useQuery({ query: query || undefined, cursor }, { staleTime: 0 });
  if (page.error) return <li><Failed error={page.error} retry={() => void page.refetch()} /></li>;
  if (!page.data) return <li role="status" className={`px-4 py-2 ${muted}`}>Loading…</li>;
  if (page.data.users.length === 0 && cursor === null) return <li className={`px-4 py-2 ${muted}`}>No account matches “{query}”.</li>;
  return (
    <>
      {page.data.users.map((u) => <AccountRow key={u.id} user={u} me={u.id === meId} />)}
      {onMore && page.data.nextCursor && (
        <li className="px-4 py-2">
          <button type="button" className={`${smallButton} text-brand dark:text-emerald-400`} onClick={() => onMore(page.data.nextCursor!)}>Show more</button>
        </li>
      )}
    </>
  );
}

function AccountRow({ user, me }: { user: AdminUser; me: boolean }) {
  const utils = trpc.useUtils();
  const refresh = { onSuccess: () => void Promise.all([utils.admin.users.invalidate(), utils.admin.figures.invalidate()]) };
  const setDisabled = trpc.admin.setDisabled.useMutation(refresh);
  const setAdmin = trpc.admin.setAdmin.useMutation(refresh);
  const resetLink = trpc.admin.createResetLink.useMutation();
  const deleteUser = trpc.admin.deleteUser.useMutation(refresh);
  const [confirm, setConfirm] = useState<'disable' | 'delete' | null>(null);
  const failed = setDisabled.error ?? setAdmin.error ?? resetLink.error;
  const seen = user.online ? 'online' : user.lastSeenAt ? formatLastSeen(user.lastSeenAt) : 'never connected';
  return (
    <li className="px-4 py-2">
      <div className="flex items-center gap-3">
        <Avatar id={user.id} name={user.displayName} size="sm" />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-[15px]">
            {user.displayName}
            {user.role === 'admin' && <span className="ml-2 rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-900/60 dark:text-emerald-100">Admin</span>}
            {(user.disabled || user.deleted) && (
              <span className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-900 dark:bg-red-900/60 dark:text-red-100">{user.deleted ? 'Deleted' : 'Disabled'}</span>
            )}
          </span>
          <span className={`block truncate text-xs ${muted}`}>@{user.username} · {me ? 'you' : seen}</span>
        </span>
      </div>
      {!me && !user.deleted && (
        <div className="mt-1 flex flex-wrap justify-end gap-1">
          <button type="button" disabled={resetLink.isPending} onClick={() => resetLink.mutate({ userId: user.id })}
            className={`${smallButton} text-brand dark:text-emerald-400`} aria-label={`Password reset link for ${user.displayName}`}>
            Reset link
          </button>
          <button type="button" disabled={setAdmin.isPending} onClick={() => setAdmin.mutate({ userId: user.id, admin: user.role !== 'admin' })}
            className={`${smallButton} text-brand dark:text-emerald-400`} aria-label={`${user.role === 'admin' ? 'Remove admin' : 'Make admin'}: ${user.displayName}`}>
            {user.role === 'admin' ? 'Remove admin' : 'Make admin'}
          </button>
          {user.disabled ? (
            <button type="button" disabled={setDisabled.isPending} onClick={() => setDisabled.mutate({ userId: user.id, disabled: false })}
              className={`${smallButton} text-brand dark:text-emerald-400`} aria-label={`Enable ${user.displayName}`}>
              Enable
            </button>
          ) : (
            <button type="button" onClick={() => setConfirm('disable')} className={`${smallButton} text-red-700 dark:text-red-300`} aria-label={`Disable ${user.displayName}`}>
              Disable
            </button>
          )}
          <button type="button" onClick={() => setConfirm('delete')} className={`${smallButton} text-red-700 dark:text-red-300`} aria-label={`Delete ${user.displayName}`}>
            Delete
          </button>
        </div>
      )}
      {resetLink.data && (
        <ShownOnce label={`Password reset link for ${user.displayName}`} url={resetLink.data.url}
          note={`Give it to ${user.displayName} yourself: it sets a new password once, until ${resetLink.data.expiresAt.toLocaleString()}, and signs them out everywhere.`} />
      )}
      {failed && <p role="alert" className="pt-1 text-sm text-red-700 dark:text-red-300">{errorMessage(failed)}</p>}
      {confirm === 'disable' && (
        <ConfirmDialog title={`Disable ${user.displayName}?`} confirmLabel="Disable" onClose={() => setConfirm(null)}
          text="They are signed out of every device at once and cannot sign in until an admin enables the account again. Their messages stay."
          onConfirm={() => setDisabled.mutateAsync({ userId: user.id, disabled: true })} />
      )}
      {confirm === 'delete' && (
        <ConfirmDialog title={`Delete ${user.displayName}?`} confirmLabel="Delete" onClose={() => setConfirm(null)}
          text="This cannot be undone. They leave every group and are signed out everywhere; their name, about line and contacts are erased. What they said stays, under “Deleted account”."
          onConfirm={() => deleteUser.mutateAsync({ userId: user.id })} />
      )}
    </li>
  );
}

/** A link the server shows only now (an invite, a password reset): selectable, with Copy. */
function ShownOnce({ label, url, note }: { label: string; url: string; note: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="mt-2 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-950 dark:bg-emerald-950/50 dark:text-emerald-50">
      <p className="mb-1 font-medium">{note}</p>
      <div className="flex items-center gap-2">
        <input readOnly value={url} aria-label={label} onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs text-neutral-900 dark:border-emerald-800 dark:bg-neutral-900 dark:text-neutral-100" />
        <button type="button" className={`${smallButton} text-emerald-900 dark:text-emerald-100`}
          onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true), () => {})}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
