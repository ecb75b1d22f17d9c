// The socket layer writes two of superjson's outputs by hand; they must stay exactly superjson's.
import superjson from 'superjson';
import { describe, expect, test } from 'vitest';
import type { MessageNewEvent } from '../../lib/events.ts';
import type { Message } from '../../lib/schemas.ts';
import { serializeMessage, serializeTracked } from './live-socket.ts';

const text: Message = {
  id: '121405388030025730',
  conversationId: '85116dd9-4cd1-44f0-827a-a1d3fe7d15d6',
  seq: 3,
  senderId: '16636cf1-b5e1-4dcf-b36a-126c959aa99b',
  clientId: '4a0d62f1-d7ba-4c6f-b9ad-466f75748287',
  body: 'quotes " and \\ and \u2028 and 😀',
  kind: 'text',
  event: null,
  createdAt: new Date('2026-12-02T00:21:40.109Z'),
};
const system: Message = { ...text, kind: 'system', body: 'Alice added Bob', event: { type: 'members.added', actorId: text.senderId, userIds: [text.clientId] } };

describe('hand-written superjson', () => {
  test.each([['a text message', text], ['a system message', system]])('%s serializes exactly as superjson does, and round-trips', (_name, message) => {
    expect(JSON.parse(serializeMessage(message))).toEqual(JSON.parse(JSON.stringify(superjson.serialize(message))));
    expect(superjson.deserialize(JSON.parse(serializeMessage(message)))).toEqual(message);
    const event: MessageNewEvent = { type: 'message.new', message };
    const id = `m:${message.conversationId}:${message.seq}`;
    expect(JSON.parse(serializeTracked(id, event))).toEqual(JSON.parse(JSON.stringify(superjson.serialize({ id, data: event }))));
  });
});
