'use client';
// The registration form: validates as the server does, shows each field's error inline, then signs in.
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { registerInput } from '@/lib/schemas.ts';
import { trpc, TrpcProvider, errorMessage } from '../trpc.tsx';
import { Field, SubmitButton, useFocusFirstError } from '../ui/field.tsx';
import { signInWithPassword } from './session.ts';

type Errors = Partial<Record<'username' | 'displayName' | 'password' | 'form', string>>;

/** `invite`: the code of the invite link the page was opened with. */
export function RegisterForm({ invite }: { invite?: string }) {
  return (
    <TrpcProvider>
      <RegisterFormInner invite={invite} />
    </TrpcProvider>
  );
}

function RegisterFormInner({ invite }: { invite?: string }) {
  const router = useRouter();
  const register = trpc.auth.register.useMutation();
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, errors);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const values = {
      username: String(form.get('username') ?? ''),
      displayName: String(form.get('displayName') ?? ''),
      password: String(form.get('password') ?? ''),
      ...(invite ? { invite } : {}),
    };
    // The same schema the server applies, so most mistakes are caught without a round trip.
    const parsed = registerInput.safeParse(values);
    if (!parsed.success) {
      const fieldErrors: Errors = {};
      for (const issue of parsed.error.issues) fieldErrors[issue.path[0] as keyof Errors] ??= issue.message;
      setErrors(fieldErrors);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await register.mutateAsync(parsed.data);
    } catch (err) {
      const data = (err as { data?: { field?: string } }).data;
      // An invite that no longer works is about the whole form (the code is not a field).
      const field = data?.field === 'invite' ? 'form' : data?.field;
      setErrors({ [field ?? 'form']: errorMessage(err) });
      setBusy(false);
      return;
    }
    const { error } = await signInWithPassword(parsed.data.username, values.password);
    if (!error) {
      router.replace('/');
      router.refresh();
    } else {
      setBusy(false);
      setErrors({ form: 'Your account was created, but signing in failed. Try logging in.' });
    }
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      {invite && <p className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-100">You were invited to this server.</p>}
      <Field label="Username" name="username" autoComplete="username" autoCapitalize="none" error={errors.username}
        hint="3–32 letters, digits, dots or underscores" required autoFocus />
      <Field label="Display name" name="displayName" autoComplete="name" error={errors.displayName} required />
      <Field label="Password" name="password" type="password" autoComplete="new-password" error={errors.password}
        hint="At least 8 characters, with a digit or symbol" required />
      {errors.form && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300">
          {errors.form}
        </p>
      )}
      <SubmitButton busy={busy}>Create account</SubmitButton>
    </form>
  );
}
