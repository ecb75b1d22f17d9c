// Drafts per chat and account: kept, replaced, cleared, and told to whoever shows them.
import { expect, test } from 'vitest';
import { DraftStore, type DraftStorage } from './drafts.ts';

function memoryStorage(): DraftStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

test('a draft is kept per account and chat; blank text clears it; listeners hear of changes only', () => {
  const storage = memoryStorage();
  const alice = new DraftStore('alice', storage);
  const bob = new DraftStore('bob', storage);
  let heard = 0;
  alice.subscribe(() => heard++);
  alice.set('c1', 'half a thought');
  alice.set('c1', 'half a thought');
  expect(alice.get('c1')).toBe('half a thought');
  expect(bob.get('c1')).toBe('');
  expect(new DraftStore('alice', storage).get('c1')).toBe('half a thought'); // a reload
  alice.set('c1', '   ');
  expect(alice.get('c1')).toBe('');
  expect(storage.data.size).toBe(0);
  expect(heard).toBe(2);
});

test('a storage that refuses leaves the app working without drafts', () => {
  const refusing: DraftStorage = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('quota'); }, removeItem: () => {} };
  const drafts = new DraftStore('alice', refusing);
  drafts.set('c1', 'text');
  expect(drafts.get('c1')).toBe('');
});
