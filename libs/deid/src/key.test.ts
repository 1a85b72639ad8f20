import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEID_KEY_ENV, DeidKey, DeidKeyError, loadDeidKey, patientDateOffsetDays, pseudonymToken, pseudonymUid, pseudonymUuid } from './key';
import { addDays, daysBetween, shiftDicomDate, shiftDicomDateTime, shiftFhirDate } from './date-shift';
import { DEID_SOFTWARE } from './version';

const SECRET = 'a test-only secret that is long enough: 0123456789abcdef';

describe('the de-identification key', () => {
  it('comes from ONCOBOARD_DEID_KEY and there is no default', () => {
    expect(() => loadDeidKey({})).toThrow(new DeidKeyError('ONCOBOARD_DEID_KEY is not set: de-identification needs a secret key from configuration (at least 32 characters); there is no default key'));
    expect(() => loadDeidKey({ [DEID_KEY_ENV]: '   ' })).toThrow(/is not set/);
    expect(() => loadDeidKey({ [DEID_KEY_ENV]: 'short' })).toThrow('ONCOBOARD_DEID_KEY: expected at least 32 characters, got 5');
    expect(loadDeidKey({ [DEID_KEY_ENV]: SECRET }).id).toBe(new DeidKey(SECRET).id);
  });

  it('never shows its secret: JSON, string, inspect and the id are one-way', () => {
    const key = new DeidKey(SECRET);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    for (const shown of [JSON.stringify(key), String(key), inspect(key), JSON.stringify({ key })]) {
      expect(shown).not.toContain('test-only');
      expect(shown).toContain(key.id);
    }
  });

  it('makes stable, well-formed pseudonyms', () => {
    const key = new DeidKey(SECRET);
    const uid = pseudonymUid(key, '1.2.840.113619.2.55.3.1234');
    expect(uid).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(pseudonymUid(key, '1.2.840.113619.2.55.3.1234\0')).toBe(uid);
    expect(pseudonymUuid(key, 'd', 'x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pseudonymToken(key, 'd', 'x')).toMatch(/^[A-Z2-7]{16}$/);
    expect(pseudonymToken(key, 'd', 'x')).not.toBe(pseudonymToken(key, 'd', 'y'));
    expect(pseudonymToken(new DeidKey(`${SECRET}!`), 'd', 'x')).not.toBe(pseudonymToken(key, 'd', 'x'));
  });

  it('gives each patient a day offset in [-365, -1] ∪ [1, 365], spread over the range', () => {
    const key = new DeidKey(SECRET);
    const offsets = Array.from({ length: 2000 }, (_, n) => patientDateOffsetDays(key, `Patient/${n}`));
    expect(offsets.every((o) => Number.isInteger(o) && o !== 0 && Math.abs(o) <= 365)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(600);
    expect(Math.min(...offsets)).toBeLessThan(-350);
    expect(Math.max(...offsets)).toBeGreaterThan(350);
    expect(patientDateOffsetDays(key, 'Patient/1')).toBe(offsets[1]);
  });

  it('writes the package version into manifests', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(DEID_SOFTWARE).toEqual({ name: pkg.name, version: pkg.version });
  });
});

describe('date shifting', () => {
  it('moves FHIR dates by whole days, keeping time, zone and precision', () => {
    expect(shiftFhirDate('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftFhirDate('2023-02-28', 1)).toBe('2023-03-01');
    expect(shiftFhirDate('2023-12-31T23:59:59.123+05:30', 1)).toBe('2024-01-01T23:59:59.123+05:30');
    expect(shiftFhirDate('2018-03-06T00:00:00Z', -365)).toBe('2017-03-06T00:00:00Z');
    expect(shiftFhirDate('2018-03', 20)).toBe('2018-04');
    expect(shiftFhirDate('2018', -200)).toBe('2017');
    expect(shiftFhirDate('2023-02-30', 1)).toBeUndefined();
    expect(shiftFhirDate('not a date', 1)).toBeUndefined();
    expect(daysBetween('2018-03-06', shiftFhirDate('2018-03-06', 123)!)).toBe(123);
    expect(addDays(1, 1, 1, 1)).toEqual([1, 1, 2]);
  });

  it('moves DICOM DA and DT values', () => {
    expect(shiftDicomDate('20240228', 2)).toBe('20240301');
    expect(shiftDicomDate('1996.06.11', 10)).toBe('19960621');
    expect(shiftDicomDate('2024022', 2)).toBeUndefined();
    expect(shiftDicomDateTime('20231231235959.5+0100', 1)).toBe('20240101235959.5+0100');
    expect(shiftDicomDateTime('202312', 20)).toBe('202401');
    expect(shiftDicomDateTime('2023123x', 1)).toBeUndefined();
  });
});
