// The in-process connection registry: the same contract as the Redis one, for a single instance.
import type { PresenceRegistry } from './presence-registry.ts';

export class MemoryPresenceRegistry implements PresenceRegistry {
  private readonly users = new Map<string, Map<string, number>>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  async connect(userId: string, connectionId: string): Promise<boolean> {
    let connections = this.users.get(userId);
    const wasOnline = this.live(connections) > 0;
    if (!connections) this.users.set(userId, (connections = new Map()));
    connections.set(connectionId, this.now() + this.ttlMs);
    return !wasOnline;
  }

  async disconnect(userId: string, connectionId: string): Promise<boolean> {
    const connections = this.users.get(userId);
    if (!connections?.delete(connectionId)) return false;
    if (this.live(connections) > 0) return false;
    this.users.delete(userId);
    return true;
  }

  async renew(list: { userId: string; connectionId: string }[]): Promise<void> {
    for (const { userId, connectionId } of list) {
      let connections = this.users.get(userId);
      if (!connections) this.users.set(userId, (connections = new Map()));
      connections.set(connectionId, this.now() + this.ttlMs);
    }
  }

  async online(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.live(this.users.get(id)) > 0));
  }

  async sweep(): Promise<string[]> {
    const gone: string[] = [];
    for (const [userId, connections] of this.users) {
      for (const [id, expiresAt] of connections) if (expiresAt <= this.now()) connections.delete(id);
      if (connections.size === 0) {
        this.users.delete(userId);
        gone.push(userId);
      }
    }
    return gone;
  }

  async close(): Promise<void> {
    this.users.clear();
  }

  private live(connections: Map<string, number> | undefined): number {
    let n = 0;
    for (const expiresAt of connections?.values() ?? []) if (expiresAt > this.now()) n += 1;
    return n;
  }
}
