// How long to wait before retry number `attempt` (0-based): exponential with jitter, capped at 30 s,
// so many clients (or subscriptions) retrying after one failure do not stampede what came back.
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
}
