// The PresenceRegistry contract, held by both implementations (in-process and Redis), on a clock the
// test moves: connections come and go, expire unless renewed, and an expired one is swept exactly once.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { MemoryPresenceRegistry } from './memory-presence.ts';
import type { PresenceRegistry } from './presence-registry.ts';
import { RedisPresenceRegistry } from './redis-presence.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TTL_MS = 60_000;
// Test runs share one Redis, and a sweep takes every expired connection under its prefix: each run
// keeps its registries under a prefix of its own, so one run's sweep never takes another's.
const RUN_PREFIX = `parley:test:presence:${randomUUID()}:`;

/** A clock the test moves by hand, so expiry needs no waiting. */
class Clock {
  constructor(public ms = Date.now()) {}
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

type Instances = { clock: Clock; registries: PresenceRegistry[] };

const open: PresenceRegistry[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${RUN_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

function track<R extends PresenceRegistry>(registry: R): R {
  open.push(registry);
  return registry;
}

/** Memory: one instance (it cannot be shared). */
function memoryInstances(): Instances {
  const clock = new Clock();
  return { clock, registries: [track(new MemoryPresenceRegistry(TTL_MS, clock.now))] };
}

/** Redis: two instances sharing one Redis (and one prefix, of this test's own). */
function redisInstances(): Instances {
  const clock = new Clock();
  const prefix = `${RUN_PREFIX}${randomUUID()}:`;
  return { clock, registries: [1, 2].map(() => track(new RedisPresenceRegistry(REDIS_URL, TTL_MS, clock.now, prefix))) };
}

describe.each([
  ['MemoryPresenceRegistry', memoryInstances],
  ['RedisPresenceRegistry', redisInstances],
] as [string, () => Instances][])('%s keeps the PresenceRegistry contract', (_name, makeInstances) => {
  test("a user's first connection reports came-online, a second one does not", async () => {
    const { registries: [registry] } = makeInstances();
    const user = randomUUID();
    expect(await registry.connect(user, 'c1')).toBe(true);
    expect(await registry.connect(user, 'c2')).toBe(false);
    expect(await registry.connect(randomUUID(), 'c1')).toBe(true); // connection ids are per user
  });

  test('closing one of two connections does not report offline; closing the last does', async () => {
    const { registries: [registry] } = makeInstances();
    const user = randomUUID();
    await registry.connect(user, 'c1');
    await registry.connect(user, 'c2');
    expect(await registry.disconnect(user, 'c1')).toBe(false);
    expect(await registry.online([user])).toEqual(new Set([user]));
    expect(await registry.disconnect(user, 'c2')).toBe(true);
    expect(await registry.online([user])).toEqual(new Set());
    // And back: the next connection is a first one again.
    expect(await registry.connect(user, 'c3')).toBe(true);
  });

  test('disconnecting an unknown connection is harmless and reports nothing', async () => {
    const { registries: [registry] } = makeInstances();
    const user = randomUUID();
    expect(await registry.disconnect(randomUUID(), 'never')).toBe(false);
    await registry.connect(user, 'c1');
    expect(await registry.disconnect(user, 'other')).toBe(false);
    expect(await registry.disconnect(user, 'c1')).toBe(true);
    expect(await registry.disconnect(user, 'c1')).toBe(false); // twice
    expect(await registry.online([user])).toEqual(new Set());
  });

  test('online() lists exactly the asked users that have a live connection', async () => {
    const { registries: [registry] } = makeInstances();
    const [on, twice, left, never] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await registry.connect(on, 'c1');
    await registry.connect(twice, 'c1');
    await registry.connect(twice, 'c2');
    await registry.connect(left, 'c1');
    await registry.disconnect(left, 'c1');
    expect(await registry.online([on, twice, left, never])).toEqual(new Set([on, twice]));
    expect(await registry.online([never])).toEqual(new Set());
    expect(await registry.online([])).toEqual(new Set());
  });

  test('a connection not renewed within its TTL is offline and swept once; a renewed one survives', async () => {
    const { clock, registries: [registry] } = makeInstances();
    const [dead, renewed] = [randomUUID(), randomUUID()];
    await registry.connect(dead, 'c1');
    await registry.connect(renewed, 'c1');

    clock.advance(TTL_MS - 1);
    expect(await registry.online([dead, renewed])).toEqual(new Set([dead, renewed]));
    await registry.renew([{ userId: renewed, connectionId: 'c1' }]);
    const renewedAt = clock.ms;
    expect(await registry.sweep()).toEqual([]);

    clock.advance(1); // dead's TTL ran out just now
    expect(await registry.online([dead, renewed])).toEqual(new Set([renewed]));
    expect(await registry.sweep()).toEqual([dead]);
    expect(await registry.sweep()).toEqual([]);
    expect(await registry.online([dead, renewed])).toEqual(new Set([renewed]));

    // The renewed connection lasts a TTL from its renewal, and then goes the same way.
    clock.ms = renewedAt + TTL_MS - 1;
    expect(await registry.online([renewed])).toEqual(new Set([renewed]));
    expect(await registry.sweep()).toEqual([]);
    clock.ms = renewedAt + TTL_MS;
    expect(await registry.online([renewed])).toEqual(new Set());
    expect(await registry.sweep()).toEqual([renewed]);
  });

  test('renewing a connection the registry no longer holds (swept after a late beat, or lost with a Redis restart) registers it again', async () => {
    const { clock, registries: [registry] } = makeInstances();
    const user = randomUUID();
    await registry.connect(user, 'c1');
    clock.advance(TTL_MS);
    expect(await registry.sweep()).toEqual([user]);
    expect(await registry.online([user])).toEqual(new Set());

    await registry.renew([{ userId: user, connectionId: 'c1' }]);
    expect(await registry.online([user])).toEqual(new Set([user]));
    // An ordinary connection again: it lasts a TTL from the renewal, and closing it is the user's last.
    clock.advance(TTL_MS - 1);
    expect(await registry.sweep()).toEqual([]);
    expect(await registry.disconnect(user, 'c1')).toBe(true);
  });

  test('an expired connection does not make its user offline while another connection lives', async () => {
    const { clock, registries: [registry] } = makeInstances();
    const user = randomUUID();
    await registry.connect(user, 'stale');
    clock.advance(TTL_MS / 2);
    await registry.connect(user, 'fresh');
    clock.advance(TTL_MS / 2);
    expect(await registry.online([user])).toEqual(new Set([user]));
    expect(await registry.sweep()).toEqual([]);
    expect(await registry.disconnect(user, 'fresh')).toBe(true);
    expect(await registry.sweep()).toEqual([]);
  });

  test('once the last live connection closed, an expired one left behind is not swept as a second offline', async () => {
    const { clock, registries: [registry] } = makeInstances();
    const user = randomUUID();
    await registry.connect(user, 'dead-instance');
    clock.advance(TTL_MS / 2);
    await registry.connect(user, 'here');
    clock.advance(TTL_MS / 2); // 'dead-instance' expired, not yet swept
    expect(await registry.disconnect(user, 'here')).toBe(true);
    expect(await registry.sweep()).toEqual([]);
    expect(await registry.connect(user, 'again')).toBe(true);
  });

  test("instances see each other's connections, and either sweeps a dead instance's user exactly once", async () => {
    const { clock, registries } = makeInstances();
    const [a, b = a] = registries; // memory: one instance plays both
    const [mine, theirs] = [randomUUID(), randomUUID()];
    expect(await a.connect(theirs, 'c1')).toBe(true);
    expect(await b.connect(theirs, 'c2')).toBe(false); // online already, through the other instance
    expect(await b.connect(mine, 'c1')).toBe(true);
    expect(await a.online([mine, theirs])).toEqual(new Set([mine, theirs]));
    expect(await b.online([mine, theirs])).toEqual(new Set([mine, theirs]));

    // b keeps its connections alive; a dies, so its connection of `theirs` expires. b's does not.
    await b.disconnect(theirs, 'c2');
    clock.advance(TTL_MS);
    await b.renew([{ userId: mine, connectionId: 'c1' }]);
    expect(await a.online([mine, theirs])).toEqual(new Set([mine]));

    const swept = await Promise.all([a.sweep(), b.sweep()]);
    expect(swept.flat()).toEqual([theirs]);
    expect([...(await a.sweep()), ...(await b.sweep())]).toEqual([]);
    expect(await b.online([mine, theirs])).toEqual(new Set([mine]));
  });
});
