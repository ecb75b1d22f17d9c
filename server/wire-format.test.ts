import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeFast, stringifyFast } from './wire-format.ts';

const roundTrip = (value: unknown) => superjson.parse(stringifyFast(value));

describe('serializeFast', () => {
  const summary = {
    id: 'c1',
    title: 'Bob',
    peer: { id: 'u2', username: 'bob', displayName: 'Bob' },
    lastActivityAt: new Date('2026-12-01T10:00:00.123Z'),
    lastMessage: { id: '1', seq: 3, body: 'hi', event: null, createdAt: new Date('2026-12-01T09:59:00Z') },
    mutedUntil: null,
    unreadCount: 0,
  };

  it('reads back as the value itself, Dates included, wherever they are', () => {
    for (const value of [
      [summary, { ...summary, lastMessage: null }],
      { data: { message: summary.lastMessage }, list: [new Date(1), [new Date(2)]] },
      new Date(0),
      'text',
      42,
      null,
      [],
      {},
    ]) {
      expect(roundTrip(value)).toEqual(value);
    }
  });

  it('writes the same JSON as superjson for plain values and Dates', () => {
    const value = [summary, { a: [new Date(5), 'x', { b: new Date(6) }] }];
    expect(JSON.parse(stringifyFast(value))).toEqual(JSON.parse(superjson.stringify(value)));
  });

  it('keeps undefined: left out of objects, said in arrays and at the root', () => {
    const back = roundTrip({ a: undefined, list: [1, undefined, 3] }) as { a?: unknown; list: unknown[] };
    expect('a' in back ? back.a : undefined).toBeUndefined();
    expect(back.list).toEqual([1, undefined, 3]);
    expect(back.list).toHaveLength(3);
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('hands anything else to superjson, so it still reads back exactly', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    for (const value of [
      { m: new Map([['k', 1]]) },
      { s: new Set([1, 2]) },
      { n: 10n },
      { nan: NaN, inf: Infinity },
      { 'dotted.key': new Date(3) },
      { p: new Point(1) },
      { bad: new Date(NaN) },
    ]) {
      expect(serializeFast(value)).toEqual(superjson.serialize(value));
    }
  });
});

describe('serializeFast on what it cannot walk', () => {
  it('gives a cycle to superjson rather than overflowing the stack', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(serializeFast(a)).toEqual(superjson.serialize(a));
  });
});
