// The start of every plain HTTP route outside tRPC (the export, media, uploads): who is asking
// (session cookie or access token) and the call budget they spend.
import type http from 'node:http';
import { callerFromHeaders } from '../auth/session.ts';
import type { Caller } from '../auth/sessions.ts';
import { AppError } from '../errors.ts';
import { budgetKey, spend, type CallBudget } from './call-budget.ts';
import { clientAddressOf } from './client-address.ts';

/** The signed-in caller, `cost` units spent; null once it answered (401 signed out, 429 over budget). */
export async function routeCaller(req: http.IncomingMessage, res: http.ServerResponse, budget: CallBudget, cost: number): Promise<Caller | null> {
  const caller = await callerFromHeaders(req.headers);
  if (!caller) {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('Log in first');
    return null;
  }
  try {
    await spend(budget, budgetKey(caller.userId, clientAddressOf(req.headers)), cost);
  } catch (err) {
    const wait = err instanceof AppError ? (err.retryAfterMs ?? 1000) : 1000;
    res.writeHead(429, { 'retry-after': String(Math.ceil(wait / 1000)), 'content-type': 'text/plain' }).end('Too many requests. Try again in a moment.');
    return null;
  }
  return caller;
}
