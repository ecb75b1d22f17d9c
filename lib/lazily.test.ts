import { describe, expect, it } from 'vitest';
import { lazily } from './lazily.ts';

describe('lazily', () => {
  it('makes nothing until first asked, then makes once and keeps it', () => {
    let made = 0;
    const value = lazily(() => ({ n: ++made }));
    expect(made).toBe(0);
    const first = value();
    expect(first).toEqual({ n: 1 });
    expect(value()).toBe(first);
    expect(made).toBe(1);
  });

  it('keeps a made null or undefined too', () => {
    let made = 0;
    const value = lazily(() => {
      made++;
      return null;
    });
    expect(value()).toBeNull();
    expect(value()).toBeNull();
    expect(made).toBe(1);
  });
});
