// next-auth's endpoints (sign in, sign out, session, CSRF) under /api/auth.
import NextAuth from 'next-auth';
import { getAuthOptions } from '@/server/auth/next-auth.ts';

export const dynamic = 'force-dynamic';

type RouteContext = { params: Promise<{ nextauth: string[] }> };

function handler(req: Request, context: RouteContext) {
  return NextAuth(req as never, context as never, getAuthOptions());
}

export { handler as GET, handler as POST };
