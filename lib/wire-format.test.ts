import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { decodeWire, encodePlain } from './wire-format.ts';

describe('the wire format without superjson', () => {
  const summary = {
    id: 'c1',
    at: new Date('2026-12-01T10:00:00.123Z'),
    list: [{ when: new Date('2026-12-01T09:59:00Z'), gone: undefined }, undefined, 'x'],
    nothing: null,
  };

  it('encodePlain writes what superjson reads back, and decodeWire reads it the same', () => {
    for (const value of [summary, [summary], new Date('2026-01-01T00:00:00Z'), undefined, 'text', 3, { a: { b: [] } }]) {
      const wire = JSON.parse(JSON.stringify(encodePlain(value)));
      expect(superjson.deserialize(wire)).toEqual(value);
      expect(decodeWire(wire)).toEqual(value);
    }
  });

  it('encodePlain refuses what is not plain (the server hands it to superjson)', () => {
    for (const value of [new Map([[1, 2]]), 1n, Number.NaN, { 'a.b': 1 }, new (class Thing {})()]) expect(encodePlain(value)).toBeNull();
  });

  it('decodeWire reads what superjson itself writes: nested Dates, bigints, odd numbers, Sets, Maps, escaped keys', () => {
    const value = {
      'dotted.key': { at: new Date('2026-02-03T04:05:06Z') },
      big: 12345678901234567890n,
      odd: [Number.NaN, Number.POSITIVE_INFINITY, -0],
      tags: new Set(['a', 'b']),
      byId: new Map([['u1', { seen: new Date('2026-03-01T00:00:00Z') }]]),
      rows: [{ at: new Date(0) }, { at: new Date(1) }],
    };
    const wire = JSON.parse(JSON.stringify(superjson.serialize(value)));
    expect(decodeWire(wire)).toEqual(value);
  });

  it('refuses loudly a kind of value it cannot read, rather than passing it on as something else', () => {
    const wire = JSON.parse(JSON.stringify(superjson.serialize({ re: /a+/g, err: new Error('x') })));
    expect(() => decodeWire(wire)).toThrow(/cannot read/);
  });
});
