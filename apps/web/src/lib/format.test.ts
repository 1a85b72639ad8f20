import { describe, expect, it } from 'vitest';
import {
  ageInYears,
  clinicalLabel,
  formatBytes,
  formatCount,
  formatDate,
  formatDateRange,
  formatGender,
  formatInstant,
  humanize,
  parseFhirDate,
  parseFhirDateEnd,
  patientLabel,
  systemLabel,
} from './format';
import { keyFromParam, patientHref, sourceHref, timelineHref } from './routes';
import { checkUpload, uploadKind, uploadName } from './upload';
import { compareTimelineItems } from './timeline-table';

describe('formatDate', () => {
  it('keeps the precision the source gives', () => {
    expect(formatDate('2018')).toBe('2018');
    expect(formatDate('2018-03')).toBe('Mar 2018');
    expect(formatDate('2018-03-06')).toBe('6 Mar 2018');
  });
  it('shows times as written, with their offset', () => {
    expect(formatDate('2018-03-06T14:30:00-05:00')).toBe('6 Mar 2018 14:30 (-05:00)');
    expect(formatDate('2018-03-06T14:30:00Z')).toBe('6 Mar 2018 14:30 UTC');
    expect(formatDate('2018-03-06T14:30:00.123+00:00')).toBe('6 Mar 2018 14:30 UTC');
  });
  it('passes through what it does not understand, and blanks for nothing', () => {
    expect(formatDate('yesterday')).toBe('yesterday');
    expect(formatDate('2018-13-01')).toBe('2018-13-01');
    expect(formatDate(undefined)).toBe('');
  });
  it('formats instants in UTC', () => {
    expect(formatInstant('2024-05-01T10:20:30.123Z')).toBe('1 May 2024 10:20 UTC');
    expect(formatInstant('2024-05-01T12:20:30+02:00')).toBe('1 May 2024 10:20 UTC');
    expect(formatInstant('garbage')).toBe('garbage');
  });
  it('formats ranges', () => {
    expect(formatDateRange('2018-03-06', '2018-04-22')).toBe('6 Mar 2018 – 22 Apr 2018');
    expect(formatDateRange('2018-03-06', undefined)).toBe('6 Mar 2018');
    expect(formatDateRange(undefined, '2018-04-22')).toBe('… – 22 Apr 2018');
    expect(formatDateRange(undefined, undefined)).toBe('');
  });
});

describe('parseFhirDate', () => {
  it('reads partial dates as UTC starts and ends', () => {
    expect(parseFhirDate('2018')).toBe(Date.UTC(2018, 0, 1));
    expect(parseFhirDate('2018-03')).toBe(Date.UTC(2018, 2, 1));
    expect(parseFhirDate('2018-03-06')).toBe(Date.UTC(2018, 2, 6));
    expect(parseFhirDateEnd('2018-03')).toBe(Date.UTC(2018, 3, 1) - 1);
    expect(parseFhirDateEnd('2018')).toBe(Date.UTC(2019, 0, 1) - 1);
    expect(parseFhirDateEnd('2018-03-06')).toBe(Date.UTC(2018, 2, 7) - 1);
  });
  it('reads date-times with their offset', () => {
    expect(parseFhirDate('2018-03-06T14:30:00-05:00')).toBe(Date.UTC(2018, 2, 6, 19, 30));
    expect(parseFhirDate('2018-03-06T14:30:00Z')).toBe(Date.UTC(2018, 2, 6, 14, 30));
  });
  it('returns undefined for missing or invalid dates', () => {
    expect(parseFhirDate(undefined)).toBeUndefined();
    expect(parseFhirDate('')).toBeUndefined();
    expect(parseFhirDate('not a date')).toBeUndefined();
  });
});

describe('small formatters', () => {
  it('computes age in whole years only from full birth dates', () => {
    expect(ageInYears('1966-08-10', Date.UTC(2018, 7, 9))).toBe(51);
    expect(ageInYears('1966-08-10', Date.UTC(2018, 7, 10))).toBe(52);
    expect(ageInYears('1966', Date.UTC(2018, 7, 10))).toBeUndefined();
    expect(ageInYears(undefined)).toBeUndefined();
  });
  it('labels patients, genders, counts, sizes and codes', () => {
    expect(patientLabel({ key: 'Patient/cancer-patient-jenny-m', displayName: 'Jenny Mosley' })).toBe('Jenny Mosley');
    expect(patientLabel({ key: 'Patient/cancer-patient-jenny-m', displayName: ' ' })).toBe('cancer-patient-jenny-m');
    expect(formatGender('female')).toBe('Female');
    expect(formatGender('x-custom')).toBe('x-custom');
    expect(formatCount(10000)).toBe('10,000');
    expect(formatCount(999)).toBe('999');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(humanize('medication-request')).toBe('Medication request');
    expect(systemLabel('http://hospital.example.org/mrn')).toBe('mrn');
    expect(systemLabel('urn:oid:1.2.3')).toBe('urn:oid:1.2.3');
    expect(systemLabel(undefined)).toBeUndefined();
  });
});

describe('clinicalLabel', () => {
  it('drops SNOMED semantic tags and the spelled-out AJCC name', () => {
    expect(clinicalLabel('American Joint Committee on Cancer stage IIB (qualifier value)')).toBe('Stage IIB');
    expect(clinicalLabel('American Joint Committee on Cancer cT3 (qualifier value)')).toBe('cT3');
    expect(clinicalLabel('Malignant neoplasm of breast (disorder)')).toBe('Malignant neoplasm of breast');
    expect(clinicalLabel('Positive')).toBe('Positive');
    expect(clinicalLabel('Left (qualifier value)')).toBe('Left');
    expect(clinicalLabel('Lobular carcinoma (in situ) (morphologic abnormality)')).toBe('Lobular carcinoma (in situ)');
  });
});

describe('routes', () => {
  it('puts keys with slashes in one encoded segment and reads them back', () => {
    expect(patientHref('Patient/cancer-patient-jenny-m')).toBe('/patients/Patient%2Fcancer-patient-jenny-m');
    expect(timelineHref('Patient/a')).toBe('/patients/Patient%2Fa/timeline');
    expect(sourceHref({ sourceRecordKey: 'fhir/Observation/x', elementPath: 'Observation.component[2].valueCodeableConcept' })).toBe(
      '/sources/fhir%2FObservation%2Fx?path=Observation.component%5B2%5D.valueCodeableConcept',
    );
    expect(sourceHref({ sourceRecordKey: 'fhir/Patient/x' })).toBe('/sources/fhir%2FPatient%2Fx');
    expect(keyFromParam('Patient%2Fcancer-patient-jenny-m')).toBe('Patient/cancer-patient-jenny-m');
    expect(keyFromParam('Patient/cancer-patient-jenny-m')).toBe('Patient/cancer-patient-jenny-m');
    expect(keyFromParam(['fhir', 'Observation', 'x'])).toBe('fhir/Observation/x');
    expect(keyFromParam('%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('upload checks', () => {
  it('knows the file kinds the API reads', () => {
    expect(uploadKind('bundle.json')).toBe('json');
    expect(uploadKind('Observation.ndjson')).toBe('ndjson');
    expect(uploadKind('Observation.NDJSON.gz')).toBe('gzip');
    expect(uploadKind('notes.txt')).toBeUndefined();
    expect(uploadKind('archive.tar.gz')).toBeUndefined();
    expect(uploadName('Observation.ndjson.gz')).toBe('Observation.ndjson');
  });
  it('names each problem with its file', () => {
    expect(checkUpload([{ name: 'a.json', size: 10 }])).toEqual([]);
    expect(checkUpload([])).toEqual(['Choose at least one file.']);
    expect(checkUpload([{ name: 'notes.txt', size: 10 }])).toEqual(['notes.txt: expected a .json, .ndjson or .ndjson.gz file']);
    expect(checkUpload([{ name: 'big.ndjson', size: 60 * 1024 * 1024 }])[0]).toMatch(/60\.0 MB; uploads are limited to 50 MB/);
  });
});

describe('timeline table order', () => {
  const items = [
    { id: 'c', category: 'lab', start: '2019-01-01', title: 'Hemoglobin' },
    { id: 'u', category: 'diagnosis', title: 'Undated condition' },
    { id: 'a', category: 'diagnosis', start: '2018-03', title: 'Breast cancer' },
    { id: 'b', category: 'procedure', start: '2018-03-06T10:00:00Z', title: 'Biopsy' },
  ];
  const order = (column: 'date' | 'category' | 'title', direction: 'ascending' | 'descending') =>
    [...items].sort((x, y) => compareTimelineItems(x, y, { column, direction })).map((i) => i.id);
  it('sorts by date with undated events last in either direction', () => {
    expect(order('date', 'ascending')).toEqual(['a', 'b', 'c', 'u']);
    expect(order('date', 'descending')).toEqual(['c', 'b', 'a', 'u']);
  });
  it('sorts by lane order and by title', () => {
    expect(order('category', 'ascending')).toEqual(['a', 'u', 'b', 'c']);
    expect(order('title', 'ascending')).toEqual(['b', 'a', 'c', 'u']);
  });
});

describe('biomarker order', () => {
  it('puts ER, PR, HER2, Ki-67 first, then the rest by name, newest first within a marker', async () => {
    const { sortBiomarkers } = await import('./biomarkers');
    const sorted = sortBiomarkers([
      { marker: 'Oncotype DX', date: '2018-04-12' },
      { marker: 'HER2', date: '2018-03-10' },
      { marker: 'CEA', date: '2018-01-01' },
      { marker: 'ER', date: '2017-01-01' },
      { marker: 'ER', date: '2018-03-10' },
      { marker: 'Ki-67' },
      { marker: 'PR', date: '2018-03-10' },
    ]);
    expect(sorted.map((m) => `${m.marker}${m.date ? `@${m.date}` : ''}`)).toEqual([
      'ER@2018-03-10',
      'ER@2017-01-01',
      'PR@2018-03-10',
      'HER2@2018-03-10',
      'Ki-67',
      'CEA@2018-01-01',
      'Oncotype DX@2018-04-12',
    ]);
  });
});
