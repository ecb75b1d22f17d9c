// The signed-in user for server-rendered pages (next-auth session from the request's cookie).
import { getServerSession } from 'next-auth';
import { getAuthOptions } from './next-auth.ts';

export interface SessionUser {
  id: string;
  name: string;
  username: string;
}

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(getAuthOptions());
  return session?.user ?? null;
}
