// A Parley HTTP server in the test file's own process, on a free port, with a call budget no test
// reaches (the budget has tests of its own, server/http/server.test.ts): started before the file's
// tests, closed after them with the services they used.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { issueSessionToken } from '../auth/session.ts';
import { CallBudget } from '../http/call-budget.ts';
import { createParleyServer, type ParleyServer } from '../http/server.ts';
import { releaseServices, type TestUser } from './helpers.ts';
import { TusClient } from './tus-client.ts';

/** Call at the top of a test file; `host()` is the server's host:port once the tests run. */
export function serverForTests(): { host: () => string } {
  let server: ParleyServer;
  let host = '';
  beforeAll(async () => {
    server = createParleyServer({ allowedOrigins: [], callBudget: new CallBudget(1_000_000) });
    await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server.close();
    await releaseServices();
  });
  return { host: () => host };
}

/** Requests to that server as test users (a bearer session token each): plain fetches and tus uploads. */
export function requestsAs(served: { host: () => string }) {
  const base = () => `http://${served.host()}`;
  const tokens = new Map<string, string>();
  const tokenOf = async (user: TestUser): Promise<string> => {
    if (!tokens.has(user.id)) tokens.set(user.id, await issueSessionToken(user));
    return tokens.get(user.id)!;
  };
  return {
    base,
    tokenOf,
    tus: async (user: TestUser) => new TusClient(base(), await tokenOf(user)),
    fetchAs: async (user: TestUser | null, path: string, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${base()}${path}`, { headers: { ...headers, ...(user && { authorization: `Bearer ${await tokenOf(user)}` }) } }),
  };
}
