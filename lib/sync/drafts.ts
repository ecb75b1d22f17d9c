// Unsent text per chat, kept in the browser (localStorage) across chat switches and reloads, per account.

export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class DraftStore {
  private readonly listeners = new Set<() => void>();
  private version = 0;

  constructor(
    private readonly userId: string,
    private readonly storage: DraftStorage | null = typeof localStorage === 'undefined' ? null : localStorage,
  ) {}

  private key(conversationId: string): string {
    return `parley-draft:${this.userId}:${conversationId}`;
  }

  get(conversationId: string): string {
    try {
      return this.storage?.getItem(this.key(conversationId)) ?? '';
    } catch {
      return ''; // storage refused (private mode, quota): drafts live as long as the composer
    }
  }

  /** Text with only whitespace is no draft. */
  set(conversationId: string, text: string): void {
    const had = this.get(conversationId);
    const next = text.trim() ? text : '';
    if (had === next) return;
    try {
      if (next) this.storage?.setItem(this.key(conversationId), next);
      else this.storage?.removeItem(this.key(conversationId));
    } catch {
      return;
    }
    this.version++;
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;
}
