// The imaging modality module (the contract in libs/fusion-model): a patient's imaging state as one fixed-size
// vector, from the lesion measurements and radiomics facts that the imaging import writes (kinds
// `lesion-measurement` and `radiomics-features`, see libs/ingest/src/imaging-import.ts).
//
// What the vector is: hand-defined descriptors of the latest imaging timepoint — lesion burden, size, change
// since the first timepoint, and a few IBSI features of the largest lesion — each squashed to a comparable range,
// followed by the default encoder's 64-d embedding of a patch around the largest lesion (fact kind
// `imaging-embedding`; patch-cnn-3d, see libs/imaging/models/patch-cnn-3d/MODEL_CARD.md), zeros when absent.
// 0.3.0: the default encoder became patch-cnn-3d (was patch-pca-3d), so the embedding part means something else.
import { createHash } from 'node:crypto';
import type { Fact, PatientKey, Provenance } from '@oncoboard/facts';
import type { ModalityModule } from '@oncoboard/fusion-model';

export const IMAGING_MODULE_ID = 'imaging-lesions';
export const IMAGING_MODULE_VERSION = '0.3.0';
/** The embedding the vector carries: the default encoder's; another encoder's vectors are left out (flag 0). */
export const IMAGING_EMBEDDING_ENCODER = 'patch-cnn-3d';
const EMBEDDING_SIZE = 64;

/** IBSI features of the largest lesion, by tag, with how each is brought to a comparable range. */
const RADIOMICS_FEATURES: readonly { tag: string; scale: (v: number) => number }[] = [
  { tag: 'morph_sphericity', scale: (v) => v }, // 0..1
  { tag: 'morph_pca_elongation', scale: (v) => v }, // 0..1
  { tag: 'stat_mean', scale: (v) => Math.tanh(v / 200) }, // HU
  { tag: 'stat_var', scale: (v) => Math.log1p(Math.max(0, v)) / 10 },
  { tag: 'stat_skew', scale: (v) => Math.tanh(v) },
  { tag: 'stat_kurt', scale: (v) => Math.tanh(v / 3) },
  { tag: 'ih_entropy', scale: (v) => v / 8 },
  { tag: 'cm_contrast_3D_comb', scale: (v) => Math.log1p(Math.max(0, v)) / 5 },
  { tag: 'szm_zs_entr_3D', scale: (v) => v / 8 },
];

/** The names of the vector's elements, in order, so a contribution can be explained. */
export const IMAGING_VECTOR_NAMES: readonly string[] = [
  'lesion count (tanh n/5)',
  'total lesion volume (log1p mL / 7)',
  'largest lesion volume (log1p mL / 7)',
  'sum of longest diameters (tanh cm/10)',
  'largest longest diameter (tanh cm/10)',
  'total volume change since the first timepoint (tanh ratio)',
  'has an earlier timepoint (0/1)',
  ...RADIOMICS_FEATURES.map((f) => `largest lesion ${f.tag}`),
  'radiomics present (0/1)',
  ...Array.from({ length: EMBEDDING_SIZE }, (_, i) => `largest lesion ${IMAGING_EMBEDDING_ENCODER} embedding[${i}]`),
  'embedding present (0/1)',
];

export interface ImagingInputs {
  /** The latest timepoint's lesion measurements and radiomics, and the first timepoint's total volume. */
  date: string;
  lesions: { volumeMl: number; longestDiameterMm: number | null; label: number; provenance: Provenance[] }[];
  largestRadiomics?: { features: Record<string, number>; provenance: Provenance[] };
  largestEmbedding?: { vector: number[]; provenance: Provenance[] };
  firstTotalVolumeMl?: number;
  firstProvenance: Provenance[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function dateOf(fact: Fact): string {
  return fact.effectiveStart?.slice(0, 10) ?? '';
}

/** Lesion measurements and radiomics facts of a patient, grouped by imaging date (series date). */
export function collectImagingInputs(patientKey: PatientKey, facts: readonly Fact[]): ImagingInputs | undefined {
  const measurements = facts.filter((f) => f.patientKey === patientKey && f.kind === 'lesion-measurement' && f.value?.type === 'quantity');
  if (measurements.length === 0) return undefined;
  const dates = [...new Set(measurements.map(dateOf))].sort();
  const latest = dates.at(-1)!;
  const first = dates[0]!;
  const at = (date: string) => measurements.filter((f) => dateOf(f) === date);
  const lesions = at(latest).map((f) => ({
    volumeMl: f.value?.type === 'quantity' ? f.value.quantity.value : 0,
    longestDiameterMm: num((f.attributes as Record<string, unknown>).longestDiameterMm),
    label: num((f.attributes as Record<string, unknown>).label) ?? 0,
    provenance: f.provenance,
  }));
  const largest = lesions.reduce((a, b) => (b.volumeMl > a.volumeMl ? b : a));
  const radiomics = facts.find(
    (f) => f.patientKey === patientKey && f.kind === 'radiomics-features' && dateOf(f) === latest && num((f.attributes as Record<string, unknown>).label) === largest.label,
  );
  const embedding = facts.find((f) => {
    const a = f.attributes as Record<string, unknown>;
    return (
      f.patientKey === patientKey && f.kind === 'imaging-embedding' && dateOf(f) === latest && num(a.label) === largest.label &&
      (a.encoder as { id?: string } | undefined)?.id === IMAGING_EMBEDDING_ENCODER && Array.isArray(a.vector) && a.vector.length === EMBEDDING_SIZE
    );
  });
  const firstLesions = at(first);
  return {
    date: latest,
    lesions,
    ...(radiomics ? { largestRadiomics: { features: ((radiomics.attributes as Record<string, unknown>).features ?? {}) as Record<string, number>, provenance: radiomics.provenance } } : {}),
    ...(embedding ? { largestEmbedding: { vector: (embedding.attributes as { vector: number[] }).vector, provenance: embedding.provenance } } : {}),
    ...(first !== latest
      ? { firstTotalVolumeMl: firstLesions.reduce((n, f) => n + (f.value?.type === 'quantity' ? f.value.quantity.value : 0), 0) }
      : {}),
    firstProvenance: first !== latest ? firstLesions.flatMap((f) => f.provenance) : [],
  };
}

/** The vector (length IMAGING_VECTOR_NAMES.length) and the evidence it used. */
export function encodeImagingInputs(inputs: ImagingInputs): { vector: Float32Array; usedEvidence: Provenance[]; inputHash: string } {
  const volumes = inputs.lesions.map((l) => l.volumeMl);
  const diameters = inputs.lesions.map((l) => l.longestDiameterMm ?? 0);
  const total = volumes.reduce((a, b) => a + b, 0);
  const values: number[] = [
    Math.tanh(inputs.lesions.length / 5),
    Math.log1p(total) / 7,
    Math.log1p(Math.max(...volumes)) / 7,
    Math.tanh(diameters.reduce((a, b) => a + b, 0) / 100),
    Math.tanh(Math.max(...diameters) / 100),
    inputs.firstTotalVolumeMl !== undefined && inputs.firstTotalVolumeMl > 0 ? Math.tanh(total / inputs.firstTotalVolumeMl - 1) : 0,
    inputs.firstTotalVolumeMl !== undefined ? 1 : 0,
  ];
  const features = inputs.largestRadiomics?.features;
  for (const { tag, scale } of RADIOMICS_FEATURES) {
    const v = features ? num(features[tag]) : null;
    values.push(v === null ? 0 : scale(v));
  }
  values.push(features ? 1 : 0);
  const embedding = inputs.largestEmbedding?.vector;
  for (let i = 0; i < EMBEDDING_SIZE; i++) values.push(embedding ? (num(embedding[i]) ?? 0) : 0);
  values.push(embedding ? 1 : 0);
  const usedEvidence = [
    ...inputs.lesions.flatMap((l) => l.provenance),
    ...(inputs.largestRadiomics?.provenance ?? []),
    ...(inputs.largestEmbedding?.provenance ?? []),
    ...inputs.firstProvenance,
  ];
  const inputHash = createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
  return { vector: Float32Array.from(values, (v) => (Number.isFinite(v) ? v : 0)), usedEvidence, inputHash };
}

export const imagingModule: ModalityModule<ImagingInputs> = {
  id: IMAGING_MODULE_ID,
  version: IMAGING_MODULE_VERSION,
  modality: 'imaging',
  vectorSize: IMAGING_VECTOR_NAMES.length,
  description: 'Lesion burden, size, change and IBSI radiomics of the largest lesion at the latest imaging timepoint, with the patch-cnn-3d embedding of a patch around it',
  collectInputs: collectImagingInputs,
  encode: encodeImagingInputs,
};
