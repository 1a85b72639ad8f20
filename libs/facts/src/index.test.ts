import { describe, expect, it } from 'vitest';
import { formatFactValue, mulberry32 } from './index';

describe('formatFactValue', () => {
  it('renders each value shape', () => {
    expect(formatFactValue({ type: 'quantity', quantity: { value: 95, unit: '%' } })).toBe('95%');
    expect(formatFactValue({ type: 'quantity', quantity: { value: 2.3, unit: 'cm', comparator: '>' } })).toBe('>2.3 cm');
    expect(formatFactValue({ type: 'coding', coding: { code: '10828004', display: 'Positive' } })).toBe('Positive');
    expect(formatFactValue({ type: 'coding', coding: { code: 'T3' } })).toBe('T3');
    expect(formatFactValue({ type: 'range', low: { value: 1 }, high: { value: 2, unit: 'mg' } })).toBe('1–2 mg');
    expect(formatFactValue(undefined)).toBe('');
  });
});

describe('mulberry32', () => {
  it('gives the same sequence for a seed, another for another seed, uniform in [0, 1)', () => {
    const take = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    const a = take(20261202);
    expect(take(20261202)).toEqual(a);
    expect(take(20261203)).not.toEqual(a);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});
