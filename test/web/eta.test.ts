// The demo's run-time estimate (web/src/eta.ts): plain arithmetic on the worker's measured step times.
import { describe, expect, it } from 'vitest';
import { formatDuration, remainingSeconds } from '../../web/src/eta';

describe('remainingSeconds', () => {
  it('needs one timed step', () => {
    expect(remainingSeconds({ widths: [100], current: 0, steps: 10, lastStep: 0, setupSeconds: 1, stepSeconds: 0 })).toBeUndefined();
  });

  it('prices the current width by its mean step and later widths in proportion to m', () => {
    // 0.5 s a step measured over 4 steps at m = 1000; 96 left here; m = 3000 costs 3×(2 s + 100·0.5 s).
    const timing = { widths: [1000, 3000], current: 0, steps: 100, lastStep: 4, setupSeconds: 2, stepSeconds: 2 };
    expect(remainingSeconds(timing)).toBe(96 * 0.5 + 3 * (2 + 100 * 0.5));
    expect(remainingSeconds({ ...timing, current: 1, lastStep: 100, stepSeconds: 50 })).toBe(0);
  });
});

describe('formatDuration', () => {
  it('uses seconds, then minutes, then hours and minutes', () => {
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(40)).toBe('40 s');
    expect(formatDuration(12 * 60 + 10)).toBe('12 min');
    expect(formatDuration(2 * 3600 + 47 * 60 + 5)).toBe('2 h 47 min');
  });
});
