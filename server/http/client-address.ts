// The address a request came from, for limits per address: the socket's peer, or behind a trusted
// reverse proxy (TRUST_PROXY) the last X-Forwarded-For entry, the one that proxy added. It is put on
// the request as CLIENT_ADDRESS_HEADER for whatever handles it (tRPC, next-auth); a client's own
// header of that name is replaced, so it cannot be forged.
import type { IncomingMessage } from 'node:http';

export const CLIENT_ADDRESS_HEADER = 'x-parley-client-address';

export function noteClientAddress(req: IncomingMessage, trustProxy: boolean): void {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').at(-1)?.trim();
  req.headers[CLIENT_ADDRESS_HEADER] = last || req.socket.remoteAddress || 'unknown';
}

/** The address noted on a request's headers, if any. */
export function clientAddressOf(headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers[CLIENT_ADDRESS_HEADER];
  return typeof value === 'string' ? value : null;
}
