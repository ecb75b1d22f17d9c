// What a failed call's error says: to a person, and about trying again (the outbox's and receipts' retry loops).

/** The message to show a person for a failed call. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string' && err.message) return err.message;
  return 'Something went wrong. Try again.';
}

// Errors worth retrying: the server or the way to it had a problem, not the request.
const TRANSIENT = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'TOO_MANY_REQUESTS', 'TIMEOUT', 'CLIENT_CLOSED_REQUEST']);

/** A refusal by the server (too long, no longer a member…): retrying the same call cannot succeed. */
export function isRefusal(err: unknown): boolean {
  const code = (err as { data?: { code?: unknown } } | null)?.data?.code;
  return typeof code === 'string' && !TRANSIENT.has(code);
}

/** The server's "try again in" for a refusal that passes (TOO_MANY_REQUESTS), ms; 0 without one. */
export function retryHintMs(err: unknown): number {
  const hint = (err as { data?: { retryAfterMs?: unknown } } | null)?.data?.retryAfterMs;
  return typeof hint === 'number' && hint > 0 ? hint : 0;
}
