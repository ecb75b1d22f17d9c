// Headers on every response: no sniffing, no framing, no referrer to other sites, HSTS behind https;
// and the pages' Content-Security-Policy with a nonce of their own. Next puts that nonce on every
// script it writes into a page (it reads it from the request's CSP header, set here), so no inline
// script runs without it: 'unsafe-inline' is allowed for styles only.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface SecurityHeaderOptions {
  /** PUBLIC_URL is https: browsers are told to use nothing else. */
  https: boolean;
  /** Next in development evaluates code for hot reloading. */
  dev: boolean;
}

/** The policy for one response, with its nonce. */
function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:", // a video or recording being sent plays from the file itself
    "font-src 'self'",
    "connect-src 'self'", // the WebSocket and the event stream are same-origin
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers every response gets (API answers included). */
export function applySecurityHeaders(res: ServerResponse, { https }: Pick<SecurityHeaderOptions, 'https'>): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}

/** For what Next serves (pages and their assets): the policy with a nonce of its own. */
export function applyPagePolicy(req: IncomingMessage, res: ServerResponse, { dev }: Pick<SecurityHeaderOptions, 'dev'>): void {
  const policy = contentSecurityPolicy(randomBytes(16).toString('base64'), dev);
  req.headers['content-security-policy'] = policy; // where Next finds the nonce (a client's own is replaced)
  res.setHeader('Content-Security-Policy', policy);
}
