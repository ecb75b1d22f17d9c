// Rate-limit counters: the in-process and Redis implementations count the same way.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './rate-limiter.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const open: RateLimiter[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

describe.each([
  ['MemoryRateLimiter', () => new MemoryRateLimiter()],
  ['RedisRateLimiter', () => new RedisRateLimiter(REDIS_URL, `parley:test:${randomUUID()}:`)],
] as [string, () => RateLimiter][])('%s', (_name, make) => {
  const limiter = () => {
    const l = make();
    open.push(l);
    return l;
  };

  test('counts hits per key within a window, and peeking does not count', async () => {
    const l = limiter();
    expect(await l.peek('a')).toBe(0);
    expect(await l.hit('a', 60_000)).toBe(1);
    expect(await l.hit('a', 60_000)).toBe(2);
    expect(await l.hit('b', 60_000)).toBe(1);
    expect(await l.peek('a')).toBe(2);
    expect(await l.peek('a')).toBe(2);
  });

  test('a hit taken back no longer counts, and a key is never taken below 0', async () => {
    const l = limiter();
    await l.hit('r', 60_000);
    await l.hit('r', 60_000);
    await l.release('r');
    expect(await l.peek('r')).toBe(1);
    await l.release('r');
    await l.release('r');
    expect(await l.peek('r')).toBe(0);
    await l.release('never');
    expect(await l.hit('never', 60_000)).toBe(1);
  });

  test('a window ends and counting starts again', async () => {
    const l = limiter();
    await l.hit('w', 150);
    await l.hit('w', 150);
    await vi.waitFor(async () => expect(await l.peek('w')).toBe(0), { timeout: 5_000, interval: 50 });
    expect(await l.hit('w', 150)).toBe(1);
  });
});

describe('RedisRateLimiter without a Redis that answers', () => {
  test.each([
    ['nothing listening', async () => ({ url: 'redis://127.0.0.1:1', stop: async () => {} })],
    [
      'a server that accepts and never answers',
      async () => {
        const sockets: net.Socket[] = [];
        const silent = net.createServer((socket) => void sockets.push(socket));
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        const stop = () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), silent.close(() => r())));
        return { url: `redis://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, stop };
      },
    ],
  ])('with %s, it counts in this process instead of waiting or letting everything through', async (_name, start) => {
    const { url, stop } = await start();
    const limiter = new RedisRateLimiter(url);
    open.push(limiter);
    try {
      expect(await limiter.hit('k', 60_000)).toBe(1);
      expect(await limiter.hit('k', 60_000)).toBe(2);
      await limiter.release('k');
      expect(await limiter.peek('k')).toBe(1);
    } finally {
      await stop();
    }
  });
});
