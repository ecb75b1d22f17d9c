// Whose address a request has: the socket's, or behind a trusted proxy the one it added; never the client's say.
import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import { CLIENT_ADDRESS_HEADER, clientAddressOf, noteClientAddress } from './client-address.ts';

const request = (headers: Record<string, string>) => ({ headers: { ...headers }, socket: { remoteAddress: '10.0.0.5' } }) as unknown as IncomingMessage;

describe('noteClientAddress', () => {
  test("is the socket's peer, and a client's own header of that name is replaced", () => {
    const req = request({ [CLIENT_ADDRESS_HEADER]: '1.2.3.4', 'x-forwarded-for': '5.6.7.8' });
    noteClientAddress(req, false);
    expect(clientAddressOf(req.headers)).toBe('10.0.0.5');
  });

  test('behind a trusted proxy it is the last X-Forwarded-For entry, the one the proxy added', () => {
    const req = request({ 'x-forwarded-for': '6.6.6.6, 192.0.2.44' });
    noteClientAddress(req, true);
    expect(clientAddressOf(req.headers)).toBe('192.0.2.44');
    const direct = request({});
    noteClientAddress(direct, true);
    expect(clientAddressOf(direct.headers)).toBe('10.0.0.5');
  });
});
