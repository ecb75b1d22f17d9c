import { describe, expect, test } from 'vitest';
import { toWaveform } from './voice-recorder.ts';

describe('a recording as a waveform', () => {
  test("the loudest moment is 255, silence 0; a long recording keeps each stretch's peak in 128 steps", () => {
    expect(toWaveform([0, 0.1, 0.2, 0.05])).toEqual([0, 128, 255, 64]);
    const long = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 0.8 : 0.2));
    const steps = toWaveform(long);
    expect(steps).toHaveLength(128);
    expect(Math.max(...steps)).toBe(255);
    expect(steps.filter((v) => v === 255)).toHaveLength(1);
    expect(steps.filter((v) => v !== 255).every((v) => v === 64)).toBe(true);
  });

  test('nothing recorded is no waveform; silence all through stays flat', () => {
    expect(toWaveform([])).toEqual([]);
    expect(toWaveform([0, 0, 0])).toEqual([0, 0, 0]);
  });
});
