// System messages in words: names from the members list, "you" for the caller, the stored text as fallback.
import { describe, expect, test } from 'vitest';
import type { MemberSummary } from '@/lib/schemas.ts';
import { describeSystemEvent, nameColour, namesFrom } from './people.ts';

const member = (id: string, displayName: string): MemberSummary => ({ id, username: id, displayName, role: 'member', joinedAt: new Date(0), active: true });
const nameOf = namesFrom([member('a', 'Alice'), member('b', 'Bob'), member('c', 'Carol')], 'c');

describe('describeSystemEvent', () => {
  test('names the actor and the people acted on, with "You" for the caller', () => {
    expect(describeSystemEvent({ type: 'members.added', actorId: 'a', userIds: ['b', 'c'] }, '', nameOf)).toBe('Alice added Bob and you');
    expect(describeSystemEvent({ type: 'member.removed', actorId: 'c', userId: 'b' }, '', nameOf)).toBe('You removed Bob');
    expect(describeSystemEvent({ type: 'member.left', actorId: 'b' }, '', nameOf)).toBe('Bob left');
    expect(describeSystemEvent({ type: 'role.changed', actorId: 'a', userId: 'b', role: 'admin' }, '', nameOf)).toBe('Alice made Bob an admin');
    expect(describeSystemEvent({ type: 'role.changed', actorId: 'c', userId: 'c', role: 'owner' }, '', nameOf)).toBe('You are now the group owner');
    expect(describeSystemEvent({ type: 'group.renamed', actorId: 'a', title: 'Hikers' }, '', nameOf)).toBe('Alice changed the group name to "Hikers"');
  });

  test('falls back to the stored text when someone is unknown here', () => {
    expect(describeSystemEvent({ type: 'member.removed', actorId: 'a', userId: 'zed' }, 'Alice removed Zed', nameOf)).toBe('Alice removed Zed');
    expect(describeSystemEvent(null, 'stored', nameOf)).toBe('stored');
  });
});

test('a member keeps one name colour', () => {
  expect(nameColour('user-1')).toBe(nameColour('user-1'));
  expect(new Set(['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map(nameColour)).size).toBeGreaterThan(1);
});
