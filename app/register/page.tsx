// Create an account.
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card.tsx';
import { RegisterForm } from '@/components/auth/register-form.tsx';
import { currentUser } from '@/server/auth/current-user.ts';

export const dynamic = 'force-dynamic';

export default async function RegisterPage() {
  if (await currentUser()) redirect('/');
  return (
    <AuthCard title="Create your account" footer={{ text: 'Already have an account?', link: '/login', label: 'Log in' }}>
      <RegisterForm />
    </AuthCard>
  );
}
