// A password reset link an admin made (/reset/<token>): choose a new password, once.
import { AuthCard } from '@/components/auth/auth-card.tsx';
import { ResetForm } from '@/components/auth/reset-form.tsx';
import { resetLinkOwner } from '@/server/auth/password-reset.ts';

export const dynamic = 'force-dynamic';

export default async function ResetPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const owner = await resetLinkOwner(decodeURIComponent(token)).catch(() => null);
  const footer = { text: 'Remember it after all?', link: '/login', label: 'Log in' };
  return (
    <AuthCard title={owner ? 'Choose a new password' : 'This link does not work'} footer={footer}>
      {owner ? (
        <ResetForm token={decodeURIComponent(token)} person={owner} />
      ) : (
        <p role="status" className="text-sm text-neutral-700 dark:text-neutral-300">
          It was used already, it expired, or a newer one was made. Ask the administrator of this server for a new one.
        </p>
      )}
    </AuthCard>
  );
}
