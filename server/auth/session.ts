// Reads who is calling from a next-auth session cookie or a bearer token, on HTTP and WebSocket upgrades alike.
import type { IncomingHttpHeaders } from 'node:http';
import { decode, encode } from 'next-auth/jwt';
import type { UserSummary } from '../../lib/schemas.ts';
import { authSecret, env } from '../env.ts';
import { browserCaller, isAccessToken, SESSION_MAX_AGE_S, startSession, tokenCaller, type Caller } from './sessions.ts';

// next-auth names its cookie by the scheme of NEXTAUTH_URL (our public URL).
export function sessionCookieName(): string {
  return env.publicUrl.startsWith('https:') ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Who is calling: a personal access token (bearer), or a next-auth session JWT (the browser's cookie,
 * or a bearer) whose session has not ended. Null for anything else.
 */
export async function callerFromHeaders(headers: IncomingHttpHeaders): Promise<Caller | null> {
  const auth = headers.authorization;
  const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
  if (bearer !== undefined && isAccessToken(bearer)) return tokenCaller(bearer);
  const raw = bearer ?? readCookie(headers.cookie, sessionCookieName());
  if (!raw) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: raw, secret: authSecret() });
  } catch {
    return null; // forged, expired or signed with another secret
  }
  // A JWT without a session id predates server-side sessions: it cannot be ended, so it is not honoured.
  if (typeof token?.sub !== 'string' || typeof token.sid !== 'string') return null;
  return browserCaller(token.sub, token.sid);
}

/**
 * A session JWT for a new browser session of the user, as next-auth's cookie holds it (tests and
 * tools that act as a browser; scripts use personal access tokens).
 */
export async function issueSessionToken(user: UserSummary, device = 'Script'): Promise<string> {
  const { id: sid } = await startSession(user.id, 'browser', device);
  return encode({
    token: { sub: user.id, sid, name: user.displayName, username: user.username },
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_S,
  });
}
