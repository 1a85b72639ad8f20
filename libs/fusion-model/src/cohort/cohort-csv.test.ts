import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLINICAL_FEATURE_INDEX as I } from '../clinical/clinical-features';
import { clinicalModule } from '../clinical/clinical-module';
import { ModalityModuleRegistry } from '../modality-module';
import { CohortCsvError, readCohortCsv, readCohortCsvFile } from './cohort-csv';
import { parseCohortMapping, type CohortMapping } from './cohort-mapping';

// Small synthetic CSVs in the shape of GBSG (written here; the R datasets themselves are not used by tests).
const mapping: CohortMapping = parseCohortMapping({
  cohort: 'gbsg-like',
  idColumn: 'pid',
  time: { column: 'rfstime', unit: 'days' },
  event: { column: 'status', eventCodes: ['1'], censoredCodes: ['0'] },
  covariates: [
    { column: 'age', feature: 'age', type: 'numeric' },
    { column: 'size', feature: 'tumor-size', type: 'numeric', unit: 'mm' },
    { column: 'grade', feature: 'grade', type: 'numeric' },
    { column: 'nodes', feature: 'positive-nodes', type: 'numeric' },
    { column: 'er', feature: 'er', type: 'numeric', positiveAtOrAbove: 10 },
    { column: 'hormon', feature: 'endocrine-therapy', type: 'categorical', levels: { '0': 'no', '1': 'yes' } },
  ],
});
const header = 'pid,age,size,grade,nodes,er,hormon,rfstime,status';
const csv = (...rows: string[]) => [header, ...rows].join('\n') + '\n';
const good = csv('132,49,18,2,2,66,0,1838,0', '1575,55,20,3,16,0,0,403,1', '"1140",56,40,NA,3,NA,1,1603,0');

describe('readCohortCsv', () => {
  it('imports patients with facts and outcomes that the clinical module encodes', async () => {
    const cohort = readCohortCsv(good, 'data/gbsg.csv', mapping);
    expect(cohort.file).toBe('gbsg.csv');
    expect(cohort.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(cohort.patients.map((p) => [p.patientKey, p.line, p.outcome])).toEqual([
      ['Patient/gbsg-like-132', 2, { time: 1838, event: false, timeUnit: 'days' }],
      ['Patient/gbsg-like-1575', 3, { time: 403, event: true, timeUnit: 'days' }],
      ['Patient/gbsg-like-1140', 4, { time: 1603, event: false, timeUnit: 'days' }],
    ]);
    const registry = new ModalityModuleRegistry();
    registry.register(clinicalModule);
    const [a, , c] = await Promise.all(cohort.patients.map((p) => registry.encodePatient('clinical', p.patientKey, p.facts)));
    expect(a!.vector[I.age]).toBeCloseTo(-1.1, 6);
    expect(a!.vector[I['tumor-size']]).toBeCloseTo(18 / 50, 6);
    expect(a!.vector[I.grade]).toBe(0.5);
    expect(a!.vector[I['er-positive']]).toBe(1);
    expect(a!.vector[I['endocrine-therapy']]).toBe(0);
    expect(c!.vector[I['grade-missing']]).toBe(1);
    expect(c!.vector[I['er-missing']]).toBe(1);
    expect(c!.vector[I['endocrine-therapy']]).toBe(1);
    expect(a!.usedEvidence).toContainEqual({ sourceRecordKey: 'cohort/gbsg-like/gbsg.csv', elementPath: 'line[2].size' });
  });

  it('names file, line, column and what was expected for a negative time, an unparsable value, a bad event code', () => {
    const text = csv('1,49,18,2,2,66,0,1838,0', '2,55,twenty,3,16,0,0,-3,1', '3,56,40,2,3,12,1,1603,2');
    expect(() => readCohortCsv(text, 'gbsg.csv', mapping)).toThrow(
      new CohortCsvError([
        'gbsg.csv:3: rfstime: expected a non-negative number, found "-3"',
        'gbsg.csv:3: size: expected a number, found "twenty"',
        'gbsg.csv:4: status: expected "1" (event) or "0" (censored), found "2"',
      ]),
    );
  });

  it('says which mapped column the header lacks', () => {
    const text = 'pid,age,size,grade,nodes,er,hormon,time,status\n1,49,18,2,2,66,0,1838,0\n';
    expect(() => readCohortCsv(text, 'gbsg.csv', mapping)).toThrow(
      'gbsg.csv:1: header: missing mapped column "rfstime" (time); the header has "pid", "age", "size", "grade", "nodes", "er", "hormon", "time", "status"',
    );
  });

  it('refuses an outcome column of the wrong kind: a time column mapped as the event', () => {
    const wrong = { ...mapping, event: { column: 'nodes', eventCodes: ['1'], censoredCodes: ['0'] }, covariates: mapping.covariates.filter((c) => c.column !== 'nodes') };
    expect(() => readCohortCsv(csv('1,49,18,2,2,66,0,1838,0', '2,55,20,3,16,0,0,403,1'), 'gbsg.csv', wrong)).toThrow(
      'gbsg.csv:2: nodes: expected "1" (event) or "0" (censored), found "2"\ngbsg.csv:3: nodes: expected "1" (event) or "0" (censored), found "16"',
    );
  });

  it('reports duplicate ids, short rows, categorical values outside the levels, and an empty time', () => {
    const text = csv('1,49,18,2,2,66,0,1838,0', '1,50,18,2,2,66,0,100,0', '2,50,18,2', '3,50,18,2,2,66,7,,0');
    expect(() => readCohortCsv(text, 'gbsg.csv', mapping)).toThrow(
      [
        'gbsg.csv:3: pid: duplicate patient id "1" (first on line 2)',
        'gbsg.csv:4: expected 9 fields as in the header, found 4',
        'gbsg.csv:5: rfstime: expected a non-negative number, found ""',
        'gbsg.csv:5: hormon: expected one of "0", "1" or a missing value, found "7"',
      ].join('\n'),
    );
  });

  it('validates the mapping with zod, naming the path', () => {
    expect(() => parseCohortMapping({ ...mapping, covariates: [{ column: 'er', feature: 'er', type: 'numeric' }] }, 'gbsg.mapping.json')).toThrow(
      'gbsg.mapping.json: covariates.0.positiveAtOrAbove: a numeric er column needs positiveAtOrAbove (the positivity cut-off)',
    );
    expect(() => parseCohortMapping({ ...mapping, event: { column: 'status', eventCodes: ['1'], censoredCodes: ['1'] } }, 'm.json')).toThrow(
      'm.json: event: a code cannot be both an event and a censoring code',
    );
    expect(() => parseCohortMapping({ ...mapping, time: { column: 'status', unit: 'days' } }, 'm.json')).toThrow('m.json: event.column: column "status" is mapped twice (time and event)');
  });

  it('takes a binned numeric column (Rotterdam-style size "<=20", "20-50", ">50") through levels naming representative values', () => {
    const binned = parseCohortMapping({ ...mapping, covariates: [{ column: 'size', feature: 'tumor-size', type: 'categorical', levels: { '<=20': '15', '20-50': '35', '>50': '60' } }] });
    const cohort = readCohortCsv(csv('1,49,<=20,2,2,66,0,1838,0', '2,49,>50,2,2,66,0,1838,0'), 'rotterdam-like.csv', binned);
    expect(cohort.patients.map((p) => p.facts[0]!.value)).toEqual([
      { type: 'quantity', quantity: { value: 15, unit: 'mm' } },
      { type: 'quantity', quantity: { value: 60, unit: 'mm' } },
    ]);
    expect(() => parseCohortMapping({ ...binned, covariates: [{ column: 'size', feature: 'tumor-size', type: 'categorical', levels: { '<=20': 'small' } }] }, 'm.json')).toThrow(
      'm.json: covariates.0.levels.<=20: expected a representative non-negative number for the numeric feature "tumor-size", found "small"',
    );
  });

  const dir = mkdtempSync(join(tmpdir(), 'cohort-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('reads a CSV file with a mapping file (quoted fields, CRLF); a mapping that is not JSON is named', () => {
    writeFileSync(join(dir, 'c.csv'), `${header}\r\n"7",60,"25",1,0,5,1,"365",1\r\n`);
    writeFileSync(join(dir, 'c.json'), JSON.stringify(mapping));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    const cohort = readCohortCsvFile(join(dir, 'c.csv'), join(dir, 'c.json'));
    expect(cohort.patients[0]!.outcome).toEqual({ time: 365, event: true, timeUnit: 'days' });
    expect(() => readCohortCsvFile(join(dir, 'c.csv'), join(dir, 'bad.json'))).toThrow(/^bad\.json: expected a JSON column mapping/);
  });
});
