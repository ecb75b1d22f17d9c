'use client';
// The reset page's form: a new password for the account the link is for, then signed in with it.
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import type { UserSummary } from '@/lib/schemas.ts';
import { errorMessage, trpc, TrpcProvider } from '../trpc.tsx';
import { Field, SubmitButton, useFocusFirstError } from '../ui/field.tsx';
import { signInWithPassword } from './session.ts';

export function ResetForm(props: { token: string; person: UserSummary }) {
  return (
    <TrpcProvider>
      <ResetFormInner {...props} />
    </TrpcProvider>
  );
}

function ResetFormInner({ token, person }: { token: string; person: UserSummary }) {
  const router = useRouter();
  const reset = trpc.auth.resetPassword.useMutation();
  const [error, setError] = useState<{ field: 'newPassword' | 'form'; message: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, error);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const newPassword = String(new FormData(e.currentTarget).get('newPassword') ?? '');
    setError(null);
    try {
      await reset.mutateAsync({ token, newPassword });
    } catch (err) {
      const field = (err as { data?: { field?: string } }).data?.field === 'newPassword' ? 'newPassword' : 'form';
      setError({ field, message: errorMessage(err) });
      return;
    }
    const { error: signInError } = await signInWithPassword(person.username, newPassword);
    if (signInError) setError({ field: 'form', message: 'Your password was changed, but signing in failed. Try logging in.' });
    else {
      router.replace('/');
      router.refresh();
    }
  }

  return (
    <form ref={form} onSubmit={onSubmit} noValidate>
      <p className="mb-4 text-sm text-neutral-700 dark:text-neutral-300">
        For <strong>{person.displayName}</strong> (@{person.username}). Every device signed in to this account will be signed out.
      </p>
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required autoFocus
        error={error?.field === 'newPassword' ? error.message : undefined} hint="At least 8 characters, with a digit or symbol" />
      {error?.field === 'form' && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">{error.message}</p>
      )}
      <SubmitButton busy={reset.isPending}>Set password</SubmitButton>
    </form>
  );
}
