// The app: inbox and conversation, for a signed-in user.
import { redirect } from 'next/navigation';
import { ChatApp } from '@/components/chat/chat-app.tsx';
import { currentUser } from '@/server/auth/current-user.ts';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const me = await currentUser();
  if (!me) redirect('/login');
  return <ChatApp me={me} initialConversationId={null} />;
}
