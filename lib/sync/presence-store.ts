// What this client knows of other people's presence: fed by presence.get answers and presence.updated events.
import type { Presence } from '../schemas.ts';

export class PresenceStore {
  private readonly known = new Map<string, Presence>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever anything known changes (for useSyncExternalStore). */
  getVersion = () => this.version;

  get(userId: string): Presence | undefined {
    return this.known.get(userId);
  }

  set(list: Presence[]): void {
    if (list.length === 0) return;
    for (const p of list) this.known.set(p.userId, p);
    this.version += 1;
    for (const l of this.listeners) l();
  }
}
