// `npm run bench:scale` end to end on a small SYNTHETIC cohort with volumes: every stage runs on real parts
// (generator, libs/ingest importers, platform modules, trainer, onnxruntime, the API router over SQLite) and the last
// line is the JSON object the README documents. Speed is not asserted here (the shared machine's load varies).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runScaleBench } from './scale';

let printed: string[];
let errors: string[];
beforeEach(() => {
  printed = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const PATIENTS = 12;

describe('bench:scale', () => {
  it('generates, imports (with volumes), encodes all four modalities, trains, predicts and lists every patient', async () => {
    const code = await runScaleBench(['--patients', String(PATIENTS), '--volumes', '--max-epochs', '3', '--overview-sample', '4']);
    expect(code, errors.join('\n')).toBe(0);
    const result = JSON.parse(printed.at(-1)!.trim()) as {
      patients: number;
      synthetic: boolean;
      stages: { stage: string; count: number; seconds: number; peakRssMb: number; storeMb: number }[];
      importProblems: number;
      encodeProblems: number;
      encodedPatientsPerModule: Record<string, number>;
      listedPatients: number;
      overviewMs: { p50: number };
    };
    expect(result).toMatchObject({ patients: PATIENTS, synthetic: true, importProblems: 0, encodeProblems: 0, listedPatients: PATIENTS });
    expect(result.stages.map((s) => s.stage.split(' ')[0])).toEqual(['generate', 'baseline:', 'import', 'encode', 'train', 'predict', 'API', 'API']);
    // Four modules, each encoding every patient (imaging included: the CT series and masks were imported).
    expect(Object.keys(result.encodedPatientsPerModule).length).toBeGreaterThanOrEqual(4);
    for (const [module, n] of Object.entries(result.encodedPatientsPerModule)) expect(n, module).toBe(PATIENTS);
    for (const s of result.stages) {
      expect(s.seconds, s.stage).toBeGreaterThan(0);
      expect(s.peakRssMb, s.stage).toBeGreaterThan(0);
    }
    expect(result.stages.find((s) => s.stage.startsWith('import'))!.storeMb).toBeGreaterThan(0);
    expect(result.stages.at(-1)!.count).toBe(4);
    expect(result.overviewMs.p50).toBeGreaterThan(0);
    // The table is printed above the JSON line.
    expect(printed.join('\n')).toMatch(/\| import \(libs\/ingest\) +\|/);
  }, 180_000);

  it('refuses bad options with exit status 2 and says what was expected', async () => {
    expect(await runScaleBench(['--patients', '5'])).toBe(2);
    expect(errors.join('\n')).toContain('--patients: expected an integer in 10..99999');
    expect(await runScaleBench(['--patients', '20', '--overview-sample', '21'])).toBe(2);
    expect(errors.join('\n')).toContain('--overview-sample: expected an integer in 0..20');
  });
});
