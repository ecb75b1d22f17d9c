// Typing on the client: who is typing where (each entry expires by itself), and the sender's throttle.
import type { TypingUpdatedEvent } from '../events.ts';
import { TYPING_REPEAT_MS, TYPING_TTL_MS } from '../limits.ts';

const NOBODY: readonly string[] = Object.freeze([]);

/** Who is typing in each conversation; an entry not renewed within TYPING_TTL_MS disappears. */
export class TypingStore {
  private readonly typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly snapshots = new Map<string, readonly string[]>();
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** User ids typing in the conversation, in the order they started; a stable array until it changes. */
  typers(conversationId: string): readonly string[] {
    return this.snapshots.get(conversationId) ?? NOBODY;
  }

  apply(event: Pick<TypingUpdatedEvent, 'conversationId' | 'userId' | 'isTyping'>): void {
    const { conversationId, userId, isTyping } = event;
    let users = this.typing.get(conversationId);
    const prior = users?.get(userId);
    if (prior) clearTimeout(prior);
    if (!isTyping) {
      if (prior) this.remove(conversationId, userId);
      return;
    }
    if (!users) this.typing.set(conversationId, (users = new Map()));
    users.set(userId, setTimeout(() => this.remove(conversationId, userId), TYPING_TTL_MS));
    if (!prior) this.changed(conversationId);
  }

  /** The user stopped typing everywhere (e.g. they went offline). */
  forget(userId: string): void {
    for (const [conversationId, users] of [...this.typing]) {
      const timer = users.get(userId);
      if (timer) {
        clearTimeout(timer);
        this.remove(conversationId, userId);
      }
    }
  }

  private remove(conversationId: string, userId: string): void {
    const users = this.typing.get(conversationId);
    if (!users?.delete(userId)) return;
    if (users.size === 0) this.typing.delete(conversationId);
    this.changed(conversationId);
  }

  private changed(conversationId: string): void {
    const users = this.typing.get(conversationId);
    if (users) this.snapshots.set(conversationId, [...users.keys()]);
    else this.snapshots.delete(conversationId);
    for (const l of this.listeners) l();
  }
}

/** The sender's side: "typing" at most every TYPING_REPEAT_MS while typing, "stopped" once after. */
export class TypingNotifier {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly send: (conversationId: string, isTyping: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  typed(conversationId: string): void {
    const last = this.lastSent.get(conversationId);
    if (last !== undefined && this.now() - last < TYPING_REPEAT_MS) return;
    this.lastSent.set(conversationId, this.now());
    this.send(conversationId, true);
  }

  stopped(conversationId: string): void {
    if (!this.lastSent.delete(conversationId)) return;
    this.send(conversationId, false);
  }
}
