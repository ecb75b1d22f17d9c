// Reads who is calling from a next-auth session cookie or a bearer token, on HTTP and WebSocket upgrades alike.
import type { IncomingHttpHeaders } from 'node:http';
import { decode, encode } from 'next-auth/jwt';
import type { UserId, UserSummary } from '../../lib/schemas.ts';
import { authSecret, env } from '../env.ts';

export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

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

export async function userIdFromHeaders(headers: IncomingHttpHeaders): Promise<UserId | null> {
  const auth = headers.authorization;
  const raw = auth?.startsWith('Bearer ') ? auth.slice(7) : readCookie(headers.cookie, sessionCookieName());
  if (!raw) return null;
  try {
    const token = await decode({ token: raw, secret: authSecret() });
    return typeof token?.sub === 'string' ? token.sub : null;
  } catch {
    return null; // forged, expired or signed with another secret
  }
}

export function issueSessionToken(user: UserSummary): Promise<string> {
  return encode({
    token: { sub: user.id, name: user.displayName, username: user.username },
    secret: authSecret(),
    maxAge: SESSION_MAX_AGE_S,
  });
}
