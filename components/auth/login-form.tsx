'use client';
// The login form: next-auth's Credentials sign-in, with the error shown inline.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Field, SubmitButton } from '../ui/field.tsx';
import { signInWithPassword } from './session.ts';

export function LoginForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    const { error } = await signInWithPassword(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
    if (!error) {
      router.replace('/');
      router.refresh();
    } else {
      setBusy(false);
      // next-auth reports our refusals (too many tries, a disabled account) by their message;
      // anything else is a wrong password.
      setError(error.startsWith('Too many') || error.startsWith('This account') ? error : 'Wrong username or password');
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <Field label="Username" name="username" autoComplete="username" autoCapitalize="none" required autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
          {error}
        </p>
      )}
      <SubmitButton busy={busy}>Log in</SubmitButton>
    </form>
  );
}
