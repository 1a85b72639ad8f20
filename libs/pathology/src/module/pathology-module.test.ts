import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '@oncoboard/facts';
import { ModalityModuleRegistry } from '@oncoboard/fusion-model';
import { DEFAULT_TEXT_MODEL_DIR } from '../embedding/index';
import { cosineSimilarity, TextEmbedder } from '../embedding/text-embedder';
import { pathologyReportRecords, type ReportTextRecord } from '../report-facts';
import { readReportFile } from '../report-text';
import { createPathologyModule, PATHOLOGY_MODULE_ID, pathologyModule, reportEmbeddingFact, storeReportTextReader } from './pathology-module';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');
const PATIENT = 'Patient/path-module-1';

async function importFixture(file: string, patientKey = PATIENT): Promise<ReportTextRecord[]> {
  const document = await readReportFile(join(fixtures, file));
  return pathologyReportRecords(document, { patientKey }).records;
}

/** An in-memory report-text source over records (what the store's getSourceRecord returns for them). */
function recordSource(records: readonly ReportTextRecord[]) {
  return {
    async getSourceRecord(key: string) {
      const r = records.find((x) => x.key === key);
      return r ? { record: { kind: r.kind, content: r.content } } : null;
    },
  };
}

let breast: ReportTextRecord[];
let core: ReportTextRecord[];
let lung: ReportTextRecord[];
beforeAll(async () => {
  breast = await importFixture('breast-her2-addendum.txt');
  core = await importFixture('breast-core-biopsy.txt', 'Patient/path-module-2');
  lung = await importFixture('lung-adenocarcinoma.txt', 'Patient/path-module-3');
});

const slot = (module: { vectorNames: readonly string[] }, vector: Float32Array, prefix: string): number => {
  const i = module.vectorNames.findIndex((n) => n.startsWith(prefix));
  if (i < 0) throw new Error(`no vector element named ${prefix}`);
  return vector[i]!;
};

describe('pathology modality module through ModalityModuleRegistry', () => {
  it('encodes the standing findings (addendum wins), the report embedding, provenance spans and a stable input hash', async () => {
    const records = [...breast, ...lung];
    const module = createPathologyModule({ readReportText: storeReportTextReader(recordSource(records)) });
    const registry = new ModalityModuleRegistry();
    registry.register(module);
    expect(registry.get(PATHOLOGY_MODULE_ID)?.modality).toBe('pathology');
    const facts: Fact[] = records.flatMap((r) => r.facts);
    const encoding = (await registry.encodePatient(PATHOLOGY_MODULE_ID, PATIENT, facts))!;
    expect(encoding.moduleVersion).toMatch(/^0\.1\.0\+civic-bert-mini@1\.0\.0\+sha256:[0-9a-f]{12}$/);
    const v = encoding.vector;
    expect(v.length).toBe(module.vectorSize);
    // HER2 IHC 2+ in the report, 3+ in the addendum: the addendum's value is used
    expect(slot(module, v, 'HER2 IHC score')).toBeCloseTo(1);
    expect(slot(module, v, 'HER2 ISH amplified')).toBe(1);
    expect(slot(module, v, 'ER (percent')).toBeCloseTo(0.9);
    expect(slot(module, v, 'T category (')).toBeCloseTo(0.5); // pT2
    expect(slot(module, v, 'N category (')).toBeCloseTo(1 / 3); // pN1a(sn)
    expect(slot(module, v, 'histology: lobular')).toBe(1);
    expect(slot(module, v, 'histology: missing')).toBe(0);
    // not stated in this report: flagged missing, value 0
    expect(slot(module, v, 'perineural invasion: missing')).toBe(1);
    expect(slot(module, v, 'perineural invasion (presence)')).toBe(0);
    expect(slot(module, v, 'EGFR: not tested')).toBe(1);
    // the embedding is the report text's embedding by the default model
    expect(slot(module, v, 'report embedding present')).toBe(1);
    const embedder = await TextEmbedder.load(DEFAULT_TEXT_MODEL_DIR);
    const [expected] = await embedder.embed([breast[0]!.content]);
    const start = module.vectorNames.findIndex((n) => n.startsWith('report embedding[0]'));
    expect(cosineSimilarity(v.slice(start, start + embedder.dimension), expected!.vector)).toBeGreaterThan(0.9999);
    // every used span points into the report text, and the HER2 addendum line is among them
    const text = breast[0]!.content;
    const spans = encoding.usedEvidence.filter((p) => p.sourceRecordKey === breast[0]!.key && p.span).map((p) => text.slice(p.span!.start, p.span!.end));
    expect(spans).toContain('HER2 IHC: Positive (3+), repeated on block A4');
    expect(spans.some((s) => s.startsWith('HER2 IHC: Equivocal'))).toBe(false); // superseded, not used
    // same inputs → same hash; the lung report is another patient's and is not used
    const again = (await registry.encodePatient(PATHOLOGY_MODULE_ID, PATIENT, [...facts].reverse()))!;
    expect(again.inputHash).toBe(encoding.inputHash);
    expect(encoding.usedEvidence.some((p) => p.sourceRecordKey === lung[0]!.key)).toBe(false);
  });

  it('respects negated and uncertain findings, and a patient without pathology facts has no encoding', async () => {
    const registry = new ModalityModuleRegistry();
    registry.register(pathologyModule);
    const facts = core.flatMap((r) => r.facts);
    const encoding = (await registry.encodePatient(PATHOLOGY_MODULE_ID, 'Patient/path-module-2', facts))!;
    const v = encoding.vector;
    // "Perineural invasion is not identified" → absent (0), stated (missing 0)
    expect(slot(pathologyModule, v, 'perineural invasion (presence)')).toBe(0);
    expect(slot(pathologyModule, v, 'perineural invasion: missing')).toBe(0);
    // "No lymphovascular invasion" (diagnosis, synoptic) then "… cannot be excluded" (microscopic): uncertain, 0.5
    expect(slot(pathologyModule, v, 'lymphovascular invasion (presence)')).toBe(0.5);
    // the family history of ductal carcinoma (another person) is not the patient's histology: NST (ductal) is
    expect(slot(pathologyModule, v, 'histology: ductal')).toBe(1);
    // no text reader and no stored embedding: the embedding is flagged missing and left 0
    expect(slot(pathologyModule, v, 'report embedding present')).toBe(0);
    expect(await registry.encodePatient(PATHOLOGY_MODULE_ID, 'Patient/nobody', facts)).toBeUndefined();
    expect(await registry.encodePatient(PATHOLOGY_MODULE_ID, 'Patient/path-module-2', [])).toBeUndefined();
  });

  it('uses a stored pathology-report-embedding fact (as the import writes it) without reading the text', async () => {
    const embedder = await TextEmbedder.load(DEFAULT_TEXT_MODEL_DIR);
    const r = lung[0]!;
    const embeddingFact = await reportEmbeddingFact(r, embedder);
    const facts = [...r.facts, embeddingFact];
    const fromFact = (await pathologyModule.encode((await pathologyModule.collectInputs('Patient/path-module-3', facts))!)).vector;
    const withText = createPathologyModule({ readReportText: () => r.content });
    const fromText = (await withText.encode((await withText.collectInputs('Patient/path-module-3', r.facts))!)).vector;
    expect(slot(pathologyModule, fromFact, 'report embedding present')).toBe(1);
    const a = Array.from(fromFact);
    const b = Array.from(fromText);
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-5);
    // a vector made by another model is not used
    const foreign = { ...embeddingFact, attributes: { ...embeddingFact.attributes, model: 'other-model@1+sha256:000000000000' } };
    const inputs = (await pathologyModule.collectInputs('Patient/path-module-3', [...r.facts, foreign]))!;
    expect(slot(pathologyModule, (await pathologyModule.encode(inputs)).vector, 'report embedding present')).toBe(0);
    expect(slot(pathologyModule, fromFact, 'EGFR altered')).toBe(1);
  });
});
