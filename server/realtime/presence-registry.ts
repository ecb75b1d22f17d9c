// The connection registry behind presence: which users have a live connection anywhere, kept alive by
// heartbeats, so that an instance that dies takes its users offline within the TTL.
export interface PresenceRegistry {
  /** Registers a live connection; true when it is the user's first (they just came online). */
  connect(userId: string, connectionId: string): Promise<boolean>;
  /** Removes a connection; true when it was the user's last (they just went offline). */
  disconnect(userId: string, connectionId: string): Promise<boolean>;
  /** Renews the TTL of these connections (this instance's, on every heartbeat), registering any it lost. */
  renew(connections: { userId: string; connectionId: string }[]): Promise<void>;
  /** Which of these users have at least one live connection. */
  online(userIds: string[]): Promise<Set<string>>;
  /** Drops connections whose TTL ran out (their instance died); returns users left with none. */
  sweep(): Promise<string[]>;
  close(): Promise<void>;
}
