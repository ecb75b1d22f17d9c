// next-auth configuration: username + password (Credentials), JWT sessions in an HttpOnly cookie.
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { loginInput } from '../../lib/schemas.ts';
import { authSecret } from '../env.ts';
import { budgetKey, callBudget, PASSWORD_COST, spend } from '../http/call-budget.ts';
import { clientAddressOf } from '../http/client-address.ts';
import { verifyCredentials } from './service.ts';
import { deviceName, endSessions, SESSION_MAX_AGE_S, startSession } from './sessions.ts';

declare module 'next-auth' {
  interface Session {
    user: { id: string; name: string; username: string };
    /** The server-side session (server/auth/sessions.ts) this cookie belongs to. */
    sessionId: string;
  }
}

let options: NextAuthOptions | undefined;

// Built on first use, not at import: `next build` imports route modules without a data directory.
export function getAuthOptions(): NextAuthOptions {
  return (options ??= {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Username',
        credentials: { username: { label: 'Username' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials, req) {
          const parsed = loginInput.safeParse(credentials);
          if (!parsed.success) return null;
          // A RATE_LIMITED AppError propagates: next-auth hands its message to the login form.
          const headers = req?.headers ?? {};
          const address = clientAddressOf(headers);
          // A password check spends the address's call budget as auth.createToken does (a RATE_LIMITED AppError).
          await spend(callBudget, budgetKey(null, address), PASSWORD_COST);
          const user = await verifyCredentials(parsed.data, address);
          if (!user) return null;
          const { id: sid } = await startSession(user.id, 'browser', deviceName(headers['user-agent']));
          return { id: user.id, name: user.displayName, username: user.username, sid };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.username = (user as { username?: string }).username;
          token.sid = (user as { sid?: string }).sid;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.sub!, name: token.name ?? '', username: String(token.username ?? '') };
        session.sessionId = String(token.sid ?? '');
        return session;
      },
    },
    events: {
      // Logging out ends the session everywhere, not only this cookie.
      async signOut({ token }) {
        if (typeof token?.sub === 'string' && typeof token.sid === 'string') await endSessions(token.sub, { only: token.sid });
      },
    },
  });
}
