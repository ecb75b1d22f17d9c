// next-auth configuration: username + password (Credentials), JWT sessions in an HttpOnly cookie.
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { loginInput } from '../../lib/schemas.ts';
import { authSecret } from '../env.ts';
import { clientAddressOf } from '../http/client-address.ts';
import { verifyCredentials } from './service.ts';
import { SESSION_MAX_AGE_S } from './session.ts';

declare module 'next-auth' {
  interface Session {
    user: { id: string; name: string; username: string };
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
          const user = await verifyCredentials(parsed.data, clientAddressOf(req?.headers ?? {}));
          return user && { id: user.id, name: user.displayName, username: user.username };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.username = (user as { username?: string }).username;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.sub!, name: token.name ?? '', username: String(token.username ?? '') };
        return session;
      },
    },
  });
}
