// Log in.
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card.tsx';
import { LoginForm } from '@/components/auth/login-form.tsx';
import { currentUser } from '@/server/auth/current-user.ts';

export const dynamic = 'force-dynamic';

export default async function LoginPage() {
  if (await currentUser()) redirect('/');
  return (
    <AuthCard title="Log in to Parley" footer={{ text: 'New here?', link: '/register', label: 'Create an account' }}>
      <LoginForm />
    </AuthCard>
  );
}
