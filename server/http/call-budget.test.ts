// The call budget's bucket, on a clock of the test's own.
import { describe, expect, test } from 'vitest';
import { CallBudget, costOf } from './call-budget.ts';

describe('CallBudget', () => {
  test('a bucket holds its burst, refills at its rate and no further, and says how long until a refused call could go', () => {
    const budget = new CallBudget(100, 500);
    expect(budget.take('a', 500, 0)).toBe(0);
    expect(budget.take('a', 1, 0)).toBe(100); // 10 ms of refill, rounded up to 100 ms steps
    expect(budget.take('a', 50, 0)).toBe(500);
    expect(budget.take('a', 50, 500)).toBe(0); // half a second refilled 50
    expect(budget.take('a', 1, 500)).toBeGreaterThan(0);
    expect(budget.take('a', 500, 60_000)).toBe(0); // a minute later: full again, not more
    expect(budget.take('a', 1, 60_000)).toBeGreaterThan(0);
  });

  test('a refused call takes nothing, and each caller has a bucket of their own', () => {
    const budget = new CallBudget(100, 100);
    expect(budget.take('a', 80, 0)).toBe(0);
    expect(budget.take('a', 50, 0)).toBeGreaterThan(0);
    expect(budget.take('a', 20, 0)).toBe(0); // the refused 50 did not spend the 20 left
    expect(budget.take('b', 100, 0)).toBe(0);
  });

  test('reading a page of the inbox and checking a password cost more than a send', () => {
    expect(costOf('messages.send')).toBe(1);
    expect(costOf('conversations.list')).toBeGreaterThan(costOf('messages.send'));
    expect(costOf('auth.createToken')).toBeGreaterThan(costOf('conversations.list'));
  });
});
