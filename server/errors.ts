// The one error type services throw; server/trpc.ts maps it to tRPC codes the client can switch on.
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'LIMIT_REACHED'
  | 'UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Which input field the error is about, for inline form errors. */
    readonly field?: string,
    /** For refusals that pass (RATE_LIMITED, UNAVAILABLE): when a retry may succeed, ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const TRPC_CODE_OF = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  LIMIT_REACHED: 'UNPROCESSABLE_CONTENT',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<AppErrorCode, string>;

/** The one refusal for anyone who is not (or no longer) a member: it says nothing about whether the conversation exists. */
export const notAMember = () => new AppError('FORBIDDEN', 'You are not a member of this conversation');
