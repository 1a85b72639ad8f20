// Encodes the imported SYNTHETIC patients with the modality modules. Each module sees only the facts that came
// from its own modality's source records (clinical: the FHIR records; pathology: the report texts; genomics: the
// VCF and the knowledge-base evidence matched to it; imaging: the DICOM series and lesion records). Without this,
// the clinical module would also read the grade and receptor facts the pathology import writes, and "clinical
// only" or "pathology missing" would not mean what they say.
import { clinicalModule, ModalityModuleRegistry, type ModalityEncoding, type ModalityModule } from '@oncoboard/fusion-model';
import type { Fact } from '@oncoboard/facts';
import { imagingModule } from '@oncoboard/imaging';
import type { Store } from '@oncoboard/store';
import { MODALITY_NAMES, modalityOfSourceRecord, type ModalityName } from './modality-of-record';

export { MODALITY_NAMES, modalityOfSourceRecord, type ModalityName } from './modality-of-record';

export interface AvailableModule {
  modality: ModalityName;
  module: ModalityModule;
}

/**
 * The modules of the four modalities that exist in this checkout: clinical and imaging always; genomics and
 * pathology when their libs export `genomicsModule` / `pathologyModule` (written in parallel; looked up at run
 * time so this tool works before and after they land). Returns the missing ones by name.
 */
export async function loadModalityModules(): Promise<{ available: AvailableModule[]; missing: string[] }> {
  const available: AvailableModule[] = [
    { modality: 'clinical', module: clinicalModule },
    { modality: 'imaging', module: imagingModule as ModalityModule },
  ];
  const missing: string[] = [];
  const optional: [ModalityName, string, string][] = [
    ['pathology', '@oncoboard/pathology', 'pathologyModule'],
    ['genomics', '@oncoboard/genomics', 'genomicsModule'],
  ];
  for (const [modality, lib, name] of optional) {
    const exports = (await import(lib)) as Record<string, unknown>;
    const module = exports[name] as ModalityModule | undefined;
    if (module && typeof module.encode === 'function' && typeof module.collectInputs === 'function') available.push({ modality, module });
    else missing.push(`${modality} (${lib} does not export ${name} yet)`);
  }
  available.sort((a, b) => MODALITY_NAMES.indexOf(a.modality) - MODALITY_NAMES.indexOf(b.modality));
  return { available, missing };
}

export interface EncodedPatient {
  patientKey: string;
  encodings: Partial<Record<ModalityName, ModalityEncoding>>;
  /** A module that threw: "<modality>: <message>" (that modality is then missing for this patient). */
  problems: string[];
}

/** Encodes one patient with every available module, each on its own modality's facts. */
export async function encodeSyntheticPatient(store: Store, patientKey: string, modules: readonly AvailableModule[]): Promise<EncodedPatient> {
  const facts = await store.getFacts(patientKey);
  const byModality = new Map<ModalityName, Fact[]>();
  for (const f of facts) {
    const m = modalityOfSourceRecord(f.sourceRecordKey);
    if (!m) continue;
    if (!byModality.has(m)) byModality.set(m, []);
    byModality.get(m)!.push(f);
  }
  const registry = new ModalityModuleRegistry();
  for (const { module } of modules) registry.register(module);
  const encodings: EncodedPatient['encodings'] = {};
  const problems: string[] = [];
  for (const { modality, module } of modules) {
    try {
      const encoding = await registry.encodePatient(module.id, patientKey, byModality.get(modality) ?? []);
      if (encoding) encodings[modality] = encoding;
    } catch (e) {
      problems.push(`${modality}: ${(e as Error).message}`);
    }
  }
  return { patientKey, encodings, problems };
}
