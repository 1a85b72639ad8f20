import { describe, expect, it } from 'vitest';
import { parseIsoDate, sortableInstant } from './dates';

describe('parseIsoDate', () => {
  it('reads each FHIR precision as its first instant, wall clock as written', () => {
    const iso = (s: string) => parseIsoDate(s) && [parseIsoDate(s)!.start.toISOString(), parseIsoDate(s)!.endExclusive.toISOString(), parseIsoDate(s)!.precision];
    expect(iso('2019')).toEqual(['2019-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'year']);
    expect(iso('2019-12')).toEqual(['2019-12-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'month']);
    expect(iso('2020-02-29')).toEqual(['2020-02-29T00:00:00.000Z', '2020-03-01T00:00:00.000Z', 'day']);
    expect(iso('2019-04-01T22:00:00-05:00')).toEqual(['2019-04-01T22:00:00.000Z', '2019-04-01T22:00:01.000Z', 'second']);
    expect(iso('2019-04-01T10:30')).toEqual(['2019-04-01T10:30:00.000Z', '2019-04-01T10:31:00.000Z', 'minute']);
    expect(iso('2019-04-01T10:30:05.123456Z')).toEqual(['2019-04-01T10:30:05.123Z', '2019-04-01T10:30:05.124Z', 'millisecond']);
    expect(iso('0050-02-29')).toBeUndefined(); // not a leap year
    expect(parseIsoDate('0052-02-29')?.start.getUTCFullYear()).toBe(52);
  });

  it('answers undefined (never throws) for what is not a date', () => {
    for (const s of ['', 'yesterday', '2019-13', '2019-02-29', '2019-04-31', '2019-04-01T25:00', '19-04-01', '2019/04/01']) expect(parseIsoDate(s), s).toBeUndefined();
    expect(parseIsoDate(undefined)).toBeUndefined();
    expect(sortableInstant(null)).toBeNull();
    expect(sortableInstant('2019-04')?.toISOString()).toBe('2019-04-01T00:00:00.000Z');
  });
});
