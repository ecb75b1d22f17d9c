// Typing is relayed to the other members only, never to the typer or strangers, and never stored.
import { afterAll, describe, expect, test } from 'vitest';
import type { MessageNewEvent, TypingUpdatedEvent } from '../../lib/events.ts';
import { createPair, createUser, EventReader, expectTRPCError, isMessageIn, releaseServices, send } from '../test/helpers.ts';

afterAll(releaseServices);

describe('typing.set', () => {
  test('the other member hears typing and its stop; the typer and strangers hear nothing', async () => {
    const { a: alice, b: bob, conversationId } = await createPair('typing');
    const stranger = await createUser('typingx');
    const [bobEvents, aliceEvents, strangerEvents] = await Promise.all([
      EventReader.open(bob.id),
      EventReader.open(alice.id),
      EventReader.open(stranger.id),
    ]);
    try {
      await alice.caller.typing.set({ conversationId, isTyping: true });
      await alice.caller.typing.set({ conversationId, isTyping: false });
      const isTyping = (e: { type: string }) => e.type === 'typing.updated';
      expect(await bobEvents.next<TypingUpdatedEvent>(isTyping)).toMatchObject({ conversationId, userId: alice.id, isTyping: true });
      expect(await bobEvents.next<TypingUpdatedEvent>(isTyping)).toMatchObject({ isTyping: false });

      // Alice's own stream: the next thing she gets is her message, not her own typing.
      await send(alice, conversationId, 'marker');
      const first = await aliceEvents.next((e) => e.type !== 'sync.heads');
      expect(first.type).toBe('message.new');
      expect((first as MessageNewEvent).message.body).toBe('marker');

      await expectTRPCError(stranger.caller.typing.set({ conversationId, isTyping: true }), 'FORBIDDEN');
      const { conversationId: own } = await createPair('typingy').then(async (p) => {
        const c = await stranger.caller.conversations.openDirect({ username: p.a.username });
        await send(stranger, c.id, 'stranger marker');
        return { conversationId: c.id };
      });
      const strangerFirst = await strangerEvents.next((e) => e.type !== 'sync.heads');
      expect(strangerFirst.type).toBe('message.new');
      expect(isMessageIn(own)(strangerFirst)).toBe(true);
    } finally {
      await Promise.all([bobEvents.close(), aliceEvents.close(), strangerEvents.close()]);
    }
  });
});
