// A conversation by URL (links, reloads, notification clicks): the app with that conversation open.
import { redirect } from 'next/navigation';
import { ChatApp } from '@/components/chat/chat-app.tsx';
import { currentUser } from '@/server/auth/current-user.ts';

export const dynamic = 'force-dynamic';

export default async function ConversationPage({ params }: { params: Promise<{ conversationId: string }> }) {
  const me = await currentUser();
  if (!me) redirect('/login');
  const { conversationId } = await params;
  return <ChatApp me={me} initialConversationId={conversationId} />;
}
