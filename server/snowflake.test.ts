// Snowflake ids with a controlled clock: layout, uniqueness and order, even when the clock misbehaves.
import { describe, expect, test } from 'vitest';
import { Snowflake } from './snowflake.ts';

const EPOCH = Date.UTC(2026, 0, 1);
const T0 = EPOCH + 1_000_000;

function clock(start = T0) {
  let now = start;
  return {
    now: () => now,
    set: (ms: number) => void (now = ms),
  };
}

const parts = (id: bigint) => ({
  ms: Number(id >> 22n) + EPOCH,
  node: Number((id >> 12n) & 1023n),
  seq: Number(id & 4095n),
});

function expectIncreasing(ids: bigint[]) {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i] > ids[i - 1])) throw new Error(`id ${i} (${ids[i]}) is not greater than id ${i - 1} (${ids[i - 1]})`);
  }
}

describe('Snowflake', () => {
  test('encodes the time since 2026-01-01, the node id and a per-millisecond sequence', () => {
    const c = clock();
    const ids = new Snowflake(723, c.now);
    expect(parts(ids.next())).toEqual({ ms: T0, node: 723, seq: 0 });
    expect(parts(ids.next())).toEqual({ ms: T0, node: 723, seq: 1 });
    c.set(T0 + 5);
    expect(parts(ids.next())).toEqual({ ms: T0 + 5, node: 723, seq: 0 });
  });

  test('10,000 ids in one millisecond are unique and increasing, borrowing the next milliseconds', () => {
    const c = clock();
    const gen = new Snowflake(1, c.now);
    const ids = Array.from({ length: 10_000 }, () => gen.next());
    expect(new Set(ids).size).toBe(10_000);
    expectIncreasing(ids);
    expect(ids.every((id) => parts(id).node === 1)).toBe(true);
    expect(parts(ids[4095])).toEqual({ ms: T0, node: 1, seq: 4095 });
    expect(parts(ids[4096])).toEqual({ ms: T0 + 1, node: 1, seq: 0 });
    // When the clock catches up with the borrowed milliseconds, ids keep increasing.
    c.set(T0 + 2);
    const later = gen.next();
    expect(later > ids[ids.length - 1]).toBe(true);
  });

  test('a clock that goes backwards never produces a smaller or repeated id', () => {
    const c = clock();
    const gen = new Snowflake(9, c.now);
    const ids = [gen.next(), gen.next()];
    c.set(T0 - 60_000);
    ids.push(gen.next(), gen.next());
    c.set(T0 - 1);
    ids.push(gen.next());
    c.set(T0 + 1);
    ids.push(gen.next());
    expectIncreasing(ids);
    expect(parts(ids[2]).ms).toBe(T0);
    expect(parts(ids[5])).toEqual({ ms: T0 + 1, node: 9, seq: 0 });
  });

  test('ids from different nodes in the same millisecond differ', () => {
    const c = clock();
    const a = new Snowflake(1, c.now);
    const b = new Snowflake(2, c.now);
    expect(a.next()).not.toBe(b.next());
  });

  test('ids fit a signed 64-bit integer, as PostgreSQL bigint', () => {
    const gen = new Snowflake(1023, () => EPOCH + 2 ** 41 - 2);
    const id = gen.next();
    expect(id > 0n && id < 2n ** 63n).toBe(true);
    expect(parts(id).node).toBe(1023);
  });

  test.each([-1, 1024, 1.5, Number.NaN])('refuses node id %s', (node) => {
    expect(() => new Snowflake(node)).toThrow(RangeError);
  });
});
