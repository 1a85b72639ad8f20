import { describe, expect, it } from 'vitest';
import { fromTimeZero, linearScale, niceTicks, stepBandPath, stepPath } from './chart-geometry';

describe('model chart geometry', () => {
  it('scales linearly, inverting for SVG y', () => {
    const y = linearScale([0, 1], [100, 0]);
    expect(y(0)).toBe(100);
    expect(y(1)).toBe(0);
    expect(y(0.25)).toBe(75);
    expect(linearScale([2, 2], [0, 10])(2)).toBe(5);
  });

  it('gives round ticks covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 3650, 5)).toEqual([0, 1000, 2000, 3000]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('draws a step function holding each value until the next time', () => {
    const id = (v: number) => v;
    expect(stepPath([0, 2, 5], [1, 0.5, 0.25], id, id, 8)).toBe('M0.0,1.0H2.0V0.5H5.0V0.3H8.0');
    expect(stepPath([], [], id, id)).toBe('');
  });

  it('closes a band between the lower and upper step functions', () => {
    const id = (v: number) => v;
    expect(stepBandPath([0, 2], [0.5, 0.25], [1, 0.75], id, id)).toBe('M0.0,1.0L2.0,1.0L2.0,0.8L2.0,0.3L2.0,0.5L0.0,0.5Z');
  });

  it('starts a survival curve at (0, 1)', () => {
    expect(fromTimeZero([3, 5], [0.9, 0.8])).toEqual({ times: [0, 3, 5], curves: [[1, 0.9, 0.8]] });
    expect(fromTimeZero([0, 5], [1, 0.8])).toEqual({ times: [0, 5], curves: [[1, 0.8]] });
  });
});
