import { describe, expect, it } from 'vitest';
import { formatFactValue } from './index';

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
