// Log in.
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card.tsx';
import { LoginForm } from '@/components/auth/login-form.tsx';
import { currentUser } from '@/server/auth/current-user.ts';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ ended?: string }> }) {
  if (await currentUser()) redirect('/');
  const { ended } = await searchParams;
  return (
    <AuthCard title="Log in to Parley" footer={{ text: 'New here?', link: '/register', label: 'Create an account' }}>
      {ended !== undefined && (
        <p role="status" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-100">
          You were logged out of this browser (from another device, or after a password change). Log in again to go on.
        </p>
      )}
      <LoginForm />
    </AuthCard>
  );
}
