// The signed-in user for server-rendered pages (next-auth session from the request's cookie).
import { getServerSession } from 'next-auth';
import { getAuthOptions } from './next-auth.ts';
import { browserCaller } from './sessions.ts';

export interface SessionUser {
  id: string;
  name: string;
  username: string;
}

/** The cookie's user, if its session has not ended (logged out here or on another device). */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  if (!session?.sessionId) return null;
  return (await browserCaller(session.user.id, session.sessionId)) ? session.user : null;
}
