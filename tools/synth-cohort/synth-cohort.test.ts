// The SYNTHETIC cohort generator, checked with the libraries that read its output: the FHIR validator, the VCF
// reader and TMB, the pathology extractor, the NIfTI reader and lesion measurement; the outcome model against
// README.md; and a small end-to-end run through the real importers, the modality modules and the trainer.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { hasErrors, mapResourceToFacts, validateResource, formatOutcome } from '@oncoboard/ehr-fhir';
import { buildJointDataset, CLINICAL_FEATURE_INDEX, computeHarrellC, fitCox, type JointRow } from '@oncoboard/fusion-model';
import { trainJointModel } from '@oncoboard/fusion-model/training';
import { computeTmb, readSomaticVariants } from '@oncoboard/genomics';
import { measureLesions, readDicomSeries, readNifti } from '@oncoboard/imaging';
import { extractFindings } from '@oncoboard/pathology';
import { openStore } from '@oncoboard/store';
import { encodeSyntheticPatient, loadModalityModules } from './encode-cohort';
import { SYNTHETIC_IDENTIFIER_SYSTEM, SYNTHETIC_TAG } from './fhir-bundle';
import { drawSyntheticPatient, logHazardTerms, OUTCOME_COEFFICIENTS, OUTCOME_TIME_MODEL, PANEL_SIZE_MB, type SyntheticPatient } from './generative-model';
import { importSyntheticCohort } from './import-cohort';
import { SYNTHETIC_REPORT_HEADER } from './pathology-report';
import { writeSyntheticCohort, type PatientTruth, type WrittenCohort } from './write-cohort';

const SEED = 424242;
let work: string;
let cohort: WrittenCohort;
const truthOf = (id: string): PatientTruth => JSON.parse(readFileSync(join(cohort.out, 'patients', id, 'truth.json'), 'utf8')) as PatientTruth;

/** Every file under a folder with its bytes, by relative path. */
function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oncoboard-synth-cohort-test-'));
  cohort = writeSyntheticCohort({ patients: 6, seed: SEED, out: join(work, 'a') });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('the SYNTHETIC cohort generator', () => {
  it('writes the same bytes for the same seed and other data for another seed; patient k does not depend on N', () => {
    writeSyntheticCohort({ patients: 6, seed: SEED, out: join(work, 'b') });
    writeSyntheticCohort({ patients: 3, seed: SEED + 1, out: join(work, 'c') });
    const a = filesOf(join(work, 'a'));
    const b = filesOf(join(work, 'b'));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [path, bytes] of a) expect(b.get(path)!.equals(bytes), path).toBe(true);
    const c = filesOf(join(work, 'c'));
    expect(c.get('patients/synth-424243-00000/pathology-report.txt')!.equals(a.get('patients/synth-424242-00000/pathology-report.txt')!)).toBe(false);
    expect(drawSyntheticPatient(SEED, 4)).toEqual(truthOfWithoutFileFields(truthOf('synth-424242-00004')));
  });

  it('refuses to write into a non-empty folder, and bad counts and seeds, naming the option', () => {
    expect(() => writeSyntheticCohort({ patients: 1, seed: SEED, out: join(work, 'a') })).toThrow(/--out .*not empty/);
    expect(() => writeSyntheticCohort({ patients: 0, seed: SEED, out: join(work, 'd') })).toThrow(/--patients: expected a positive integer/);
    expect(() => writeSyntheticCohort({ patients: 2, seed: -1, out: join(work, 'd') })).toThrow(/--seed/);
  });

  it('writes bundles that are valid FHIR R4, tagged SYNTHETIC, and map to the mCODE facts the clinical module reads', () => {
    for (const p of cohort.patients) {
      const bundle = JSON.parse(readFileSync(p.bundle, "utf8")) as { resourceType: "Bundle"; id: string; entry: { resource: Resource }[] };
      const whole = validateResource(bundle as unknown as Resource, { file: p.bundle, place: 'bundle' });
      expect(hasErrors(whole), formatOutcome(whole)).toBe(false);
      const kinds = new Set<string>();
      for (const [i, { resource }] of bundle.entry.entries()) {
        const outcome = validateResource(resource, { file: p.bundle, place: `entry[${i}]` });
        expect(hasErrors(outcome), formatOutcome(outcome)).toBe(false);
        expect(resource.meta?.tag).toContainEqual(SYNTHETIC_TAG);
        for (const f of mapResourceToFacts(resource, { sourceRecordKey: `fhir/${resource.resourceType}/${resource.id}` })) kinds.add(f.kind);
      }
      const patient = bundle.entry[0]!.resource as Resource & { identifier: { system: string }[] };
      expect(patient.identifier[0]!.system).toBe(SYNTHETIC_IDENTIFIER_SYSTEM);
      for (const kind of ['patient', 'primary-cancer-condition', 'tnm-stage-group', 'ecog-performance-status', 'tumor-marker']) expect(kinds, `${p.id}: ${kind}`).toContain(kind);
    }
  });

  it("writes VCFs that libs/genomics reads: the drivers, every variant, and a TMB equal to the drawn one", async () => {
    for (const p of cohort.patients) {
      const t = truthOf(p.id);
      expect(readFileSync(p.vcf, 'utf8')).toMatch(/^##fileformat=VCFv4\.2\n##source=.*SYNTHETIC/);
      const { variants } = await readSomaticVariants(p.vcf);
      const drivers = Number(t.genomics.tp53) + Number(t.genomics.pik3ca);
      expect(variants).toHaveLength(drivers + t.genomics.nonSynonymousPassengers + t.genomics.synonymousPassengers);
      expect(variants.every((v) => v.filterStatus === 'pass' && v.key?.assembly === 'GRCh38')).toBe(true);
      expect(variants.some((v) => v.gene === 'TP53')).toBe(t.genomics.tp53);
      expect(variants.some((v) => v.gene === 'PIK3CA')).toBe(t.genomics.pik3ca);
      const tmb = computeTmb(variants, { targetSizeMb: PANEL_SIZE_MB });
      expect(tmb.count).toBe(drivers + t.genomics.nonSynonymousPassengers);
      // The drawn TMB, up to rounding to whole variants (± half a variant per Mb of panel).
      expect(Math.abs(tmb.value - Math.max(t.genomics.tmb, drivers / PANEL_SIZE_MB))).toBeLessThanOrEqual(0.5 / PANEL_SIZE_MB + 0.01);
    }
  });

  it("writes reports whose extracted findings are the generated truth (grade, LVI, margin, ER, PR, HER2, Ki-67)", () => {
    for (const p of cohort.patients) {
      const t = truthOf(p.id);
      const text = readFileSync(p.report, 'utf8');
      expect(text.startsWith(SYNTHETIC_REPORT_HEADER)).toBe(true);
      const findings = extractFindings(text).findings.filter((f) => f.context.negated !== true || f.kind === 'lymphovascular-invasion');
      const values = <K extends string>(kind: K) => findings.filter((f) => f.kind === kind).map((f) => f.value as Record<string, unknown>);
      expect(values('grade').map((v) => v.grade), p.id).toContain(t.pathology.grade);
      expect(new Set(values('grade').map((v) => v.grade)).size, `${p.id}: one grade`).toBe(1);
      expect(values('ki67').map((v) => v.percent)).toEqual(expect.arrayContaining([t.pathology.ki67Percent]));
      const lvi = values('lymphovascular-invasion').map((v) => v.status);
      expect(lvi.length).toBeGreaterThan(0);
      expect(new Set(lvi), p.id).toEqual(new Set([t.pathology.lvi ? 'present' : 'absent']));
      expect(values('margin').some((v) => v.status === 'negative')).toBe(true);
      expect(values('margin').some((v) => v.closestDistanceMm === t.pathology.marginMm || v.distanceMm === t.pathology.marginMm)).toBe(true);
      expect(values('er').map((v) => v.result)).toContain(t.clinical.erPositive ? 'positive' : 'negative');
      expect(values('pr').map((v) => v.result)).toContain(t.clinical.prPositive ? 'positive' : 'negative');
      if (t.clinical.erPositive) expect(values('er').map((v) => v.percent)).toContain(t.pathology.erPercent);
      expect(values('her2').map((v) => v.score)).toContain(t.pathology.her2Score);
    }
  });

  it('writes a CT series and a lesion mask whose measured volume is the drawn lesion volume', () => {
    for (const p of cohort.patients) {
      const t = truthOf(p.id);
      const mask = readNifti(p.ct!.maskFile);
      expect(mask.dims).toEqual([64, 64, 32]);
      const lesions = measureLesions(mask);
      expect(lesions).toHaveLength(1);
      expect(lesions[0]!.volumeMl).toBeCloseTo(t.maskVolumeMl!, 6);
      // Voxelisation of a sphere on 1.5 × 1.5 × 2.5 mm voxels: within 15 % of the drawn volume (0.5–45 mL).
      expect(Math.abs(lesions[0]!.volumeMl - t.imaging.lesionMl) / t.imaging.lesionMl, `${p.id}: ${lesions[0]!.volumeMl} vs ${t.imaging.lesionMl} mL`).toBeLessThan(0.15);
      const series = readDicomSeries(p.ct!.seriesFolder);
      expect(series.volume.dims).toEqual([64, 64, 32]);
      expect(series.volume.spacing.map((s) => Math.round(s * 100) / 100)).toEqual([1.5, 1.5, 2.5]);
    }
  });
});

/** The drawn patient inside a truth file (without what the writer adds). */
function truthOfWithoutFileFields(t: PatientTruth): SyntheticPatient {
  const { synthetic: _s, generator: _g, seed: _seed, maskVolumeMl: _m, ...patient } = t;
  return patient;
}

describe('the outcome model', () => {
  it('uses the coefficients README.md documents, in the documented log-hazard', () => {
    const readme = readFileSync(resolve(__dirname, 'README.md'), 'utf8');
    // Rows of the coefficient table: | term | code name | feature | coefficient |
    const rows = [...readme.matchAll(/^\| (clinical|imaging|pathology|genomics|frailty) \| `(\w+)` \| [^|]+ \| (−?-?[\d.]+) \|$/gm)];
    const documented: Record<string, Record<string, number> | number> = {};
    for (const [, term, name, value] of rows) {
      const v = Number(value!.replace('−', '-'));
      if (term === 'frailty') documented[name!] = v;
      else (documented[term!] = (documented[term!] as Record<string, number>) ?? {})[name!] = v;
    }
    expect(documented).toEqual(OUTCOME_COEFFICIENTS);
    expect(readme).toContain(`shape k = ${OUTCOME_TIME_MODEL.weibullShape}, scale ${OUTCOME_TIME_MODEL.weibullScaleMonths} months`);
    expect(readme).toContain(`Uniform(${OUTCOME_TIME_MODEL.censorMinMonths}, ${OUTCOME_TIME_MODEL.censorMaxMonths}) months`);

    // The stored terms are the documented formula on the observed features.
    const k = documented as typeof OUTCOME_COEFFICIENTS;
    for (let i = 0; i < 50; i++) {
      const p = drawSyntheticPatient(7, i);
      expect(p.logHazard.clinical).toBeCloseTo(k.clinical.stageMinus2 * (p.clinical.stage - 2) + k.clinical.ecog * p.clinical.ecog + k.clinical.agePerYearMinus58 * (p.clinical.age - 58) + k.clinical.erPositive * Number(p.clinical.erPositive), 12);
      expect(p.logHazard.imaging).toBeCloseTo(k.imaging.lnLesionVolumeOver6Ml * Math.log(p.imaging.lesionMl / 6), 12);
      expect(p.logHazard.pathology).toBeCloseTo(k.pathology.gradeMinus2 * (p.pathology.grade - 2) + k.pathology.ki67FractionMinus025 * (p.pathology.ki67Percent / 100 - 0.25) + k.pathology.lvi * Number(p.pathology.lvi), 12);
      expect(p.logHazard.genomics).toBeCloseTo(k.genomics.tp53 * Number(p.genomics.tp53) + k.genomics.pik3ca * Number(p.genomics.pik3ca) + k.genomics.lnTmbOver4 * Math.log(p.genomics.tmb / 4), 12);
      expect(p.logHazard).toMatchObject(logHazardTerms(p));
      expect(p.logHazard.total).toBeCloseTo(p.logHazard.clinical + p.logHazard.imaging + p.logHazard.pathology + p.logHazard.genomics + p.logHazard.frailty, 12);
    }
  });

  it('draws times whose Cox fit on the four terms gives coefficients near 1 (proportional hazards in η)', () => {
    const patients = Array.from({ length: 3000 }, (_, i) => drawSyntheticPatient(11, i));
    const terms = ['clinical', 'imaging', 'pathology', 'genomics'] as const;
    const fit = fitCox({ time: patients.map((p) => p.outcome.timeMonths), status: patients.map((p) => Number(p.outcome.event)), values: patients.flatMap((p) => terms.map((t) => p.logHazard[t])), ncol: terms.length, names: [...terms] });
    const coefficients = fit.coef;
    // A frailty of sd 0.25 attenuates a Cox coefficient by a few per cent; 3,000 patients give SEs ≈ 0.05.
    for (const [i, t] of terms.entries()) {
      expect(coefficients[i], t).toBeGreaterThan(0.8);
      expect(coefficients[i], t).toBeLessThan(1.15);
    }
    // Each modality carries signal: its term alone orders the outcomes better than chance.
    for (const t of terms) expect(computeHarrellC(patients.map((p) => p.outcome.timeMonths), patients.map((p) => Number(p.outcome.event)), patients.map((p) => p.logHazard[t])).concordance, t).toBeGreaterThan(0.6);
  });
});

describe('end to end: importers → modality modules → trainer (SYNTHETIC, 30 patients)', () => {
  it('imports every patient through the real importers, encodes every modality module there is, and trains', async () => {
    const small = writeSyntheticCohort({ patients: 30, seed: 99, out: join(work, 'e2e') });
    const store = await openStore({ databaseUrl: `file:${join(work, 'e2e.db')}` });
    try {
      const summary = await importSyntheticCohort(store, small.patients, { radiomics: false });
      expect(summary.problems).toEqual([]);
      const { available } = await loadModalityModules();
      expect(available.map((a) => a.modality)).toEqual(expect.arrayContaining(['clinical', 'imaging']));
      const encoded = [];
      for (const p of small.patients) encoded.push(await encodeSyntheticPatient(store, `Patient/${p.id}`, available));
      for (const e of encoded) {
        expect(e.problems).toEqual([]);
        for (const a of available) expect(e.encodings[a.modality], `${e.patientKey} ${a.modality}`).toBeDefined();
      }
      // The clinical module saw the FHIR facts only: the bundle has no grade, so the pathology report's grade
      // (a `histologic-grade` fact, which the clinical module would read) must not reach the clinical vector.
      for (const e of encoded) expect(e.encodings.clinical!.vector[CLINICAL_FEATURE_INDEX['grade-missing']]).toBe(1);
      expect((await store.getFacts(encoded[0]!.patientKey, { kinds: ['histologic-grade'] })).length).toBeGreaterThan(0);
      const specs = available.map((a) => ({ id: a.module.id, moduleVersion: a.module.version, vectorSize: a.module.vectorSize }));
      const outcomes = new Map(small.patients.map((p) => [p.id, drawSyntheticPatient(99, Number(p.id.slice(-5))).outcome]));
      const rows: JointRow[] = encoded.map((e) => {
        const o = outcomes.get(e.patientKey.slice(8))!;
        return { patientKey: e.patientKey, encodings: Object.fromEntries(available.map((a) => [a.module.id, e.encodings[a.modality]!])), outcome: { time: o.timeMonths, event: o.event } };
      });
      const result = await trainJointModel(buildJointDataset(specs, rows), { seed: 1, maxEpochs: 5, width: 4 });
      expect(result.epochsRun).toBe(5);
      expect(result.weights.modalities).toHaveLength(available.length);
    } finally {
      await store.close();
    }
  }, 600_000);
});
