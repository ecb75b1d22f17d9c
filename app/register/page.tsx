// Create an account: open to anyone, by invite link (/register?invite=…), or closed (server/admin).
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card.tsx';
import { RegisterForm } from '@/components/auth/register-form.tsx';
import { getRegistration } from '@/server/admin/service.ts';
import { currentUser } from '@/server/auth/current-user.ts';

export const dynamic = 'force-dynamic';

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  if (await currentUser()) redirect('/');
  const { invite: given } = await searchParams;
  const invite = typeof given === 'string' && given.trim() ? given.trim() : undefined;
  const mode = await getRegistration();
  const footer = { text: 'Already have an account?', link: '/login', label: 'Log in' };
  const shut = mode === 'closed' ? 'Registration is closed on this server. Ask its administrator for an account.'
    : mode === 'invite' && !invite ? 'This server takes new accounts by invitation: open the invite link you were given, or ask its administrator for one.'
      : null;
  return (
    <AuthCard title={shut ? 'No registration here' : 'Create your account'} footer={footer}>
      {shut ? <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">{shut}</p> : <RegisterForm invite={invite} />}
    </AuthCard>
  );
}
