import { describe, expect, it } from 'vitest';
import { parseCount, parseEdition, parseIntensity, parsePercent, parsePresence, parseSize } from './value-parsers';

describe('value parsers', () => {
  it('reads counts in digits and words', () => {
    expect(['0', '17', 'seventeen', 'twenty-three', 'none', 'many'].map(parseCount)).toEqual([0, 17, 17, 23, 0, undefined]);
  });

  it('reads percentages with comparators and ranges, never above 100', () => {
    expect(parsePercent('Positive (>90%, strong)')).toEqual({ percent: 90, comparator: '>', index: 10, length: 4 });
    expect(parsePercent('10-15%')).toEqual({ percent: 15, range: [10, 15], index: 0, length: 6 });
    expect(parsePercent('1 to 10 percent')).toEqual({ percent: 10, range: [1, 10], index: 0, length: 15 });
    expect(parsePercent('less than 1%')).toMatchObject({ percent: 1, comparator: '<' });
    expect(parsePercent('150%')).toBeUndefined();
  });

  it('reads sizes into millimetres, greatest dimension first', () => {
    expect(parseSize('4.5 x 3.8 x 1.2 cm')).toEqual({ greatestDimensionMm: 45, dimensionsMm: [45, 38, 12], unit: 'cm', index: 0, length: 18 });
    expect(parseSize('measuring 21 mm')).toMatchObject({ greatestDimensionMm: 21, dimensionsMm: [21], unit: 'mm' });
  });

  it('reads presence, intensity and AJCC edition', () => {
    expect(['Not identified', 'Present', 'Cannot be determined', 'focal', 'maybe'].map(parsePresence)).toEqual(['absent', 'present', 'indeterminate', 'present', undefined]);
    expect(['strong', 'weak to moderate', 'moderate-strong', 'none'].map(parseIntensity)).toEqual(['strong', 'weak-to-moderate', 'moderate-to-strong', undefined]);
    expect(['(AJCC 8th edition)', 'AJCC Cancer Staging Manual, 7th ed.', '8th Edition', 'no edition'].map(parseEdition)).toEqual([8, 7, 8, undefined]);
  });
});
