// tRPC setup: the request context, the error formatter, and the procedure builders every router uses.
import { initTRPC, TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import { z } from 'zod';
import { conversationIdInput, type UserId } from '../lib/schemas.ts';
import { isAdmin } from './admin/service.ts';
import { assertMember, readableRange } from './conversations/service.ts';
import { budgetKey, costOf, spend, type CallBudget } from './http/call-budget.ts';
import { AppError, TRPC_CODE_OF } from './errors.ts';
import { logger } from './logger.ts';
import { wireTransformer } from './wire-format.ts';

export interface Context {
  userId: UserId | null;
  /** The session (signed-in browser or access token) the call came through; null in tests. */
  sessionId: string | null;
  /** The call budget an HTTP call spends here (http/call-budget.ts); null for socket calls (live-socket.ts spends theirs) and in-process ones. */
  budget: CallBudget | null;
  /** Where the request came from (http/client-address.ts), for limits per address; null in tests. */
  clientAddress: string | null;
  log: Logger;
}

const INTERNAL_MESSAGE = 'Something went wrong on the server';

const t = initTRPC.context<Context>().create({
  transformer: wireTransformer,
  // The SSE fallback's keep-alive: a ping every 10 s, and clients reconnect after 25 s of silence.
  sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const appError = cause instanceof AppError ? cause : undefined;
    const zodError = cause instanceof z.ZodError ? cause : undefined;
    return {
      ...shape,
      // Zod's messages are ours; anything unexpected is hidden from clients (it is logged instead),
      // also where no middleware runs (an error inside a subscription's stream).
      message: zodError
        ? zodError.issues.map((i) => i.message).join('; ')
        : shape.data.code === 'INTERNAL_SERVER_ERROR' && !appError
          ? INTERNAL_MESSAGE
          : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        field: appError?.field,
        retryAfterMs: appError?.retryAfterMs,
        fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined,
      },
    };
  },
});

/**
 * An error as a client may see it: a service's AppError by its code, tRPC's own (bad input) as is,
 * anything else logged here and hidden behind a generic message.
 */
export function clientErrorOf(err: TRPCError, log: Logger, path: string): TRPCError {
  if (err.cause instanceof AppError) return new TRPCError({ code: TRPC_CODE_OF[err.cause.code], message: err.cause.message, cause: err.cause });
  if (err.code !== 'INTERNAL_SERVER_ERROR') return err;
  log.error({ err: err.cause ?? err, path }, 'procedure failed');
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_MESSAGE });
}

/** Maps service errors to tRPC's and keeps internal failures' details out of responses. */
const errorMapping = t.middleware(async ({ next, ctx, path }) => {
  const result = await next();
  if (!result.ok) result.error = clientErrorOf(result.error, ctx.log, path);
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** An HTTP call spends the caller's call budget (http/call-budget.ts) before it runs, waiting for it if need be. */
const budget = t.middleware(async ({ ctx, path, next }) => {
  if (ctx.budget) await spend(ctx.budget, budgetKey(ctx.userId, ctx.clientAddress), costOf(path));
  return next();
});

export const publicProcedure = t.procedure.use(errorMapping).use(budget);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first' });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

/** For the instance's administration (server/admin): the caller must be an admin, and not disabled. */
export const adminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (!(await isAdmin(ctx.userId))) throw new AppError('FORBIDDEN', 'Only an admin of this server can do that');
  return next();
});

/** For procedures that change one conversation: the caller must be a current member (ctx.role). */
export const memberProcedure = authedProcedure.input(conversationIdInput).use(async ({ ctx, input, next }) => {
  const role = await assertMember(ctx.userId, input.conversationId);
  return next({ ctx: { ...ctx, role } });
});

/** For procedures that read one conversation: current or former members, within ctx.range. */
export const readerProcedure = authedProcedure.input(conversationIdInput).use(async ({ ctx, input, next }) => {
  const range = await readableRange(ctx.userId, input.conversationId);
  return next({ ctx: { ...ctx, range } });
});

export interface Who {
  userId: UserId | null;
  sessionId?: string | null;
  clientAddress?: string | null;
  budget?: CallBudget | null;
}

export function rootContext({ userId, sessionId = null, clientAddress = null, budget = null }: Who, bindings: Record<string, unknown> = {}): Context {
  return { userId, sessionId, clientAddress, budget, log: logger.child({ ...bindings, userId }) };
}
