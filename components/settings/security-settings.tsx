'use client';
// Devices and security, in the inbox's column: the browsers signed in to this account (log any of them
// out, or all but this one), the password, and personal access tokens for scripts and bots.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { SessionInfo } from '@/lib/schemas.ts';
import { errorMessage, trpc, type ApiError } from '../trpc.tsx';
import { Field, useFocusFirstError } from '../ui/field.tsx';
import { Drawer, DrawerSection as Section } from '../ui/drawer.tsx';
import { formatLastActive } from '../ui/format.ts';
import { DeviceIcon, KeyIcon } from '../ui/icons.tsx';

export function SecuritySettings({ onClose }: { onClose: () => void }) {
  const sessions = trpc.auth.sessions.useQuery(undefined, { staleTime: 0 });
  return (
    <Drawer title="Devices and security" onClose={onClose}>
        <Section title="Signed-in devices">
          {sessions.data ? (
            <Devices sessions={sessions.data.filter((s) => s.kind === 'browser')} />
          ) : (
            <Loading failed={sessions.error} retry={() => void sessions.refetch()} />
          )}
        </Section>
        <Section title="Password">
          <ChangePassword />
        </Section>
        <Section title="Access tokens">
          <p className="px-4 pb-2 text-sm text-neutral-600 dark:text-neutral-400">
            For scripts and bots: send one as <code className="rounded bg-black/5 px-1 dark:bg-white/10 dark:text-neutral-200">Authorization: Bearer …</code>. Each works until you revoke it.
          </p>
          {sessions.data ? (
            <Tokens tokens={sessions.data.filter((s) => s.kind === 'token')} />
          ) : (
            <Loading failed={sessions.error} retry={() => void sessions.refetch()} />
          )}
        </Section>
    </Drawer>
  );
}

function Loading({ failed, retry }: { failed: ApiError | null; retry: () => void }) {
  return failed ? (
    <p className="px-4 text-sm text-red-600 dark:text-red-400">
      Could not load them. {errorMessage(failed)}{' '}
      <button type="button" onClick={retry} className="underline">Try again</button>
    </p>
  ) : (
    <p role="status" className="px-4 text-sm text-neutral-600 dark:text-neutral-400">Loading…</p>
  );
}

function Row({ icon, name, detail, children }: { icon: ReactNode; name: string; detail: ReactNode; children?: ReactNode }) {
  return (
    <li className="flex items-center gap-3 px-4 py-2.5">
      <span className="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-black/5 text-neutral-600 dark:bg-white/10 dark:text-neutral-300">{icon}</span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-[15px]">{name}</p>
        <p className="truncate text-xs text-neutral-600 dark:text-neutral-400">{detail}</p>
      </div>
      {children}
    </li>
  );
}

const quietButton = 'shrink-0 rounded-full px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50 dark:text-red-300 dark:hover:bg-red-950/40';

function useEndSession() {
  const utils = trpc.useUtils();
  return trpc.auth.endSession.useMutation({ onSettled: () => void utils.auth.sessions.invalidate() });
}

function Devices({ sessions }: { sessions: SessionInfo[] }) {
  const utils = trpc.useUtils();
  const end = useEndSession();
  const endOthers = trpc.auth.endOtherSessions.useMutation({ onSettled: () => void utils.auth.sessions.invalidate() });
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <ul aria-label="Signed-in devices">
        {sessions.map((s) => (
          <Row key={s.id} icon={<DeviceIcon className="h-5 w-5" />} name={s.name}
            detail={s.current ? <span className="font-medium text-brand dark:text-emerald-400">This device</span> : formatLastActive(s.lastUsedAt)}>
            {!s.current && (
              <button type="button" className={quietButton} disabled={end.isPending} onClick={() => end.mutate({ sessionId: s.id })}
                aria-label={`Log out ${s.name}`}>
                Log out
              </button>
            )}
          </Row>
        ))}
      </ul>
      {(end.error ?? endOthers.error) && <p role="alert" className="px-4 text-sm text-red-600 dark:text-red-400">{errorMessage(end.error ?? endOthers.error)}</p>}
      {others > 0 && (
        <button type="button" disabled={endOthers.isPending} onClick={() => endOthers.mutate()}
          className="mx-4 mt-2 rounded-full border border-red-300 px-4 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40">
          {endOthers.isPending ? 'Logging out…' : 'Log out all other devices'}
        </button>
      )}
    </>
  );
}

/** The field an API error is about (ours, or the schema's), and its message. */
function fieldErrorOf(err: ApiError | null, field: string): string | undefined {
  if (!err) return undefined;
  if (err.data?.field === field) return err.message;
  return (err.data?.fieldErrors as Record<string, string[] | undefined> | undefined)?.[field]?.[0];
}

function ChangePassword() {
  const [done, setDone] = useState<string>();
  const form = useRef<HTMLFormElement>(null);
  const utils = trpc.useUtils();
  const change = trpc.auth.changePassword.useMutation({
    onSuccess: ({ endedSessions }) => {
      form.current?.reset();
      setDone(endedSessions > 0 ? `Password changed. ${endedSessions} other ${endedSessions === 1 ? 'session was' : 'sessions were'} logged out.` : 'Password changed.');
      void utils.auth.sessions.invalidate();
    },
  });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setDone(undefined);
    change.mutate({ currentPassword: String(data.get('currentPassword')), newPassword: String(data.get('newPassword')) });
  };
  useFocusFirstError(form, change.error);
  const general = change.error && !fieldErrorOf(change.error, 'currentPassword') && !fieldErrorOf(change.error, 'newPassword') ? errorMessage(change.error) : undefined;
  return (
    <form ref={form} onSubmit={onSubmit} className="px-4" noValidate>
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={fieldErrorOf(change.error, 'currentPassword')} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required
        hint="A few uncommon words make a strong password. Your other devices will be logged out."
        error={fieldErrorOf(change.error, 'newPassword')} />
      {general && <p role="alert" className="mb-2 text-sm text-red-600 dark:text-red-400">{general}</p>}
      {done && <p role="status" className="mb-2 text-sm text-emerald-700 dark:text-emerald-400">{done}</p>}
      <button type="submit" disabled={change.isPending}
        className="rounded-full bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark disabled:opacity-60">
        {change.isPending ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}

function Tokens({ tokens }: { tokens: SessionInfo[] }) {
  const utils = trpc.useUtils();
  const end = useEndSession();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [copied, setCopied] = useState(false);
  const create = trpc.auth.createAccessToken.useMutation({
    onSuccess: ({ token, session }) => {
      setCreated({ name: session.name, token });
      setCopied(false);
      setName('');
      void utils.auth.sessions.invalidate();
    },
  });
  return (
    <>
      {created && (
        <div className="mx-4 mb-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-950 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-900">
          <p className="mb-2 font-medium">Copy the token “{created.name}” now: it will not be shown again.</p>
          <div className="flex gap-2">
            <input readOnly value={created.token} aria-label="New access token" onFocus={(e) => e.currentTarget.select()}
              className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:border-amber-800 dark:bg-neutral-900" />
            <button type="button"
              onClick={() => void navigator.clipboard?.writeText(created.token).then(() => setCopied(true), () => setCopied(false))}
              className="shrink-0 rounded-md bg-amber-600 px-3 py-1 text-xs font-medium text-white hover:bg-amber-700 dark:bg-amber-700">
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <button type="button" onClick={() => setCreated(undefined)} className="mt-2 text-xs underline">Done</button>
        </div>
      )}
      {tokens.length === 0 ? (
        <p className="px-4 pb-2 text-sm text-neutral-600 dark:text-neutral-400">No tokens yet.</p>
      ) : (
        <ul aria-label="Access tokens">
          {tokens.map((t) => (
            <Row key={t.id} icon={<KeyIcon className="h-5 w-5" />} name={t.name}
              detail={t.lastUsedAt.getTime() === t.createdAt.getTime() ? 'Never used' : formatLastActive(t.lastUsedAt)}>
              <button type="button" className={quietButton} disabled={end.isPending} onClick={() => end.mutate({ sessionId: t.id })}
                aria-label={`Revoke ${t.name}`}>
                Revoke
              </button>
            </Row>
          ))}
        </ul>
      )}
      <form
        className="mt-2 flex items-end gap-2 px-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate({ name });
        }}
      >
        <label className="min-w-0 flex-1">
          <span className="mb-1 block text-sm font-medium text-neutral-700 dark:text-neutral-300">New token</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="What it is for, e.g. deploy bot"
            className="w-full rounded-lg border border-neutral-300 bg-white px-3 py-2 text-[15px] outline-none focus:border-brand focus:ring-2 focus:ring-brand/30 dark:border-neutral-600 dark:bg-neutral-900" />
        </label>
        <button type="submit" disabled={create.isPending || !name.trim()}
          className="rounded-full bg-brand px-4 py-2 text-sm font-medium text-white hover:bg-brand-dark disabled:bg-neutral-300 disabled:text-neutral-500 dark:disabled:bg-neutral-700">
          {create.isPending ? 'Creating…' : 'Create'}
        </button>
      </form>
      {(create.error ?? end.error) && <p role="alert" className="px-4 pt-2 text-sm text-red-600 dark:text-red-400">{errorMessage(create.error ?? end.error)}</p>}
    </>
  );
}
